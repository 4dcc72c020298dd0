"""What ``techoms show`` prints: records in the load format plus their state.

Every method returns JSON-ready dicts (decimals as strings, times ISO 8601).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import attrs
from sqlalchemy import Select, func, select, union

from techoms_core.models.sku import sku_key
from techoms_core.store import codec, schema
from techoms_core.store.database import Database


@attrs.frozen(kw_only=True)
class RowFilter:
    """Which records a view returns: ``limit`` of them (all when ``None``) from
    ``offset``, in key order, among those matching every filter given.

    ``sku`` and ``number`` are a value or a pattern where ``*`` stands for any
    characters (``TEE-*``); SKUs match case-insensitively, and a shipment or
    receipt matches ``sku`` when one of its lines does. ``status`` is a
    shipment's or receipt's status; ``warehouse`` an inventory level's.
    """

    sku: str | None = None
    number: str | None = None
    status: str | None = None
    warehouse: str | None = None
    limit: int | None = None
    offset: int = 0

    def paged(self, query: Select) -> Select:
        return query.offset(self.offset).limit(self.limit)


EVERYTHING = RowFilter()


def like(pattern: str) -> str:
    """A ``show`` pattern (``*`` for any characters) as a LIKE pattern, escaped by ``\\``."""
    escaped = pattern.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped.replace("*", "%")


class RecordViews(Database):
    """Read-only views of the records, for display and ``--json``."""

    def count_rows(self, kind: str, which: RowFilter = EVERYTHING) -> int:
        """How many ``kind`` records (products, shipments, receipts, inventory)
        match ``which``, its limit and offset aside."""
        query = {
            "products": _products,
            "shipments": _shipments,
            "receipts": _receipts,
            "inventory": _inventory,
        }[kind](attrs.evolve(which, limit=None, offset=0))
        with self._read() as connection:
            return connection.execute(
                select(func.count()).select_from(query.subquery())
            ).scalar_one()

    def product_rows(self, which: RowFilter = EVERYTHING) -> list[dict[str, Any]]:
        """Products in the load format, with ``status`` (``sent`` once in any
        channel, else ``ready``), ``source`` and per channel ``channels``
        {name: {status, remote_id, error}}."""
        products, sends = schema.products, schema.product_sends
        chosen = _products(which)
        keys = chosen.with_only_columns(products.c.sku_key)
        with self._read() as connection:
            rows = connection.execute(chosen).all()
            send_rows = connection.execute(
                select(sends).where(sends.c.sku_key.in_(keys)).order_by(sends.c.channel)
            ).all()
        per_product: dict[str, dict[str, Any]] = defaultdict(dict)
        for send in send_rows:
            per_product[send.sku_key][send.channel] = {
                "status": send.status,
                "remote_id": send.remote_id,
                "error": send.last_error,
            }
        views = []
        for row in rows:
            channels = per_product.get(row.sku_key, {})
            sent = any(state["status"] == "sent" for state in channels.values())
            views.append(
                {
                    **codec.loads(row.data),
                    "status": "sent" if sent else "ready",
                    "source": row.source,
                    "channels": channels,
                }
            )
        return views

    def shipment_rows(self, which: RowFilter = EVERYTHING) -> list[dict[str, Any]]:
        """Shipments in the load format with ``status``, ``channel``,
        ``remote_id``, ``error``, ``packages`` [{tracking_number, carrier,
        service, cost, currency}], per line ``shipped_quantity``, and
        ``review`` (short-shipped reports waiting for a person)."""
        chosen = _shipments(which)
        numbers = chosen.with_only_columns(schema.shipments.c.number)
        with self._read() as connection:
            rows = connection.execute(chosen).all()
            lines = _grouped(
                connection, schema.shipment_lines, "shipment_number", "line_number", numbers
            )
            packages = _grouped(connection, schema.packages, "shipment_number", "position", numbers)
            reviews = _grouped(connection, schema.reviews, "shipment_number", "id", numbers)
        return [
            {
                **codec.loads(row.data),
                "lines": [_shipment_line(line) for line in lines.get(row.number, [])],
                "status": row.status,
                "channel": row.channel,
                "remote_id": row.remote_id,
                "error": row.last_error,
                "error_field": row.last_error_field,
                "cancel_requested": bool(row.cancel_requested),
                "shipped_at": _iso(row.shipped_at),
                "cancelled_reason": row.cancelled_reason,
                "packages": [_package(p) for p in packages.get(row.number, [])],
                "review": [
                    {"reason": r.reason, "status": r.status, "version": r.version or None}
                    for r in reviews.get(row.number, [])
                ],
            }
            for row in rows
        ]

    def receipt_rows(self, which: RowFilter = EVERYTHING) -> list[dict[str, Any]]:
        """Receipts in the load format with ``status``, ``channel``,
        ``remote_id``, ``error``; once received, each line's
        ``received_quantity`` and its ``lot_number`` and ``unit_cost`` as
        received, and ``received_lines`` as the WMS reported them."""
        chosen = _receipts(which)
        numbers = chosen.with_only_columns(schema.receipts.c.number)
        with self._read() as connection:
            rows = connection.execute(chosen).all()
            lines = _grouped(
                connection, schema.receipt_lines, "receipt_number", "line_number", numbers
            )
            received = _grouped(connection, schema.received_lines, "receipt_number", "id", numbers)
        views = []
        for row in rows:
            got = received.get(row.number, [])
            views.append(
                {
                    **codec.loads(row.data),
                    "lines": [
                        _receipt_line(line, got, row.status == "received")
                        for line in lines.get(row.number, [])
                    ],
                    "status": row.status,
                    "channel": row.channel,
                    "remote_id": row.remote_id,
                    "error": row.last_error,
                    "error_field": row.last_error_field,
                    "received_at": _iso(row.received_at),
                    "received_lines": [_received_line(r) for r in got],
                }
            )
        return views

    def warehouses(self) -> list[str]:
        """Every techOMS warehouse the store knows of: served by a channel,
        holding inventory, or named by a shipment or receipt; sorted."""
        tables = (schema.channels, schema.inventory, schema.shipments, schema.receipts)
        query = union(*(select(t.c.warehouse).where(t.c.warehouse.is_not(None)) for t in tables))
        with self._read() as connection:
            return sorted(connection.execute(query).scalars())

    def inventory_rows(
        self, warehouse: str | None = None, which: RowFilter = EVERYTHING
    ) -> list[dict[str, Any]]:
        """Levels per (warehouse, SKU): ``warehouse``, ``sku``, ``on_hand``,
        ``allocated``, ``available``."""
        query = _inventory(which if warehouse is None else attrs.evolve(which, warehouse=warehouse))
        with self._read() as connection:
            return [
                {
                    "warehouse": row.warehouse,
                    "sku": row.sku,
                    "on_hand": row.on_hand,
                    "allocated": row.allocated,
                    "available": row.available,
                }
                for row in connection.execute(query)
            ]


def _products(which: RowFilter) -> Select:
    table = schema.products
    query = select(table).order_by(table.c.sku_key)
    if which.sku:
        query = query.where(table.c.sku_key.like(like(sku_key(which.sku)), escape="\\"))
    return which.paged(query)


def _shipments(which: RowFilter) -> Select:
    return _documents(schema.shipments, schema.shipment_lines.c.shipment_number, which)


def _receipts(which: RowFilter) -> Select:
    return _documents(schema.receipts, schema.receipt_lines.c.receipt_number, which)


def _documents(table, line_parent, which: RowFilter) -> Select:
    """Shipments or receipts by number, filtered by number, status and line SKU."""
    query = select(table).order_by(table.c.number)
    if which.number:
        query = query.where(table.c.number.like(like(which.number), escape="\\"))
    if which.status:
        query = query.where(table.c.status == which.status)
    if which.sku:
        lines = line_parent.table
        pattern = like(sku_key(which.sku))
        having = select(line_parent).where(func.lower(lines.c.sku).like(pattern, escape="\\"))
        query = query.where(table.c.number.in_(having))
    return which.paged(query)


def _inventory(which: RowFilter) -> Select:
    table = schema.inventory
    query = select(table).order_by(table.c.warehouse, table.c.sku_key)
    if which.warehouse is not None:
        query = query.where(table.c.warehouse == which.warehouse)
    if which.sku:
        query = query.where(table.c.sku_key.like(like(sku_key(which.sku)), escape="\\"))
    return which.paged(query)


def _grouped(connection, table, parent: str, order: str, parents: Select) -> dict[str, list[Any]]:
    """The rows of ``table`` whose ``parent`` is among ``parents``, by parent."""
    grouped: dict[str, list[Any]] = defaultdict(list)
    query = select(table).where(table.c[parent].in_(parents))
    for row in connection.execute(query.order_by(table.c[parent], table.c[order])):
        grouped[getattr(row, parent)].append(row)
    return grouped


def _iso(value) -> str | None:
    return None if value is None else value.isoformat()


def _shipment_line(line: Any) -> dict[str, Any]:
    return {
        "line_number": line.line_number,
        "sku": line.sku,
        "quantity": line.quantity,
        "references": codec.loads(line.references),
        "shipped_quantity": line.shipped_quantity,
    }


def _package(package: Any) -> dict[str, Any]:
    return {
        "tracking_number": package.tracking_number,
        "carrier": package.carrier,
        "service": package.service,
        "cost": codec.text(package.cost),
        "currency": package.currency,
        "shipped_at": _iso(package.shipped_at),
    }


def _receipt_line(line: Any, received: list[Any], is_received: bool) -> dict[str, Any]:
    view = {
        "line_number": line.line_number,
        "sku": line.sku,
        "quantity": line.quantity,
        "unit_cost": codec.text(line.unit_cost),
        "lot_number": line.lot_number,
        "received_quantity": None,
    }
    if not is_received:
        return view
    mine = [r for r in received if r.line_number == line.line_number]
    view["received_quantity"] = sum(r.received_quantity for r in mine)
    lots = sorted({r.lot_number for r in mine if r.lot_number})
    costs = sorted({r.unit_cost for r in mine if r.unit_cost is not None})
    view["lot_number"] = ", ".join(lots) if lots else None
    view["unit_cost"] = codec.text(costs[0]) if len(costs) == 1 else view["unit_cost"]
    return view


def _received_line(line: Any) -> dict[str, Any]:
    return {
        "line_number": line.line_number,
        "sku": line.sku,
        "received_quantity": line.received_quantity,
        "expected_quantity": line.expected_quantity,
        "lot_number": line.lot_number,
        "unit_cost": codec.text(line.unit_cost),
        "expiry_date": line.expiry_date,
    }
