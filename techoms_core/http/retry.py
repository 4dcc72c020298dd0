"""How long the session waits before trying a failed request again, and how often.

The wait before a retry is the ``Retry-After`` the WMS sent, when it sent one
(capped at :attr:`RetryPolicy.retry_after_cap`), and otherwise an exponential
backoff with jitter: about ``backoff_initial``, then twice that, four times
that, ... never more than ``backoff_max``. The jitter spreads the retries of
many threads so that they do not hit the WMS again all at once.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from attrs import field, frozen, validators
from tenacity import RetryCallState, wait_exponential, wait_random


@frozen
class RetryPolicy:
    """How hard a session tries before it gives up on a retriable failure.

    :ivar max_attempts: attempts in all, the first one included (1 = never retry).
    :ivar backoff_initial: the first backoff, in seconds; also the jitter's range.
    :ivar backoff_max: the longest backoff, in seconds.
    :ivar retry_after_cap: the longest wait a ``Retry-After`` may impose, in seconds.
    """

    max_attempts: int = field(default=5, validator=validators.ge(1))
    backoff_initial: float = field(default=0.2, validator=validators.gt(0))
    backoff_max: float = field(default=10.0, validator=validators.gt(0))
    retry_after_cap: float = field(default=60.0, validator=validators.ge(0))

    def wait(self, retry_state: RetryCallState) -> float:
        """Seconds to wait before the next attempt (a tenacity ``wait``)."""
        failure = retry_state.outcome.exception() if retry_state.outcome else None
        retry_after = getattr(failure, "retry_after", None)
        if retry_after is not None:
            return min(retry_after, self.retry_after_cap)
        backoff = wait_exponential(multiplier=self.backoff_initial, max=self.backoff_max)
        jitter = wait_random(0, self.backoff_initial)
        return min(backoff(retry_state) + jitter(retry_state), self.backoff_max)


#: The policy a session uses unless the plugin passes its own.
DEFAULT_RETRY = RetryPolicy()


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait according to a ``Retry-After`` header value.

    The header holds either a number of seconds (``"2"``) or an HTTP date
    (``"Wed, 21 Oct 2015 07:28:00 GMT"``). A date in the past means no wait;
    a value that is neither gives ``None``, and the session falls back to its
    backoff.
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
