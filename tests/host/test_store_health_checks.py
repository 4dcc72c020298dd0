"""Each channel's last health check is kept in the store (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest

from techoms_core.health_log import HealthResult
from techoms_core.host import UnknownChannel
from techoms_core.models import HealthCheck, HealthReport
from techoms_core.store import StoreHost

AT = dt.datetime(2026, 12, 5, 9, 30, 15, tzinfo=dt.UTC)


def _report(ok: bool) -> HealthReport:
    return HealthReport(
        checks=[
            HealthCheck(name="connection", ok=True, message="answered", latency_ms=12.5),
            HealthCheck(name="credentials", ok=ok, message="" if ok else "refused"),
        ],
        latency_ms=14.0,
    )


def test_the_last_health_check_replaces_the_one_before_and_survives_reopening(wms, db_target):
    assert wms.last_health_checks() == {}
    wms.record_health_check(HealthResult(channel="wms", at=AT, report=_report(True)))
    later = HealthResult(channel="wms", at=AT + dt.timedelta(minutes=1), report=_report(False))
    wms.record_health_check(later)
    with StoreHost(db_target) as reopened:
        kept = reopened.last_health_checks()
    assert kept == {"wms": later}
    assert kept["wms"].report.checks[0].latency_ms == 12.5
    assert kept["wms"].report.checks[1].latency_ms is None
    assert not kept["wms"].ok and kept["wms"].message == "credentials: refused"


def test_a_check_that_could_not_run_is_kept_with_its_error(wms):
    failed = HealthResult(channel="wms", at=AT, error="the settings are not valid: api_key")
    wms.record_health_check(failed)
    assert wms.last_health_checks()["wms"] == failed


def test_it_goes_with_its_channel(wms):
    wms.record_health_check(HealthResult(channel="wms", at=AT, report=_report(True)))
    wms.delete_channel("wms")
    assert wms.last_health_checks() == {}
    with pytest.raises(UnknownChannel):
        wms.record_health_check(HealthResult(channel="wms", at=AT, report=_report(True)))
