"""Sends on the host side: what is due to a channel, and recording results.

Each call of :meth:`SendStore.record_send_results` is one transaction: the
records' new states (:mod:`techoms_core.store.bindings`) and their run-log
messages commit together, so a record is never ``sent`` without its WMS id,
nor logged without its state.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Select, and_, func, or_, select

from techoms_core.host import SendRecord, ShipmentStatus
from techoms_core.models import RecordResult, sku_key
from techoms_core.options import option_named
from techoms_core.store import codec, schema
from techoms_core.store.bindings import BINDERS, READY, SENT
from techoms_core.store.database import Database
from techoms_core.store.runlog import insert_messages


class SendStore(Database):
    """Records to send and their send state."""

    def count_to_send(self, channel: str, option: str) -> int:
        with self._read() as connection:
            query = self._due(connection, channel, option)
            return connection.execute(
                select(func.count()).select_from(query.subquery())
            ).scalar_one()

    def records_to_send(
        self, channel: str, option: str, *, limit: int, after: str | None = None
    ) -> Sequence[SendRecord]:
        with self._read() as connection:
            query = self._due(connection, channel, option)
            order = query.selected_columns[0]
            if after is not None:
                position = sku_key(after) if _is_products(option) else after
                query = query.where(order > position)
            rows = connection.execute(query.order_by(order).limit(limit)).all()
            return _records(connection, option, rows)

    def record_send_results(
        self, run_id: int, channel: str, option: str, results: Sequence[RecordResult]
    ) -> None:
        bind = BINDERS[option_named(option).key]
        now = self._now()
        with self._write() as connection:
            bind(connection, channel, results, now)
            insert_messages(connection, run_id, results, now)

    def _due(self, connection: Connection, channel: str, option: str) -> Select:
        self._require_channel(connection, channel)
        key = option_named(option).key
        warehouse = connection.execute(
            select(schema.channels.c.warehouse).where(schema.channels.c.name == channel)
        ).scalar()
        if key in ("export-products", "update-products"):
            return _due_products(channel, exported=key == "update-products")
        if key in ("send-shipments", "send-receipts"):
            table = schema.shipments if key == "send-shipments" else schema.receipts
            return _ready(table, warehouse, _served_elsewhere(connection, channel))
        if key == "cancel-shipments":
            table = schema.shipments
            return select(table.c.number, table.c.data).where(
                table.c.status == ShipmentStatus.SENT.value,
                table.c.channel == channel,
                table.c.cancel_requested.is_(True),
            )
        raise ValueError(f"option: {option!r} is not a send option")


def _is_products(option: str) -> bool:
    return option_named(option).records == "products"


def _due_products(channel: str, *, exported: bool) -> Select:
    products, sends = schema.products, schema.product_sends
    joined = products.outerjoin(
        sends, and_(sends.c.sku_key == products.c.sku_key, sends.c.channel == channel)
    )
    query = select(products.c.sku_key, products.c.data).select_from(joined)
    if exported:
        return query.where(sends.c.status == SENT, sends.c.sent_revision < products.c.revision)
    return query.where(or_(sends.c.status.is_(None), sends.c.status == READY))


def _ready(table, warehouse: str | None, served_elsewhere: list[str]) -> Select:
    """Records ready for a channel: those of its warehouse; a channel without
    one takes the warehouses no other channel serves."""
    query = select(table.c.number, table.c.data).where(table.c.status == READY)
    if warehouse:
        return query.where(table.c.warehouse == warehouse)
    if served_elsewhere:
        query = query.where(table.c.warehouse.not_in(served_elsewhere))
    return query


def _served_elsewhere(connection: Connection, channel: str) -> list[str]:
    channels = schema.channels
    return list(
        connection.execute(
            select(channels.c.warehouse).where(
                channels.c.name != channel, channels.c.warehouse.is_not(None)
            )
        ).scalars()
    )


def _records(connection: Connection, option: str, rows: list[Any]) -> list[SendRecord]:
    records = option_named(option).records
    if records == "products":
        return [codec.product_from(codec.loads(row.data)) for row in rows]
    numbers = [row.number for row in rows]
    if records == "shipments":
        lines = _lines(connection, schema.shipment_lines, "shipment_number", numbers)
        return [codec.shipment_from(codec.loads(r.data), lines.get(r.number, [])) for r in rows]
    lines = _lines(connection, schema.receipt_lines, "receipt_number", numbers)
    return [codec.receipt_from(codec.loads(r.data), lines.get(r.number, [])) for r in rows]


def _lines(connection: Connection, table, parent: str, numbers: list[str]) -> dict[str, list]:
    if not numbers:
        return {}
    column = table.c[parent]
    rows = connection.execute(
        select(table).where(column.in_(numbers)).order_by(column, table.c.line_number)
    ).all()
    lines: dict[str, list] = {}
    for row in rows:
        line = dict(row._mapping)
        if "references" in line:
            line["references"] = codec.loads(line["references"])
        lines.setdefault(line[parent], []).append(line)
    return lines
