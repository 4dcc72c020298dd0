"""The ``health_checks`` table: each channel's last health check."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import delete, insert, select

from techoms_core.health_log import HealthResult
from techoms_core.models import HealthCheck, HealthReport
from techoms_core.store import schema
from techoms_core.store.database import Database


class HealthCheckStore(Database):
    """The last health check of each channel (see :mod:`techoms_core.health_log`);
    it goes when its channel is deleted."""

    def record_health_check(self, result: HealthResult) -> None:
        table = schema.health_checks
        report = result.report
        with self._write() as connection:
            self._require_channel(connection, result.channel)
            connection.execute(delete(table).where(table.c.channel == result.channel))
            connection.execute(
                insert(table).values(
                    channel=result.channel,
                    checked_at=result.at,
                    ok=result.ok,
                    latency_ms=report.latency_ms if report else None,
                    checks=json.dumps([_check_row(c) for c in report.checks] if report else []),
                    error=result.error,
                )
            )

    def last_health_checks(self) -> dict[str, HealthResult]:
        table = schema.health_checks
        with self._read() as connection:
            rows = connection.execute(select(table).order_by(table.c.channel)).all()
        return {row.channel: _result(row) for row in rows}


def _check_row(check: HealthCheck) -> dict[str, Any]:
    return {
        "name": check.name,
        "ok": check.ok,
        "message": check.message,
        "latency_ms": check.latency_ms,
    }


def _result(row: Any) -> HealthResult:
    if row.error is not None:
        return HealthResult(channel=row.channel, at=row.checked_at, error=row.error)
    checks = [HealthCheck(**check) for check in json.loads(row.checks)]
    report = HealthReport(checks=checks, latency_ms=row.latency_ms)
    return HealthResult(channel=row.channel, at=row.checked_at, report=report)
