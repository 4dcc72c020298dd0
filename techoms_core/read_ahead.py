"""Pages read one ahead: the next page is fetched while the current one is applied.

A receive alternates two waits: the WMS's answer for a page, then the host
applying it. :class:`ReadAhead` overlaps them: as it hands a page over, it
asks the plugin's generator for the next one on a thread of its own, so the
request is on the wire while the host writes. Only one page is ever read
ahead (memory stays at two pages), and the generator still runs one step at a
time, never in two threads at once.

It is safe when the plugin's next request does not depend on the host having
applied the page before it, which holds for the receive hook's contract: the
plugin works out where the next page starts from the pages it read itself
(``Page.cursor`` is written by the host, never read back during the run). A
page read ahead but not applied, because the run stopped, is simply dropped:
the stored cursor has not passed it.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Generic, TypeVar

T = TypeVar("T")

_END = object()


class ReadAhead(Generic[T]):
    """Iterate ``pages``, fetching each next page while the caller works on the
    current one. :meth:`close` waits for the page in flight, then closes
    ``pages``."""

    def __init__(self, pages: Iterator[T], *, name: str = "read-ahead") -> None:
        self._pages = pages
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
        self._next: Future[object] | None = None

    def __iter__(self) -> ReadAhead[T]:
        return self

    def __next__(self) -> T:
        pending = self._next or self._thread.submit(self._step)
        self._next = None
        page = pending.result()  # re-raises what the plugin raised
        if page is _END:
            raise StopIteration
        self._next = self._thread.submit(self._step)
        return page  # type: ignore[return-value]

    def _step(self) -> object:
        return next(self._pages, _END)

    def close(self) -> None:
        """Stop reading: the page in flight is waited for and dropped (its error too)."""
        if self._next is not None:
            self._next.exception()
            self._next = None
        self._thread.shutdown(wait=True)
        close = getattr(self._pages, "close", None)
        if close is not None:
            close()
