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
from collections.abc import Iterator
from contextlib import contextmanager
from fractions import Fraction

from pyrate_limiter import InMemoryBucket, Limiter, Rate

from techoms_core.throughput import ThroughputProfile

#: The longest period a fractional rate is spread over, in seconds.
_LONGEST_PERIOD = 60
#: Extra wait the rate limiter adds after a computed wait, in milliseconds.
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


class ThroughputLimiter:
    """Caps concurrent requests and request starts per second for one channel run.

    Thread-safe: share one instance between all the threads that talk to the
    same WMS. The rate is a sliding window (no second-long window ever sees
    more starts than the profile allows), kept by ``pyrate-limiter``.
    """

    def __init__(self, profile: ThroughputProfile) -> None:
        self._profile = profile
        self._in_flight = threading.BoundedSemaphore(profile.max_concurrency)
        # One thread at a time waits for a permit; the others wait on this lock,
        # which costs no CPU, instead of all polling the rate after each wait.
        self._admission = threading.Lock()
        self._starts = Limiter(
            InMemoryBucket(rates_for(profile.requests_per_second)), buffer_ms=_WAIT_MARGIN_MS
        )

    @property
    def profile(self) -> ThroughputProfile:
        """The profile this limiter enforces."""
        return self._profile

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Block until a request may start, and hold its place until it ends.

        A place among the concurrent requests is taken first, then a permit
        from the rate: the request starts right after its permit, so the
        start times the WMS sees keep to the rate.
        """
        with self._in_flight:
            with self._admission:
                admitted = self._starts.try_acquire(_PERMIT_NAME, blocking=True)
            if not admitted:
                raise RuntimeError(f"the rate of {self._profile.label!r} admits no request")
            yield

    def close(self) -> None:
        """Stop the rate limiter's background housekeeping."""
        self._starts.close()

    def __enter__(self) -> ThroughputLimiter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        profile = self._profile
        return (
            f"ThroughputLimiter({profile.key!r}: {profile.max_concurrency} concurrent,"
            f" {profile.requests_per_second:g} per second)"
        )
