"""Rate limits: an enforced token bucket, and the nominal window reported when none is set.

Both answer what goes in ``X-RateLimit-Limit`` and ``X-RateLimit-Remaining``.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

NOMINAL_LIMIT = 1000


@dataclass(frozen=True)
class RateDecision:
    """One request's fate under a rate limit."""

    allowed: bool
    limit: int
    remaining: int
    retry_after: int = 0


class TokenBucket:
    """``rps`` requests per second, with a burst of ``burst`` requests (by default
    one second's worth, at least one)."""

    def __init__(
        self,
        rps: float,
        clock: Callable[[], float] = time.monotonic,
        *,
        burst: float | None = None,
    ) -> None:
        self.rps = rps
        self.capacity = max(burst or rps, 1.0)
        self._clock = clock
        self._tokens = self.capacity
        self._last = clock()
        self._lock = threading.Lock()

    def take(self) -> RateDecision:
        """Spend one token, or say how many whole seconds until one is free."""
        with self._lock:
            now = self._clock()
            self._tokens = min(self.capacity, self._tokens + (now - self._last) * self.rps)
            self._last = now
            limit = max(math.floor(self.rps), 1)
            if self._tokens >= 1:
                self._tokens -= 1
                return RateDecision(True, limit, math.floor(self._tokens))
            wait = max(math.ceil((1 - self._tokens) / self.rps), 1)
            return RateDecision(False, limit, 0, wait)


class RequestWindow:
    """Counts requests per wall-clock second against a nominal limit it never enforces."""

    def __init__(
        self, limit: int = NOMINAL_LIMIT, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self._clock = clock
        self._second = -1
        self._count = 0
        self._lock = threading.Lock()

    def take(self) -> RateDecision:
        """Count one request; always allowed."""
        with self._lock:
            second = int(self._clock())
            if second != self._second:
                self._second, self._count = second, 0
            self._count += 1
            return RateDecision(True, self.limit, max(self.limit - self._count, 0))
