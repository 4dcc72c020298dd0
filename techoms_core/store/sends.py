"""Sends on the host side: what is due to a channel, and binding results.

Each call of :meth:`SendStore.record_send_results` is one transaction: the
records' new states and their run-log messages commit together, so a record
is never ``sent`` without its WMS id, nor logged without its state.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Select, and_, func, insert, or_, select, update

from techoms_core.host import ReceiptStatus, SendRecord, ShipmentStatus
from techoms_core.models import RecordResult, Status, sku_key
from techoms_core.options import option_named
from techoms_core.store import codec, schema
from techoms_core.store.database import Database
from techoms_core.store.runlog import insert_messages

SENT = "sent"
READY = "ready"


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
        bind = _BINDERS[option_named(option).key]
        now = self._now()
        with self._write() as connection:
            for result in results:
                bind(connection, channel, result, now)
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


def _went_through(result: RecordResult) -> bool:
    """ok and warning mean the WMS took the record; skipped with an id means
    it was already there. Anything else leaves the record to send again."""
    if result.status in (Status.OK, Status.WARNING):
        return True
    return result.status is Status.SKIPPED and result.remote_id is not None


def _bind_product(connection: Connection, channel: str, result: RecordResult, now) -> None:
    key = sku_key(result.key)
    revision = connection.execute(
        select(schema.products.c.revision).where(schema.products.c.sku_key == key)
    ).scalar()
    if revision is None or (result.status is Status.SKIPPED and not _went_through(result)):
        return
    sends = schema.product_sends
    found = connection.execute(
        select(sends.c.status).where(sends.c.channel == channel, sends.c.sku_key == key)
    ).first()
    if _went_through(result):
        values = {
            "status": SENT,
            "sent_revision": revision,
            "last_error": None,
            "last_error_field": None,
        }
        if result.remote_id is not None:
            values["remote_id"] = result.remote_id
    else:
        values = {"last_error": result.message, "last_error_field": result.field}
        if found is None:
            values["status"] = READY
    values["updated_at"] = now
    if found is None:
        connection.execute(insert(sends).values(channel=channel, sku_key=key, **values))
    else:
        connection.execute(
            update(sends).where(sends.c.channel == channel, sends.c.sku_key == key).values(values)
        )


def _binder(table, ready: str, sent: str):
    def bind(connection: Connection, channel: str, result: RecordResult, now) -> None:
        where = (table.c.number == result.key, table.c.status == ready)
        if _went_through(result):
            values = {
                "status": sent,
                "channel": channel,
                "remote_id": result.remote_id,
                "last_error": None,
                "last_error_field": None,
            }
        elif result.status is Status.FAILED:
            values = {"last_error": result.message, "last_error_field": result.field}
        else:
            return
        connection.execute(update(table).where(*where).values(updated_at=now, **values))

    return bind


def _bind_cancellation(connection: Connection, channel: str, result: RecordResult, now) -> None:
    table = schema.shipments
    where = (table.c.number == result.key, table.c.status == ShipmentStatus.SENT.value)
    if result.status is Status.FAILED:
        values = {"last_error": result.message, "last_error_field": result.field}
    else:
        values = {
            "status": ShipmentStatus.CANCELLED.value,
            "cancel_requested": False,
            "cancelled_reason": result.message or "cancelled in the channel",
            "last_error": None,
            "last_error_field": None,
        }
    connection.execute(update(table).where(*where).values(updated_at=now, **values))


_BINDERS = {
    "export-products": _bind_product,
    "update-products": _bind_product,
    "send-shipments": _binder(schema.shipments, READY, ShipmentStatus.SENT.value),
    "send-receipts": _binder(schema.receipts, READY, ReceiptStatus.SENT.value),
    "cancel-shipments": _bind_cancellation,
}
