"""The ``jobs`` table: each channel's recurring jobs and when they are due."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, insert, select, update

from techoms_core.host import Job, JobPeriod
from techoms_core.options import option_named
from techoms_core.store import schema
from techoms_core.store.database import Database


class JobStore(Database):
    """Stored recurring jobs. Which jobs may exist (the Sync menu) and when they
    run is :mod:`techoms_core.jobs`'s business; this only keeps them."""

    def jobs(self, channel: str | None = None) -> Sequence[Job]:
        table = schema.jobs
        query = select(table).order_by(table.c.channel, table.c.option)
        if channel is not None:
            query = query.where(table.c.channel == channel)
        with self._read() as connection:
            if channel is not None:
                self._require_channel(connection, channel)
            return [_job(row) for row in connection.execute(query).all()]

    def set_job(
        self, channel: str, option: str, period: JobPeriod, *, next_due_at: dt.datetime | None
    ) -> Job:
        with self._write() as connection:
            self._require_channel(connection, channel)
            return write_job(connection, channel, option, period, next_due_at)

    def record_job_run(
        self,
        channel: str,
        option: str,
        *,
        ran_at: dt.datetime,
        next_due_at: dt.datetime | None,
        status: str,
        message: str | None = None,
        run_id: int | None = None,
    ) -> None:
        table = schema.jobs
        with self._write() as connection:
            connection.execute(
                update(table)
                .where(table.c.channel == channel, table.c.option == option_named(option).key)
                .values(
                    last_run_at=ran_at,
                    next_due_at=next_due_at,
                    last_status=status,
                    last_message=message,
                    last_run_id=run_id,
                )
            )


def write_job(
    connection: Connection,
    channel: str,
    option: str,
    period: JobPeriod | str,
    next_due_at: dt.datetime | None,
) -> Job:
    """Set (or add) a job in the caller's transaction; ``ValueError`` for an
    unknown option or period."""
    table = schema.jobs
    key = option_named(option).key
    period = JobPeriod(period)
    where = (table.c.channel == channel, table.c.option == key)
    changed = connection.execute(
        update(table).where(*where).values(period=period.value, next_due_at=next_due_at)
    ).rowcount
    if not changed:
        connection.execute(
            insert(table).values(
                channel=channel, option=key, period=period.value, next_due_at=next_due_at
            )
        )
    return _job(connection.execute(select(table).where(*where)).one())


def _job(row: Any) -> Job:
    return Job(
        channel=row.channel,
        option=row.option,
        period=row.period,
        next_due_at=row.next_due_at,
        last_run_at=row.last_run_at,
        last_status=row.last_status,
        last_message=row.last_message,
        last_run_id=row.last_run_id,
    )
