"""What ``techoms show`` prints: records in the load format plus their state.

Every method returns JSON-ready dicts (decimals as strings, times ISO 8601).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select

from techoms_core.store import codec, schema
from techoms_core.store.database import Database


class RecordViews(Database):
    """Read-only views of the records, for display and ``--json``."""

    def product_rows(self) -> list[dict[str, Any]]:
        """Products in the load format, with ``status`` (``sent`` once in any
        channel, else ``ready``), ``source`` and per channel ``channels``
        {name: {status, remote_id, error}}."""
        products, sends = schema.products, schema.product_sends
        with self._read() as connection:
            rows = connection.execute(select(products).order_by(products.c.sku_key)).all()
            send_rows = connection.execute(select(sends).order_by(sends.c.channel)).all()
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

    def shipment_rows(self) -> list[dict[str, Any]]:
        """Shipments in the load format with ``status``, ``channel``,
        ``remote_id``, ``error``, ``packages`` [{tracking_number, carrier,
        service, cost, currency}], per line ``shipped_quantity``, and
        ``review`` (short-shipped reports waiting for a person)."""
        table = schema.shipments
        with self._read() as connection:
            rows = connection.execute(select(table).order_by(table.c.number)).all()
            lines = _grouped(connection, schema.shipment_lines, "shipment_number", "line_number")
            packages = _grouped(connection, schema.packages, "shipment_number", "position")
            reviews = _grouped(connection, schema.reviews, "shipment_number", "id")
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

    def receipt_rows(self) -> list[dict[str, Any]]:
        """Receipts in the load format with ``status``, ``channel``,
        ``remote_id``, ``error``; once received, each line's
        ``received_quantity`` and its ``lot_number`` and ``unit_cost`` as
        received, and ``received_lines`` as the WMS reported them."""
        table = schema.receipts
        with self._read() as connection:
            rows = connection.execute(select(table).order_by(table.c.number)).all()
            lines = _grouped(connection, schema.receipt_lines, "receipt_number", "line_number")
            received = _grouped(connection, schema.received_lines, "receipt_number", "id")
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

    def inventory_rows(self, warehouse: str | None = None) -> list[dict[str, Any]]:
        """Levels per (warehouse, SKU): ``warehouse``, ``sku``, ``on_hand``,
        ``allocated``, ``available``."""
        table = schema.inventory
        query = select(table).order_by(table.c.warehouse, table.c.sku_key)
        if warehouse is not None:
            query = query.where(table.c.warehouse == warehouse)
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


def _grouped(connection, table, parent: str, order: str) -> dict[str, list[Any]]:
    grouped: dict[str, list[Any]] = defaultdict(list)
    for row in connection.execute(select(table).order_by(table.c[parent], table.c[order])):
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
