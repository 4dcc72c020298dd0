"""The throughput cap held across processes: one channel's rate and concurrency, shared.

A :class:`~techoms_core.http.limiter.ThroughputLimiter` caps one run. Two runs
of the same channel (two options synced at once, on two workers or two
machines) each get the whole cap from it, so together they drive the WMS at
twice the profile. A :class:`SharedThroughputLimiter` asks a :class:`SharedCap`
instead: a ledger every run of the channel shares (the reference host keeps it
in its database), which hands out the channel's request slots and books each
start on one schedule for all of them. The sum of every run of the channel then
keeps to the profile::

    cap = host.shared_cap("leanafy-east", profile)
    with SharedThroughputLimiter(profile, cap) as limiter:
        with limiter.slot():
            response = send_one_request()

:func:`~techoms_core.http.build_session` builds one when it is given a
``shared_cap``; the runner passes one whenever its host offers them
(:class:`~techoms_core.host.ThroughputRole`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Protocol, runtime_checkable

from pyrate_limiter import Rate

from techoms_core.http.limiter import ProfileLimiter
from techoms_core.throughput import ThroughputProfile

#: How long a run whose channel has every slot taken waits before asking again,
#: unless one of its own requests ends first (seconds).
POLL_SECONDS = 0.01

log = logging.getLogger("techoms.throughput")


def book_start(recent: list[float], now: float, rates: list[Rate]) -> float:
    """The next start the rates allow after the starts booked ``recent``ly
    (seconds, oldest first), at ``now`` or later, and never before the last one.

    The rule of the in-process limiter, for a ledger that keeps the starts:
    under ``Rate(limit, interval)`` a start comes at least ``interval`` after
    the ``limit``-th start before it, so no window of ``interval`` holds more
    than ``limit`` starts; a channel idle for a while may then start a window's
    worth at once. A ledger need keep only the last ``max(limit)`` starts.
    """
    start = max(now, recent[-1]) if recent else now
    for rate in rates:
        if len(recent) >= rate.limit:
            start = max(start, recent[-rate.limit] + rate.interval / 1000)
    return start


@runtime_checkable
class SharedCap(Protocol):
    """One channel's cap as every run of the channel sees it, on any process.

    One object per run: it stands for that run's requests in the ledger.
    :meth:`take_slot` is called by one thread of the run at a time,
    :meth:`return_slot` by any of its threads, also while a take is going on.
    """

    def take_slot(self) -> float | None:
        """Take one of the channel's request slots and book the next start the
        channel's rate allows, in one step.

        :returns: seconds from now until the booked start (0 or less: at
            once), or ``None`` when every slot of the channel is taken (nothing
            is booked then; ask again later).
        """
        ...

    def return_slot(self) -> None:
        """Give back a slot :meth:`take_slot` gave this run (its request ended)."""
        ...

    def close(self) -> None:
        """Give back whatever this run still holds; the run is over."""
        ...


class SharedThroughputLimiter(ProfileLimiter):
    """Caps a run's requests within the cap its channel shares with every other run.

    The same interface as :class:`~techoms_core.http.limiter.ThroughputLimiter`
    (``slot()``, ``profile``, ``close()``), so a session cannot tell them apart.
    A request first takes a place among the run's own ``max_concurrency``
    (so a run never asks the ledger for more than the cap), then a slot and a
    booked start from the :class:`SharedCap`, sleeps until that start, and
    returns the slot when it ends.

    When the channel's every slot is taken (other runs hold them), one thread
    of the run asks again every :data:`POLL_SECONDS`, or at once when one of
    the run's own requests ends; the run's other waiting threads queue behind
    it without asking.
    """

    _reach = ", shared by the channel's runs"

    def __init__(
        self,
        profile: ThroughputProfile,
        cap: SharedCap,
        *,
        sleep: Callable[[float], None] = time.sleep,
        poll: float = POLL_SECONDS,
    ) -> None:
        self._profile = profile
        self._cap = cap
        self._sleep = sleep
        self._poll = poll
        self._in_flight = threading.BoundedSemaphore(profile.max_concurrency)
        self._taking = threading.Lock()
        self._returned = threading.Event()

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Block until a request may start, and hold its slot until it ends."""
        with self._in_flight:
            wait = self._take()
            try:
                if wait > 0:
                    self._sleep(wait)
                yield
            finally:
                self._give_back()

    def _take(self) -> float:
        with self._taking:
            while True:
                self._returned.clear()
                wait = self._cap.take_slot()
                if wait is not None:
                    return wait
                self._returned.wait(self._poll)

    def _give_back(self) -> None:
        """Return the slot of a request that ended. The request's outcome stands
        whatever happens here: a ledger that cannot be reached keeps the slot
        counted (the channel goes slower, never faster) until the run closes it
        or its lease lapses."""
        try:
            self._cap.return_slot()
        except Exception:
            log.warning("could not return a request slot of %r", self._cap, exc_info=True)
        finally:
            self._returned.set()

    def close(self) -> None:
        """Give back whatever the run still holds in the shared ledger (if the
        ledger cannot be reached, its lease lapses instead)."""
        try:
            self._cap.close()
        except Exception:
            log.warning("could not give back the slots of %r", self._cap, exc_info=True)
