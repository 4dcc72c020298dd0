"""A health check for a WMS that answers one authenticated request.

:func:`access_check` asks the WMS for one path with the channel's session
(its URL and credentials as the declaration's ``wire`` conventions set them)
and reports what it learnt: reachable, credentials accepted. It never raises,
as the ``health_check`` hook must not. A plugin with more to verify (a
warehouse authorised, say) adds its own checks to the report.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from techoms_core.http.exceptions import ChannelHTTPError, InvalidCredentials
from techoms_core.models import HealthCheck, HealthReport

if TYPE_CHECKING:
    from techoms_core.context import ChannelContext


def access_check(context: ChannelContext, path: str) -> HealthReport:
    """``GET path`` as the channel: one check, named ``credentials`` when the
    WMS answered (accepted or refused them) and ``reachable`` when it did not."""
    started = time.monotonic()
    try:
        context.http.get(path)
        check = HealthCheck(name="credentials", ok=True, message="the WMS accepts the credentials")
    except InvalidCredentials as error:
        check = HealthCheck(name="credentials", ok=False, message=f"invalid credentials: {error}")
    except ChannelHTTPError as error:
        check = HealthCheck(name="reachable", ok=False, message=str(error))
    except Exception as error:  # a health check reports, whatever happens
        check = HealthCheck(name="reachable", ok=False, message=f"{type(error).__name__}: {error}")
    return HealthReport(checks=(check,), latency_ms=(time.monotonic() - started) * 1000)
