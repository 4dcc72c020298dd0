"""A health check for a WMS that answers one authenticated request.

:func:`access_check` asks the WMS for one path with the channel's session
(its URL and credentials as the declaration's ``wire`` conventions set them)
and reports what it learnt: reachable, credentials accepted. It never raises,
as the ``health_check`` hook must not. A plugin with more to verify (a
warehouse authorised, say) adds its own checks to the report, timing each with
a :class:`Stopwatch`.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from attrs import define, field

from techoms_core.http.exceptions import ChannelHTTPError, InvalidCredentials
from techoms_core.models import HealthCheck, HealthReport

if TYPE_CHECKING:
    from techoms_core.context import ChannelContext


@define
class Stopwatch:
    """Times the checks of a health check: ``elapsed_ms()`` since it started,
    ``lap_ms()`` since the last lap (or the start), both in milliseconds."""

    _started: float = field(init=False, factory=time.monotonic)
    _lap: float | None = field(init=False, default=None)

    def elapsed_ms(self) -> float:
        return _ms(time.monotonic() - self._started)

    def lap_ms(self) -> float:
        now = time.monotonic()
        since = self._started if self._lap is None else self._lap
        self._lap = now
        return _ms(now - since)


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def access_check(context: ChannelContext, path: str) -> HealthReport:
    """``GET path`` as the channel: one check, named ``credentials`` when the
    WMS answered (accepted or refused them) and ``reachable`` when it did not."""
    watch = Stopwatch()
    try:
        context.http.get(path)
        name, ok, message = "credentials", True, "the WMS accepts the credentials"
    except InvalidCredentials as error:
        name, ok, message = "credentials", False, f"invalid credentials: {error}"
    except ChannelHTTPError as error:
        name, ok, message = "reachable", False, str(error)
    except Exception as error:  # a health check reports, whatever happens
        name, ok, message = "reachable", False, f"{type(error).__name__}: {error}"
    took = watch.elapsed_ms()
    check = HealthCheck(name=name, ok=ok, message=message, latency_ms=took)
    return HealthReport(checks=(check,), latency_ms=took)
