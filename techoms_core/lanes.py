"""Channel lanes: each channel's due jobs run in a thread of their own.

A channel whose WMS is stuck holds only its own lane: the other channels'
jobs start when they are due. Within a lane, a channel's jobs run one after
another, as they always did. Lane threads are daemons, so an interrupted
process never waits for a stuck lane to exit (its run holds its lock until
the lock expires, and is then taken over as a dead holder's).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

J = TypeVar("J")
R = TypeVar("R")


class ChannelLanes(Generic[J, R]):
    """Runs ``work(job)`` for jobs grouped by channel, one thread per busy channel."""

    def __init__(
        self, work: Callable[[J], R], on_outcome: Callable[[R], None], stop: threading.Event
    ) -> None:
        self._work = work
        self._on_outcome = on_outcome
        self._stop = stop
        self._busy: dict[str, threading.Thread] = {}
        self._changed = threading.Condition()

    def busy(self) -> set[str]:
        """The channels whose lane is running."""
        with self._changed:
            return set(self._busy)

    def start(self, channel: str, jobs: Sequence[J]) -> bool:
        """Run ``jobs`` in ``channel``'s lane; False if the lane is still busy."""
        with self._changed:
            if channel in self._busy:
                return False
            lane = threading.Thread(
                target=self._run, args=(channel, list(jobs)), name=f"lane {channel}", daemon=True
            )
            self._busy[channel] = lane
        lane.start()
        return True

    def wait_any(self, timeout: float) -> None:
        """Return when a lane finishes, or after ``timeout`` seconds."""
        with self._changed:
            if self._busy:
                self._changed.wait(timeout)

    def wait_all(self) -> None:
        """Return when every lane is done (a signal handler may interrupt the wait)."""
        with self._changed:
            while self._busy:
                self._changed.wait(1.0)

    def _run(self, channel: str, jobs: list[J]) -> None:
        try:
            for job in jobs:
                if self._stop.is_set():
                    return
                self._on_outcome(self._work(job))
        finally:
            with self._changed:
                del self._busy[channel]
                self._changed.notify_all()
