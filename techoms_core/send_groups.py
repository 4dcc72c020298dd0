"""Send results committed in small groups: :class:`ResultGroup`.

A send's results stream in as the WMS answers. Committing each in its own
transaction made the store the largest cost of a send after HTTP, so the runner
keeps them here and commits a group at a time: ONE call of
:meth:`~techoms_core.host.Host.record_send_results` (ONE transaction holding
the records' new states and their run-log messages) per group.

What that costs in crash safety is bounded: a process killed before a group's
commit loses at most that group's bindings (:data:`GROUP_SIZE` results). The
records stay ``ready``; the next run sends them again, and the plugin's
look-before-create rule finds what the WMS already has and reports it
``skipped`` with its id, which binds it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from techoms_core.models import RecordResult

#: Results per commit at most.
GROUP_SIZE = 25
#: A group is committed with the first result that arrives this long after the
#: group's first one (seconds), so slow sends still commit about once a second.
#: Much shorter, and a slow profile commits each result alone: a transaction
#: per record (docs/benchmarks.md, "Why some constants are what they are").
GROUP_SECONDS = 1.0

Commit = Callable[[Sequence[RecordResult]], None]


class ResultGroup:
    """Send results waiting for their commit.

    :meth:`add` keeps a result and commits the group once it holds ``size``
    results, or when a result arrives ``seconds`` or more after the group's
    first. :meth:`commit` commits what is held (the runner calls it at the end
    of every batch, and when the plugin fails mid-batch). There is no timer
    thread: the host is only ever called from the runner's thread.
    """

    def __init__(
        self,
        commit: Commit,
        *,
        size: int = GROUP_SIZE,
        seconds: float = GROUP_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if size < 1:
            raise ValueError(f"size: a group holds at least one result, not {size}")
        self._commit = commit
        self._size = size
        self._seconds = seconds
        self._clock = clock
        self._held: list[RecordResult] = []
        self._opened = 0.0

    def __len__(self) -> int:
        return len(self._held)

    def add(self, result: RecordResult) -> None:
        """Hold ``result``; commit the group if it is full or old enough."""
        if not self._held:
            self._opened = self._clock()
        self._held.append(result)
        if len(self._held) >= self._size or self._clock() - self._opened >= self._seconds:
            self.commit()

    def commit(self) -> None:
        """Commit the held results in one call (nothing when none are held)."""
        if not self._held:
            return
        held, self._held = self._held, []
        self._commit(held)
