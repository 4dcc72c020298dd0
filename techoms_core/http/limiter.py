"""The throughput cap: how many requests may be in flight, and how many may start per second.

A :class:`ThroughputLimiter` enforces a
:class:`~techoms_core.throughput.ThroughputProfile`. One limiter is shared by
every thread of a channel run; each request to the WMS holds a *slot* for as
long as it is on the wire::

    limiter = ThroughputLimiter(LOW)
    with limiter.slot():
        response = send_one_request()

:func:`~techoms_core.http.build_session` takes the slot for every attempt a
session makes, so a plugin that uses the session never calls the limiter itself.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from fractions import Fraction
from typing import Self

from pyrate_limiter import InMemoryBucket, Rate, RateItem

from techoms_core.throughput import ThroughputProfile

#: The longest period a fractional rate is spread over, in seconds.
_LONGEST_PERIOD = 60
#: Extra wait added after a computed wait, in milliseconds.
_WAIT_MARGIN_MS = 5
_PERMIT_NAME = "request"


def rates_for(requests_per_second: float) -> list[Rate]:
    """The sliding-window rates that keep starts within ``requests_per_second``.

    A whole rate is one window of one second (``20`` -> 20 per second). A
    fractional rate also gets the smallest longer window that expresses it
    exactly, so that ``2.5`` admits 3 in any second but only 5 in any two
    seconds, and ``0.5`` admits 1 in any two seconds. Rates are expressed
    over at most a minute: anything slower than one per minute gets one per
    minute.
    """
    exact = Fraction(requests_per_second).limit_denominator(_LONGEST_PERIOD)
    if exact <= 0:
        raise ValueError(f"requests per second must be positive, got {requests_per_second!r}")
    per_second = math.ceil(exact)
    if exact.denominator == 1:
        return [Rate(per_second, 1000)]
    window = Rate(exact.numerator, 1000 * exact.denominator)
    if per_second < exact.numerator:
        return [Rate(per_second, 1000), window]
    return [window]


class ProfileLimiter:
    """What every limiter a session can hold has besides its ``slot()``: the
    profile it enforces, a ``with`` block that closes it, and a repr naming
    its cap. Subclasses set ``_profile`` and override :meth:`close` when they
    hold anything."""

    _profile: ThroughputProfile
    #: Said in the repr after the cap: how far the cap reaches.
    _reach = ""

    @property
    def profile(self) -> ThroughputProfile:
        """The profile this limiter enforces."""
        return self._profile

    def close(self) -> None:
        """Nothing to stop here. Kept so that a session (and a ``with`` block)
        can close any limiter like any resource."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        profile = self._profile
        return (
            f"{type(self).__name__}({profile.key!r}: {profile.max_concurrency} concurrent,"
            f" {profile.requests_per_second:g} per second{self._reach})"
        )


class ThroughputLimiter(ProfileLimiter):
    """Caps concurrent requests and request starts per second for one channel run.

    Thread-safe: share one instance between all the threads that talk to the
    same WMS. The rate is a sliding window (no second-long window ever sees
    more starts than the profile allows), kept in a ``pyrate-limiter`` bucket.

    Each request books its start time: under a short lock the bucket is asked
    whether a start fits now and, if not, how long until one does (the bucket
    computes it from the start that blocks), and the start is recorded at
    that time. The thread then sleeps once until its start. Bookings are made
    in order, so a booked start never precedes an earlier one. This is what
    pyrate-limiter's blocking ``try_acquire`` does too, minus its per-call
    wrapping and a second wait: the threads no longer queue on a lock while
    one of them sleeps, and a wait costs one timed sleep.
    """

    def __init__(
        self,
        profile: ThroughputProfile,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], int] | None = None,
    ) -> None:
        """``sleep`` waits a number of seconds and ``clock`` reads the time in
        milliseconds (the bucket's monotonic clock unless given): a test can
        record the waits against a clock that stands still."""
        self._profile = profile
        self._sleep = sleep
        self._in_flight = threading.BoundedSemaphore(profile.max_concurrency)
        rates = rates_for(profile.requests_per_second)
        self._starts = InMemoryBucket(rates)
        self._now = clock or self._starts.now
        self._booking = threading.Lock()
        self._last_start = 0
        # Starts older than the longest window no longer count; dropping them
        # in bulk now and then keeps the bucket short without a leak thread.
        self._leak_above = 2 * max(rate.limit for rate in rates)

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Block until a request may start, and hold its place until it ends.

        A place among the concurrent requests is taken first, then a start
        time from the rate: the request starts right at its booked time, so
        the start times the WMS sees keep to the rate.
        """
        with self._in_flight:
            wait = self._book_start()
            if wait > 0:
                self._sleep(wait)
            yield

    def _book_start(self) -> float:
        """Record the next start the rate allows; seconds until it."""
        bucket = self._starts
        with self._booking:
            now = self._now()
            start = RateItem(_PERMIT_NAME, max(now, self._last_start))
            while not bucket.put(start):
                delay = bucket.waiting(start)
                if delay < 0:
                    raise RuntimeError(f"the rate of {self._profile.label!r} admits no request")
                start.timestamp += delay + _WAIT_MARGIN_MS
            self._last_start = start.timestamp
            if bucket.count() > self._leak_above:
                bucket.leak(now)
        return (start.timestamp - now) / 1000
