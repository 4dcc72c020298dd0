"""Paged, filtered reading of the run log and the records, for the console.

Every query pages and groups in SQL (``LIMIT``/``OFFSET``, ``GROUP BY``), so a
page costs the same whether the run log holds a hundred messages or a million.
Each method returns a :class:`Page` of plain dicts ready for a template.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from attrs import frozen
from sqlalchemy import Select, and_, func, or_, select

from techoms_core.host import RunRecord, RunStatus
from techoms_core.store import codec, schema
from techoms_core.store.database import Database
from techoms_core.store.runlog import _run_record

#: How many record keys a grouped message shows as examples.
EXAMPLES_PER_GROUP = 3
#: The record kinds :meth:`RecordBrowser.record_page` knows.
RECORD_KINDS = ("products", "shipments", "receipts", "inventory")


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


def _like(text: str) -> str:
    """A case-insensitive ``LIKE`` pattern for ``text`` anywhere, its own
    ``%`` and ``_`` taken literally."""
    escaped = text.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class RecordBrowser(Database):
    """The console's reads: runs, a run's grouped messages, records by page."""

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

    def record_page(
        self,
        kind: str,
        *,
        search: str = "",
        status: str | None = None,
        offset: int = 0,
        limit: int = 50,
    ) -> Page:
        """Products, shipments, receipts or inventory rows, searched by SKU or
        number (case-insensitive, anywhere in it) and filtered by status."""
        if kind not in RECORD_KINDS:
            raise ValueError(f"record kind: {kind!r} is not one of {', '.join(RECORD_KINDS)}")
        query, describe = _RECORD_QUERIES[kind](search.strip(), status)
        with self._read() as connection:
            total = connection.execute(
                select(func.count()).select_from(query.subquery())
            ).scalar_one()
            rows = connection.execute(query.offset(offset).limit(limit)).all()
        return Page(
            rows=[describe(row) for row in rows], total=int(total), offset=offset, limit=limit
        )


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


def _products(search: str, status: str | None) -> tuple[Select, Any]:
    products, sends = schema.products, schema.product_sends
    sent = (
        select(func.count())
        .where(sends.c.sku_key == products.c.sku_key, sends.c.status == "sent")
        .correlate(products)
        .scalar_subquery()
    )
    remote = (
        select(func.min(sends.c.remote_id))
        .where(sends.c.sku_key == products.c.sku_key)
        .correlate(products)
        .scalar_subquery()
    )
    query = select(products, sent.label("sent"), remote.label("remote_id")).order_by(
        products.c.sku_key
    )
    if search:
        query = query.where(products.c.sku_key.like(_like(search), escape="\\"))
    if status == "sent":
        query = query.where(sent > 0)
    elif status == "ready":
        query = query.where(sent == 0)

    def describe(row: Any) -> dict[str, Any]:
        data = codec.loads(row.data)
        return {
            "key": row.sku,
            "name": data.get("name"),
            "status": "sent" if row.sent else "ready",
            "remote_id": row.remote_id,
            "detail": f"source: {row.source}",
        }

    return query, describe


def _documents(table: Any, lines: Any, parent: str, second: str) -> Any:
    """The query builder of shipments or receipts: searched by number,
    order/PO number, or the SKU of any line."""

    def build(search: str, status: str | None) -> tuple[Select, Any]:
        query = select(table).order_by(table.c.number)
        if search:
            pattern = _like(search)
            line_sku = (
                select(lines.c.sku)
                .where(lines.c[parent] == table.c.number, lines.c.sku.ilike(pattern, escape="\\"))
                .correlate(table)
                .exists()
            )
            query = query.where(
                or_(
                    table.c.number.ilike(pattern, escape="\\"),
                    table.c[second].ilike(pattern, escape="\\"),
                    line_sku,
                )
            )
        if status:
            query = query.where(table.c.status == status)

        def describe(row: Any) -> dict[str, Any]:
            return {
                "key": row.number,
                "name": getattr(row, second),
                "status": row.status,
                "remote_id": row.remote_id,
                "detail": row.last_error or f"warehouse {row.warehouse}",
            }

        return query, describe

    return build


def _inventory(search: str, status: str | None) -> tuple[Select, Any]:
    table = schema.inventory
    query = select(table).order_by(table.c.warehouse, table.c.sku_key)
    if search:
        query = query.where(table.c.sku_key.like(_like(search), escape="\\"))

    def describe(row: Any) -> dict[str, Any]:
        return {
            "key": row.sku,
            "name": row.warehouse,
            "status": f"{row.available} available",
            "remote_id": None,
            "detail": f"on hand {row.on_hand}, allocated {row.allocated}",
        }

    return query, describe


_RECORD_QUERIES = {
    "products": _products,
    "shipments": _documents(
        schema.shipments, schema.shipment_lines, "shipment_number", "order_number"
    ),
    "receipts": _documents(schema.receipts, schema.receipt_lines, "receipt_number", "po_number"),
    "inventory": _inventory,
}
