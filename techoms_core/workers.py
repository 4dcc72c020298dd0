"""The threads a channel run shares for concurrent work: :class:`WorkerPool`.

A hook reaches it through :meth:`techoms_core.context.ChannelContext.concurrently`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from itertools import islice
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")


#: How often the calling thread looks for finished results that no bunch has
#: brought it yet, so none waits longer than this (seconds). Every look wakes
#: the thread, so a short interval costs a slow profile CPU on every record
#: (docs/benchmarks.md, "Why some constants are what they are").
HOLD_SECONDS = 0.5


class _Finished:
    """Futures done and not yet taken. The consumer is woken for a bunch of
    them (or the last one, or a failure), not for each: waking a thread costs
    more CPU than most of what it then does with one result."""

    def __init__(self, total: int, *, bunch: int) -> None:
        self._changed = threading.Condition(threading.Lock())
        self._done: list[Future[Any]] = []
        self._left = total
        self._bunch = bunch
        self._ready = False

    def add(self, future: Future[Any]) -> None:
        with self._changed:
            self._done.append(future)
            self._left -= 1
            if (
                len(self._done) >= self._bunch
                or self._left == 0
                or future.cancelled()
                or future.exception() is not None
            ):
                self._ready = True
                self._changed.notify()

    def take(self, timeout: float) -> list[Future[Any]]:
        with self._changed:
            if not self._ready:
                self._changed.wait(timeout)
            taken, self._done = self._done, []
            self._ready = False
            return taken


class WorkerPool:
    """The threads a channel run shares for concurrent work: :attr:`ChannelContext.workers`.

    A run keeps one pool for its whole length, sized to the throughput
    profile's ``max_concurrency``: its threads are started when first needed
    and stopped when the run's context closes, so a hook that fans out for
    every batch does not start and stop threads every time. Use it through
    :meth:`ChannelContext.concurrently`.
    """

    def __init__(self, size: int, name: str) -> None:
        self.size = size
        self.name = name
        self._executor: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()
        self._closed = False
        self._local = threading.local()

    def concurrently(
        self, work: Callable[[T], R], items: Iterable[T], *, ahead: int | None = None
    ) -> Iterator[R]:
        """``work(item)`` for every item, at most :attr:`size` at a time, the
        results yielded as items finish (not in the items' order).

        ``ahead`` bounds the items started whose results the caller has not
        had yet: the next item starts when the caller comes back for another
        result, so a window slides over the items without waiting for the
        slowest of a batch, and results answered faster than they are used
        wait in memory ``ahead`` at most. ``None``: every item is queued at once.

        Finished results are handed over a few at a time: the calling thread
        is woken when :attr:`size` of them are waiting, when the last item or
        a failing one finishes, and otherwise every :data:`HOLD_SECONDS`, so
        a result waits at most that long for others to join it. (Waking a
        thread costs more CPU than most of what it then does with a result.)

        The first exception stops the rest: items not started yet are
        dropped, those running are waited for (their results discarded), and
        the exception is raised. Closing the iterator early does the same
        without raising. So when the iterator ends, none of its work is still
        running. One item, or a pool of one, runs in the calling thread.

        Called from inside one of the pool's own tasks (a task that fans out
        again), the items run one after another in that task's thread: the
        outer call may hold every thread of the pool, so waiting for them
        could never end.
        """
        items = list(items)
        if len(items) <= 1 or self.size <= 1 or self.in_worker():
            for item in items:
                yield work(item)
            return
        executor = self._started()
        # Woken for a bunch, never larger than the items that can be out at once.
        finished = _Finished(len(items), bunch=min(self.size, ahead or self.size))
        # Futures not yet handed over: a result leaves memory once the caller has it.
        running: set[Future[R]] = set()
        queued = iter(items)

        def start(count: int) -> None:
            for item in islice(queued, count):
                future = executor.submit(work, item)
                running.add(future)
                future.add_done_callback(finished.add)

        try:
            start(len(items) if ahead is None else max(ahead, 1))
            left = len(items)
            while left:
                taken = finished.take(HOLD_SECONDS)
                taken.reverse()
                while taken:
                    future = taken.pop()
                    left -= 1
                    running.discard(future)
                    result = future.result()
                    del future
                    yield result
                    start(1)  # once the caller is back for more: it has used this one
        finally:
            for future in running:
                future.cancel()
            wait(running)

    def in_worker(self) -> bool:
        """Whether the calling thread is one of this pool's."""
        return getattr(self._local, "worker", False)

    def close(self) -> None:
        """Stop the threads once their work is done; the pool takes no more work."""
        with self._lock:
            self._closed = True
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)

    def _started(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._closed:
                raise RuntimeError(f"the worker pool of {self.name!r} is closed (its run ended)")
            if self._executor is None:
                self._executor = ThreadPoolExecutor(
                    max_workers=self.size,
                    thread_name_prefix=f"techoms-{self.name}",
                    initializer=self._mark_worker,
                )
            return self._executor

    def _mark_worker(self) -> None:
        self._local.worker = True

    def __repr__(self) -> str:
        state = "closed" if self._closed else "started" if self._executor else "not started"
        return f"<WorkerPool {self.name!r}: {self.size} threads, {state}>"
