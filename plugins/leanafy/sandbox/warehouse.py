"""The warehouse floor: what happens to orders, ARNs and stock inside Leanafy.

Every operation here is also served by the admin API under ``/_sandbox/``, with the
same arguments as JSON. Operations answer the record's wire form (a dict, a copy),
raise 404 ``not_found`` for an unknown id, 409 ``conflict`` when the record's status
does not allow the move, and 422 ``validation_error`` for bad arguments. Every change
bumps the record's ``updated_at``.

Order moves: ``open`` -> ``allocated`` -> ``picking`` -> ``packed`` -> ``shipped``
-> ``closed``; steps may be skipped forward (shipping an ``open`` order is fine);
``cancelled`` from any status before ``shipped``. ARN moves: ``open`` ->
``receiving`` -> ``closed``, or ``cancelled`` before ``closed``.
"""

from __future__ import annotations

from typing import Any

from . import stock
from .errors import conflict, not_found
from .intake import build_item, create_items
from .models import Arn, ArnLine, Order, sku_key
from .shipping import plan_packages
from .state import SandboxState
from .validation import BodyReader, FieldErrors

BEFORE_SHIPPING = ("open", "allocated", "picking", "packed")
ARN_OPEN = ("open", "receiving")
RECEIPT_FIELDS = ("sku", "line", "qty", "lot_number", "expiry_date", "unit_cost")
CLOSING_FIELDS = ("sku", "line", "received_qty", "lot_number", "expiry_date", "unit_cost")
INVENTORY_FIELDS = ("sku", "warehouse_id", "lot_number", "expiry_date", "on_hand")
DEFAULT_CANCEL_REASON = "Cancelled by the warehouse"


class WarehouseFloor:
    """Warehouse operations on a sandbox's state, from Python."""

    def __init__(self, state: SandboxState) -> None:
        self.state = state

    def _order(self, order_id: str, allowed: tuple[str, ...] = (), action: str = "") -> Order:
        order = self.state.orders.get(order_id)
        if order is None:
            raise not_found(f"no order {order_id}")
        if allowed and order.status not in allowed:
            raise conflict(f"cannot {action} an order that is {order.status}")
        return order

    def _arn(self, arn_id: str, allowed: tuple[str, ...] = (), action: str = "") -> Arn:
        arn = self.state.arns.get(arn_id)
        if arn is None:
            raise not_found(f"no ARN {arn_id}")
        if allowed and arn.status not in allowed:
            raise conflict(f"cannot {action} an ARN that is {arn.status}")
        return arn

    def allocate(self, order_id: str) -> dict[str, Any]:
        """Reserve stock for an ``open`` order (what is available; possibly less)."""
        return self._advance(order_id, ("open",), "allocated")

    def pick(self, order_id: str) -> dict[str, Any]:
        """Start picking (allocating first if the order is still ``open``)."""
        return self._advance(order_id, ("open", "allocated"), "picking")

    def pack(self, order_id: str) -> dict[str, Any]:
        """Mark an order ``packed`` (allocating first if it is still ``open``)."""
        return self._advance(order_id, ("open", "allocated", "picking"), "packed")

    def _advance(self, order_id: str, allowed: tuple[str, ...], status: str) -> dict[str, Any]:
        with self.state.lock:
            order = self._order(order_id, allowed, f"mark {status}")
            if order.status == "open":
                stock.allocate(self.state, order)
            order.status = status
            self.state.touch_order(order)
            return order.to_wire()

    def ship(
        self,
        order_id: str,
        packages: list[dict[str, Any]] | None = None,
        *,
        allow_over: bool = False,
    ) -> dict[str, Any]:
        """Ship an order: in full (``packages`` None), short, or in several packages.

        Each package: ``tracking_number``, ``carrier``, ``service`` (default: the
        order's carrier), ``cost`` ``{"value", "currency"}``, ``weight``,
        ``dimensions``, ``shipped_at``, and ``lines`` ``[{"sku", "qty", "unit"}]``
        (see :mod:`.shipping`). Lines not fully packed leave the order short-shipped.
        """
        with self.state.lock:
            order = self._order(order_id, BEFORE_SHIPPING, "ship")
            plan = plan_packages(self.state, order, packages, allow_over)
            shipped = plan.shipped_per_line(len(order.items))
            for line, quantity in zip(order.items, shipped, strict=True):
                line.shipped_base += quantity
                stock.consume(self.state, order, line.item_id, quantity)
            stock.release(self.state, order)
            order.shipments.extend(plan.shipments)
            order.shipped_at = min(shipment.shipped_at for shipment in plan.shipments)
            order.status = "shipped"
            self.state.touch_order(order)
            return order.to_wire()

    def close_order(self, order_id: str) -> dict[str, Any]:
        """Close a ``shipped`` order."""
        with self.state.lock:
            order = self._order(order_id, ("shipped",), "close")
            order.status = "closed"
            self.state.touch_order(order)
            return order.to_wire()

    def cancel_order(self, order_id: str, reason: str = DEFAULT_CANCEL_REASON) -> dict[str, Any]:
        """Cancel an order not yet shipped, giving back its reservations."""
        with self.state.lock:
            order = self._order(order_id, BEFORE_SHIPPING, "cancel")
            stock.release(self.state, order)
            order.status = "cancelled"
            order.cancelled_reason = reason
            self.state.touch_order(order)
            return order.to_wire()

    def receive(self, arn_id: str, lines: list[dict[str, Any]]) -> dict[str, Any]:
        """Receive part of an ARN: each ``{"sku" | "line", "qty", "lot_number",
        "expiry_date", "unit_cost"}`` adds ``qty`` (in the line's unit) to stock."""
        errors = FieldErrors()
        readers = _entries(lines, RECEIPT_FIELDS, errors)
        with self.state.lock:
            arn = self._arn(arn_id, ARN_OPEN, "receive")
            moves = []
            for reader in readers:
                index = _arn_line(arn, reader)
                qty = reader.positive_int("qty", required=True)
                details = _receipt_details(reader)
                if index is not None and qty is not None:
                    moves.append((arn.items[index], qty, details))
            errors.raise_if_any()
            for line, qty, details in moves:
                self._receive_line(arn, line, qty, details)
            arn.status = "receiving"
            self.state.touch_arn(arn)
            return arn.to_wire()

    def close_arn(self, arn_id: str, lines: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        """Close an ARN. Without ``lines`` every line is received up to what was expected;
        with ``lines`` (``{"sku" | "line", "received_qty", ...}``) each listed line ends
        with exactly ``received_qty``, over or under what was expected."""
        errors = FieldErrors()
        readers = [] if lines is None else _entries(lines, CLOSING_FIELDS, errors)
        with self.state.lock:
            arn = self._arn(arn_id, ARN_OPEN, "close")
            moves = []
            if lines is None:
                moves = [(ln, max(ln.expected_qty - ln.received_qty, 0), {}) for ln in arn.items]
            for reader in readers:
                index = _arn_line(arn, reader)
                total = reader.count("received_qty", required=True)
                details = _receipt_details(reader)
                if index is not None and total is not None:
                    line = arn.items[index]
                    moves.append((line, total - line.received_qty, details))
            errors.raise_if_any()
            for line, qty, details in moves:
                self._receive_line(arn, line, qty, details)
            arn.status = "closed"
            self.state.touch_arn(arn)
            arn.closed_at = arn.updated_at
            return arn.to_wire()

    def cancel_arn(self, arn_id: str) -> dict[str, Any]:
        """Cancel an ARN not yet closed (stock already received stays)."""
        with self.state.lock:
            arn = self._arn(arn_id, ARN_OPEN, "cancel")
            arn.status = "cancelled"
            self.state.touch_arn(arn)
            return arn.to_wire()

    def _receive_line(self, arn: Arn, line: ArnLine, qty: int, details: dict[str, Any]) -> None:
        for key, value in details.items():
            setattr(line, key, value)
        line.received_qty += qty
        item = self.state.items[line.item_id]
        base = qty * line.base_conversion_rate
        stock.add_on_hand(
            self.state, item, arn.warehouse_id, line.lot_number, base, line.expiry_date
        )

    def set_inventory(
        self,
        sku: str,
        on_hand: int,
        *,
        warehouse_id: str | None = None,
        lot_number: str | None = None,
        expiry_date: str | None = None,
    ) -> dict[str, Any]:
        """Set the on-hand quantity (base units) of a SKU in a warehouse (default: the
        first) and lot (default: none)."""
        row = {"sku": sku, "on_hand": on_hand, "warehouse_id": warehouse_id}
        row.update({"lot_number": lot_number, "expiry_date": expiry_date})
        return self.set_inventory_rows([row])[0]

    def set_inventory_rows(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Set many rows ``{"sku", "on_hand", "warehouse_id", "lot_number",
        "expiry_date"}`` at once; any problem refuses them all."""
        errors = FieldErrors()
        readers = BodyReader({"rows": rows}, "", errors, ("rows",)).children(
            "rows", INVENTORY_FIELDS, required=True
        )
        with self.state.lock:
            planned = [self._inventory_row(reader) for reader in readers]
            errors.raise_if_any()
            return [
                stock.set_on_hand(self.state, *plan).to_wire()
                for plan in planned
                if plan is not None
            ]

    def _inventory_row(self, reader: BodyReader) -> tuple[Any, ...] | None:
        sku = reader.text("sku", required=True)
        on_hand = reader.count("on_hand", required=True)
        warehouse_id = reader.text("warehouse_id") or self.state.default_warehouse_id
        lot_number = reader.text("lot_number") or None
        expiry_date = reader.day("expiry_date")
        item = self.state.item_by_sku(sku) if sku else None
        if sku and item is None:
            reader.fail("sku", "unknown sku")
        if warehouse_id not in self.state.warehouse_ids:
            reader.fail("warehouse_id", "not a warehouse of this client")
        if item is None or on_hand is None or reader.at("warehouse_id") in reader.errors.fields:
            return None
        held = self.state.inventory.get((item.id, warehouse_id, lot_number or ""))
        if held is not None and on_hand < held.allocated:
            reader.fail("on_hand", f"below the allocated quantity ({held.allocated})")
            return None
        return item, warehouse_id, lot_number, on_hand, expiry_date

    def create_items(self, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Create many items at once, validated as ``POST /v1/item`` would."""
        return [item.to_wire() for item in create_items(self.state, items)]

    def generate_items(self, count: int, sku_prefix: str = "SKU-", start: int = 1) -> int:
        """Create ``count`` simple items ``{sku_prefix}{n:06d}`` quickly (no per-item
        validation); every tenth receives by a case of 12. Answers how many."""
        with self.state.lock:
            skus = [f"{sku_prefix}{n:06d}" for n in range(start, start + count)]
            taken = [sku for sku in skus if self.state.item_by_sku(sku) is not None]
            if taken:
                errors = FieldErrors()
                errors.add("generate.sku_prefix", f"SKU {taken[0]} already exists")
                errors.raise_if_any()
            for number, sku in enumerate(skus, start=start):
                self.state.add_item(build_item(self.state, _generated_item(sku, number)))
        return count

    def order(self, order_id: str) -> dict[str, Any]:
        """One order's wire form (404 if unknown)."""
        with self.state.lock:
            return self._order(order_id).to_wire()

    def orders(self, primary_reference_number: str | None = None) -> list[dict[str, Any]]:
        """Every order (or those with a reference), in (``updated_at``, ``_id``) order."""
        with self.state.lock:
            return [
                order.to_wire()
                for order in self.state.orders.values()
                if primary_reference_number in (None, order.primary_reference_number)
            ]

    def arn(self, arn_id: str) -> dict[str, Any]:
        """One ARN's wire form (404 if unknown)."""
        with self.state.lock:
            return self._arn(arn_id).to_wire()

    def arns(self, primary_reference_number: str | None = None) -> list[dict[str, Any]]:
        """Every ARN (or those with a reference), in (``updated_at``, ``_id``) order."""
        with self.state.lock:
            return [
                arn.to_wire()
                for arn in self.state.arns.values()
                if primary_reference_number in (None, arn.primary_reference_number)
            ]

    def item(self, sku: str) -> dict[str, Any] | None:
        """The item with this SKU (trimmed, any case), or None."""
        with self.state.lock:
            item = self.state.item_by_sku(sku)
            return item.to_wire() if item else None

    def inventory(self, sku: str | None = None) -> list[dict[str, Any]]:
        """Inventory rows, optionally of one SKU."""
        with self.state.lock:
            return [
                row.to_wire()
                for row in self.state.inventory.values()
                if sku is None or sku_key(row.sku) == sku_key(sku)
            ]


def _entries(lines: Any, fields: tuple[str, ...], errors: FieldErrors) -> list[BodyReader]:
    return BodyReader({"lines": lines}, "", errors, ("lines",)).children(
        "lines", fields, required=True
    )


def _arn_line(arn: Arn, reader: BodyReader) -> int | None:
    """The ARN line an entry names: by ``line`` (0-based) or by ``sku`` (and lot)."""
    if "line" in reader.data:
        index = reader.count("line")
        if index is not None and index >= len(arn.items):
            reader.fail("line", f"the ARN has {len(arn.items)} lines")
            return None
        return index
    sku = reader.text("sku", required=True)
    if sku is None:
        return None
    matches = [i for i, line in enumerate(arn.items) if sku_key(line.sku) == sku_key(sku)]
    lot = reader.data.get("lot_number")
    same_lot = [i for i in matches if arn.items[i].lot_number == lot]
    if not matches:
        reader.fail("sku", "not on this ARN")
        return None
    return (same_lot or matches)[0]


def _receipt_details(reader: BodyReader) -> dict[str, Any]:
    details = {
        "lot_number": reader.text("lot_number") or None,
        "expiry_date": reader.day("expiry_date"),
        "unit_cost": reader.number("unit_cost"),
    }
    return {key: value for key, value in details.items() if value is not None}


def _generated_item(sku: str, number: int) -> dict[str, Any]:
    cased = number % 10 == 0
    return {
        "sku": sku,
        "name": f"Generated item {number}",
        "description": f"Catalogue item number {number}",
        "uom": "EA",
        "base_unit": "EA",
        "receiving_unit": "CASE" if cased else "EA",
        "receiving_unit_base_conversion": 12 if cased else 1,
        "shipping_unit": "EA",
        "shipping_unit_base_conversion": 1,
        "scannable": f"{number:012d}",
        "weight": {"value": 0.5, "unit": "lb"},
        "dimensions": None,
    }
