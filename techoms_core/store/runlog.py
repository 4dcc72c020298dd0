"""The run log: every run with its counts, every record's result."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update

from techoms_core.host import LockHolder, RunMessage, RunRecord, RunStatus, RunTraffic
from techoms_core.models import RecordResult, Status
from techoms_core.store import schema
from techoms_core.store.database import Database
from techoms_core.store.prepared import Prepared
from techoms_core.store.problems import StoreError

COUNT_KEYS = tuple(status.value for status in Status)


class RunLogStore(Database):
    """Runs and their per-record messages."""

    def start_run(
        self,
        channel: str,
        option: str,
        *,
        dry_run: bool = False,
        holder: LockHolder | None = None,
    ) -> int:
        with self._write() as connection:
            return open_run(
                connection,
                channel,
                option,
                self._now(),
                dry_run=dry_run,
                lock_token=holder.token if holder else None,
            )

    def finish_run(
        self,
        run_id: int,
        status: RunStatus,
        counts: Mapping[str, int],
        message: str | None = None,
        *,
        traffic: RunTraffic | None = None,
    ) -> None:
        # The counts were added with the messages, as they were committed
        # (insert_messages); the runner's ``counts`` are the same numbers.
        values: dict[str, Any] = {}
        if traffic is not None:
            values.update(
                requests=traffic.requests,
                retries=traffic.retries,
                rate_limited=traffic.rate_limited,
            )
        with self._write() as connection:
            connection.execute(
                update(schema.runs)
                .where(schema.runs.c.id == run_id)
                .values(
                    status=RunStatus(status).value,
                    finished_at=self._now(),
                    message=message,
                    **values,
                )
            )

    def log_results(self, run_id: int, results: Sequence[RecordResult]) -> None:
        with self._write() as connection:
            insert_messages(connection, run_id, results, self._now())

    def runs(self, channel: str | None = None, *, limit: int = 50) -> list[RunRecord]:
        """The latest runs first (of one channel, or all)."""
        query = select(schema.runs).order_by(schema.runs.c.id.desc()).limit(limit)
        if channel is not None:
            query = query.where(schema.runs.c.channel == channel)
        with self._read() as connection:
            return [_run_record(row) for row in connection.execute(query).all()]

    def run(self, run_id: int) -> RunRecord:
        with self._read() as connection:
            row = connection.execute(select(schema.runs).where(schema.runs.c.id == run_id)).first()
        if row is None:
            raise StoreError(f"no run {run_id}")
        return _run_record(row)

    def run_messages(
        self,
        run_id: int,
        *,
        level: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[RunMessage]:
        """A run's messages in the order they were written (those at ``level``
        only, when given), ``limit`` of them from ``offset``."""
        table = schema.run_messages
        query = select(table).where(table.c.run_id == run_id)
        if level is not None:
            query = query.where(table.c.level == level)
        query = query.order_by(table.c.id).offset(offset).limit(limit)
        with self._read() as connection:
            rows = connection.execute(query).all()
        return [
            RunMessage(
                run_id=row.run_id,
                key=row.record_key,
                status=row.status,
                level=row.level,
                message=row.message,
                field=row.field,
                at=row.at,
            )
            for row in rows
        ]


def open_run(
    connection: Connection,
    channel: str,
    option: str,
    now: dt.datetime,
    *,
    dry_run: bool = False,
    status: RunStatus = RunStatus.RUNNING,
    lock_token: str | None = None,
) -> int:
    result = connection.execute(
        insert(schema.runs).values(
            channel=channel,
            option=option,
            started_at=now,
            status=status.value,
            dry_run=dry_run,
            lock_token=lock_token,
            ok=0,
            skipped=0,
            warning=0,
            failed=0,
        )
    )
    return int(result.inserted_primary_key[0])


def insert_finished_run(
    connection: Connection,
    channel: str,
    option: str,
    now: dt.datetime,
    results: Sequence[RecordResult],
    *,
    message: str | None = None,
) -> int:
    """A run that is over as soon as it is written (a person's decision, such
    as accepting a review item): ``completed``, with its results counted and
    logged, inside the caller's transaction. Returns its id."""
    run_id = open_run(connection, channel, option, now)
    connection.execute(
        update(schema.runs)
        .where(schema.runs.c.id == run_id)
        .values(status=RunStatus.COMPLETED.value, finished_at=now, message=message)
    )
    insert_messages(connection, run_id, results, now)
    return run_id


_MESSAGES = Prepared(
    insert(schema.run_messages).values(
        run_id=bindparam("b_run"),
        record_key=bindparam("b_key"),
        status=bindparam("b_status"),
        level=bindparam("b_level"),
        message=bindparam("b_message"),
        field=bindparam("b_field"),
        at=bindparam("b_now"),
    ),
    each=("b_key", "b_status", "b_level", "b_message", "b_field"),
    shared=("b_run", "b_now"),
)


def insert_messages(
    connection: Connection,
    run_id: int,
    results: Sequence[RecordResult],
    now: dt.datetime,
    *,
    unlisted_ok: int = 0,
) -> None:
    """Write results to the run log inside the caller's transaction, and add
    them to the run's counts in that same transaction, so the counts always
    match the messages committed, however the run ends (a killed process
    included). ``unlisted_ok`` counts ``ok`` records that get no message
    (a snapshot's staged rows)."""
    rows = [
        (
            result.key,
            result.status.value,
            result.level,
            result.message or result.status.value,
            result.field,
        )
        for result in results
    ]
    _MESSAGES.run(connection, rows, b_run=run_id, b_now=now)
    added = Counter(result.status.value for result in results)
    added[Status.OK.value] += unlisted_ok
    if any(added.values()):
        runs = schema.runs
        connection.execute(
            update(runs)
            .where(runs.c.id == run_id)
            .values({runs.c[key]: runs.c[key] + added[key] for key in COUNT_KEYS if added[key]})
        )


def _run_record(row: Any) -> RunRecord:
    return RunRecord(
        id=row.id,
        channel=row.channel,
        option=row.option,
        started_at=row.started_at,
        finished_at=row.finished_at,
        status=row.status,
        counts={key: getattr(row, key) for key in COUNT_KEYS},
        dry_run=bool(row.dry_run),
        message=row.message,
        traffic=_traffic(row),
    )


def _traffic(row: Any) -> RunTraffic | None:
    if row.requests is None:
        return None
    return RunTraffic(
        requests=row.requests, retries=row.retries or 0, rate_limited=row.rate_limited or 0
    )
