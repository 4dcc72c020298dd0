"""The health check: credentials set, Leanafy reachable, credentials accepted,
the configured warehouse authorised. Never raises: every failure is a failed
check saying why.

One ``GET /v1/me`` answers the connection, credentials, account and warehouse
checks. Each check carries its time: ``connection`` and ``credentials`` that
request's round trip (the request is what reached Leanafy and carried the
credentials), ``account`` and ``warehouse`` the time spent reading the answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from attrs import evolve

from plugins.leanafy import contract as wire
from plugins.leanafy.client import LeanafyClient
from plugins.leanafy.declaration import Setting
from plugins.leanafy.settings_view import ChannelView
from techoms_core.health import Stopwatch
from techoms_core.http.exceptions import (
    ChannelHTTPError,
    InvalidCredentials,
    TLSFailure,
    Unreachable,
)
from techoms_core.models import HealthCheck, HealthReport

if TYPE_CHECKING:
    from techoms_core.context import ChannelContext

CREDENTIALS, CONNECTION, ACCOUNT, WAREHOUSE = "credentials", "connection", "account", "warehouse"


def check(context: ChannelContext) -> HealthReport:
    """Run the checks in order; a failed check stops the ones that depend on it."""
    try:
        return _checks(context)
    except Exception as error:  # a health check never raises, whatever went wrong
        why = f"unexpected error: {type(error).__name__}: {error}"
        return HealthReport(checks=[HealthCheck(name=CONNECTION, ok=False, message=why)])


def _checks(context: ChannelContext) -> HealthReport:
    watch = Stopwatch()
    missing = [
        key for key in (Setting.API_KEY, Setting.API_SECRET) if not context.settings.get(key)
    ]
    if missing:
        why = f"not set: {', '.join(missing)}"
        unset = HealthCheck(name=CREDENTIALS, ok=False, message=why, latency_ms=watch.lap_ms())
        return HealthReport(checks=[unset])
    watch.lap_ms()
    try:
        me = LeanafyClient(context).me()
    except ChannelHTTPError as error:
        took = watch.lap_ms()
        return HealthReport(checks=_failed_call(error, took), latency_ms=watch.elapsed_ms())
    took = watch.lap_ms()
    checks = [
        HealthCheck(
            name=CONNECTION, ok=True, message=f"Leanafy answered in {took:.0f} ms", latency_ms=took
        ),
        HealthCheck(name=CREDENTIALS, ok=True, message="accepted", latency_ms=took),
        evolve(_account(me), latency_ms=watch.lap_ms()),
        evolve(_warehouse(ChannelView(context).warehouse_id, me), latency_ms=watch.lap_ms()),
    ]
    return HealthReport(checks=checks, latency_ms=watch.elapsed_ms())


def _failed_call(error: ChannelHTTPError, took: float) -> list[HealthCheck]:
    """The checks the failed request decided, each with its round trip ``took``."""
    if isinstance(error, TLSFailure):
        failed = [HealthCheck(name=CONNECTION, ok=False, message=f"TLS failure: {error}")]
    elif isinstance(error, Unreachable):
        failed = [HealthCheck(name=CONNECTION, ok=False, message=f"unreachable: {error}")]
    else:
        reached = HealthCheck(name=CONNECTION, ok=True, message="Leanafy answered")
        if isinstance(error, InvalidCredentials):
            why = "invalid credentials: Leanafy refused the Api Key / Api Secret"
            if error.request_id:
                why += f" (X-Request-Id: {error.request_id})"
            failed = [reached, HealthCheck(name=CREDENTIALS, ok=False, message=why)]
        else:
            why = f"GET {wire.BASE_PATH}{wire.Path.ME} failed: {error}"
            failed = [reached, HealthCheck(name=ACCOUNT, ok=False, message=why)]
    return [evolve(check, latency_ms=took) for check in failed]


def _account(me: object) -> HealthCheck:
    client = me.get(wire.Me.CLIENT) if isinstance(me, dict) else None
    if not isinstance(client, dict):
        return HealthCheck(name=ACCOUNT, ok=False, message="/me answered without a client")
    return HealthCheck(name=ACCOUNT, ok=True, message=f"client {client.get(wire.Me.NAME)}")


def _warehouse(configured: str | None, me: object) -> HealthCheck:
    warehouses = me.get(wire.Me.WAREHOUSES) if isinstance(me, dict) else None
    warehouses = warehouses if isinstance(warehouses, list) else []
    ids = {str(w.get(wire.Me.ID)): w.get(wire.Me.NAME) for w in warehouses if isinstance(w, dict)}
    if configured:
        if configured in ids:
            return HealthCheck(name=WAREHOUSE, ok=True, message=f"{ids[configured]} ({configured})")
        why = f"warehouse {configured} is not authorised for these credentials"
        listed = ", ".join(f"{name} ({key})" for key, name in ids.items()) or "none"
        return HealthCheck(name=WAREHOUSE, ok=False, message=f"{why} (authorised: {listed})")
    if len(ids) == 1:
        ((key, name),) = ids.items()
        return HealthCheck(
            name=WAREHOUSE, ok=True, message=f"the account's only warehouse: {name} ({key})"
        )
    why = f"the account has {len(ids)} warehouses; set the channel's Leanafy warehouse id"
    return HealthCheck(name=WAREHOUSE, ok=False, message=why)
