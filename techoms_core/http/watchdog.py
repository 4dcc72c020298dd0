"""The deadline for the part of an exchange ``requests`` reads itself:
connecting, sending, and the status line and headers of the answer.

``requests`` bounds each socket operation by its timeouts, never the whole:
a WMS that trickles its headers a byte at a time resets the read timeout
with every byte. :mod:`techoms_core.http.limits` bounds the body; this bounds
what comes before it. Each exchange is *watched* from the moment it leaves
(:meth:`Watchdog.watch`); one thread for the whole process, woken only when
the earliest deadline comes, shuts down the socket of an exchange still
watched at its deadline. The read blocked on it returns at once, and the
transport reports :class:`~techoms_core.http.limits.DeadlineExceeded`.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import os
import socket
import threading
import time
from typing import Any

#: Seconds between looks at an exchange whose deadline passed while it was
#: still connecting (no socket to shut down yet; the connect timeout bounds it).
CONNECTING_RECHECK = 0.05


class Watch:
    """One exchange's deadline, and the connection it is using (set by the
    connection pool when it hands one out)."""

    __slots__ = ("closed", "connection", "ends", "fired", "queued")

    def __init__(self, ends: float) -> None:
        self.ends = ends
        self.connection: Any = None
        self.fired = False
        self.closed = False
        self.queued = False  # in the watchdog's heap


class Watchdog:
    """Shuts down the socket of every watched exchange that outlives its
    deadline. Watching costs a heap push; released watches are dropped when
    their deadline comes up, or all at once when they are most of the heap
    (so thousands of requests a minute keep it small)."""

    def __init__(self) -> None:
        self._start_afresh()
        # A forked child has no watchdog thread, whatever its parent had.
        os.register_at_fork(after_in_child=self._start_afresh)

    def _start_afresh(self) -> None:
        self._wake = threading.Condition()
        self._due: list[tuple[float, int, Watch]] = []
        self._order = itertools.count()
        self._released = 0  # released watches still in the heap
        self._thread: threading.Thread | None = None

    def watch(self, ends: float) -> Watch:
        """Watch an exchange until :meth:`release`; ``ends`` on ``time.monotonic()``."""
        watch = Watch(ends)
        with self._wake:
            self._push(ends, watch)
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="techoms-http-deadlines", daemon=True
                )
                self._thread.start()
        return watch

    def release(self, watch: Watch) -> bool:
        """Stop watching; whether the deadline had come (its socket shut down)."""
        with self._wake:
            watch.connection = None  # a pool may drop it; the heap keeps the watch a while
            still_queued = watch.queued and not watch.closed
            watch.closed = True
            if still_queued:
                self._released += 1
                if self._released > 64 and self._released * 2 > len(self._due):
                    self._due = [entry for entry in self._due if not entry[2].closed]
                    heapq.heapify(self._due)
                    self._released = 0
            return watch.fired

    def _push(self, ends: float, watch: Watch) -> None:
        earliest = self._due[0][0] if self._due else None
        heapq.heappush(self._due, (ends, next(self._order), watch))
        watch.queued = True
        if earliest is None or ends < earliest:
            self._wake.notify()

    def _run(self) -> None:
        with self._wake:
            while True:
                while self._due and self._due[0][2].closed:
                    heapq.heappop(self._due)
                    self._released -= 1
                if not self._due:
                    self._wake.wait()
                    continue
                ends, _, watch = self._due[0]
                left = ends - time.monotonic()
                if left > 0:
                    self._wake.wait(left)
                    continue
                heapq.heappop(self._due)
                watch.queued = False
                watch.fired = True
                if not _shut_down(watch.connection):
                    self._push(time.monotonic() + CONNECTING_RECHECK, watch)


def _shut_down(connection: Any) -> bool:
    """Shut down ``connection``'s socket; ``False`` when it has none yet."""
    sock = getattr(connection, "sock", None)
    if not isinstance(sock, socket.socket):
        return False
    with contextlib.suppress(OSError):  # already closed
        sock.shutdown(socket.SHUT_RDWR)
    return True


#: The process's one watchdog.
WATCHDOG = Watchdog()
