"""Paged, filtered and grouped reading of the run log, for the console.

Every query pages and groups in SQL (``LIMIT``/``OFFSET``, ``GROUP BY``), so a
page costs the same whether the run log holds a hundred messages or a million.
Each method returns a :class:`Page` of plain dicts ready for a template.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from attrs import frozen
from sqlalchemy import and_, func, select

from techoms_core.host import RunRecord, RunStatus
from techoms_core.store import schema
from techoms_core.store.database import Database
from techoms_core.store.runlog import _run_record

#: How many record keys a grouped message shows as examples.
EXAMPLES_PER_GROUP = 3


@frozen(kw_only=True)
class Page:
    """One page of a longer list: ``rows``, and ``total`` rows in the whole list."""

    rows: Sequence[Any]
    total: int
    offset: int
    limit: int

    @property
    def has_previous(self) -> bool:
        return self.offset > 0

    @property
    def has_next(self) -> bool:
        return self.offset + self.limit < self.total

    @property
    def first_shown(self) -> int:
        return self.offset + 1 if self.rows else 0

    @property
    def last_shown(self) -> int:
        return self.offset + len(self.rows)


class RecordBrowser(Database):
    """The console's reads: runs by page, a run's messages grouped by page.
    (Records by page are the views of :mod:`.views`.)"""

    def run_page(
        self,
        *,
        channel: str | None = None,
        option: str | None = None,
        status: str | None = None,
        offset: int = 0,
        limit: int = 50,
    ) -> Page:
        """Runs, newest first, filtered by channel, option and status."""
        runs = schema.runs
        conditions = [
            column == value
            for column, value in (
                (runs.c.channel, channel),
                (runs.c.option, option),
                (runs.c.status, status),
            )
            if value
        ]
        where = and_(True, *conditions)
        with self._read() as connection:
            total = connection.execute(select(func.count()).select_from(runs).where(where))
            total_rows = int(total.scalar_one())
            rows = connection.execute(
                select(runs).where(where).order_by(runs.c.id.desc()).offset(offset).limit(limit)
            ).all()
        return Page(
            rows=[_run_record(row) for row in rows], total=total_rows, offset=offset, limit=limit
        )

    def last_runs(self, channel: str) -> dict[str, RunRecord]:
        """The latest run of each option of ``channel``, by option key."""
        runs = schema.runs
        latest = (
            select(func.max(runs.c.id))
            .where(runs.c.channel == channel)
            .group_by(runs.c.option)
            .scalar_subquery()
        )
        with self._read() as connection:
            rows = connection.execute(select(runs).where(runs.c.id.in_(latest))).all()
        return {row.option: _run_record(row) for row in rows}

    def running_run_id(self, channel: str, option: str) -> int | None:
        """The id of the run of (channel, option) in progress, if any."""
        runs = schema.runs
        with self._read() as connection:
            return connection.execute(
                select(func.max(runs.c.id)).where(
                    runs.c.channel == channel,
                    runs.c.option == option,
                    runs.c.status == RunStatus.RUNNING.value,
                )
            ).scalar()

    def message_counts(self, run_id: int) -> dict[str, int]:
        """How many of a run's records ended in each status so far."""
        table = schema.run_messages
        with self._read() as connection:
            rows = connection.execute(
                select(table.c.status, func.count())
                .where(table.c.run_id == run_id)
                .group_by(table.c.status)
            ).all()
        return {status: count for status, count in rows}

    def message_groups(
        self, run_id: int, *, level: str | None = None, offset: int = 0, limit: int = 50
    ) -> Page:
        """A run's messages grouped by (level, status, field, message): each
        group with its ``count``, the first record's ``key`` and a few
        ``examples``, the most frequent groups first."""
        table = schema.run_messages
        where = and_(table.c.run_id == run_id, *([table.c.level == level] if level else []))
        group = (table.c.level, table.c.status, table.c.field, table.c.message)
        # One pass: the page of groups, and (as a window over the groups) how
        # many groups there are in all.
        query = (
            select(
                *group,
                func.count().label("count"),
                func.min(table.c.id).label("first"),
                func.count().over().label("groups"),
            )
            .where(where)
            .group_by(*group)
            .order_by(func.count().desc(), func.min(table.c.id))
            .offset(offset)
            .limit(limit)
        )
        with self._read() as connection:
            rows = connection.execute(query).all()
            if rows:
                total = rows[0].groups
            else:  # past the last page, or nothing at all
                total = connection.execute(
                    select(func.count()).select_from(
                        select(*group).where(where).group_by(*group).subquery()
                    )
                ).scalar_one()
            groups = [
                {
                    "level": row.level,
                    "status": row.status,
                    "field": row.field,
                    "message": row.message,
                    "count": row.count,
                    "examples": _examples(connection, run_id, row),
                }
                for row in rows
            ]
        return Page(rows=groups, total=int(total), offset=offset, limit=limit)

    def message_levels(self, run_id: int) -> dict[str, int]:
        """How many of a run's messages are at each level."""
        table = schema.run_messages
        with self._read() as connection:
            rows = connection.execute(
                select(table.c.level, func.count())
                .where(table.c.run_id == run_id)
                .group_by(table.c.level)
            ).all()
        return {level: count for level, count in rows}


def _examples(connection: Any, run_id: int, group: Any) -> list[str]:
    table = schema.run_messages
    field = table.c.field.is_(None) if group.field is None else table.c.field == group.field
    query = (
        select(table.c.record_key)
        .where(
            table.c.run_id == run_id,
            table.c.level == group.level,
            table.c.status == group.status,
            table.c.message == group.message,
            field,
            table.c.id >= group.first,
        )
        .order_by(table.c.id)
        .limit(EXAMPLES_PER_GROUP)
    )
    return list(connection.execute(query).scalars())
