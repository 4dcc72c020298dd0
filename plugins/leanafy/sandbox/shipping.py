"""Packing an order into packages: which quantities of which lines leave in each box.

A package lists ``lines`` (``{"sku", "qty", "unit"}``; ``unit`` defaults to the
order line's unit and may be the line's base unit), or leaves them out to carry
everything not listed elsewhere (at most one package may). Leanafy never ships more
than ordered: a quantity above what remains is a 422, unless ``allow_over`` asks for
that data error on purpose.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .bodies import read_dimensions, read_weight
from .models import Order, Shipment, sku_key
from .state import SandboxState
from .validation import BodyReader, FieldErrors

PACKAGE_FIELDS = (
    "tracking_number",
    "carrier",
    "service",
    "cost",
    "weight",
    "dimensions",
    "shipped_at",
    "lines",
)
PACKAGE_LINE_FIELDS = ("sku", "qty", "unit")
COST_FIELDS = ("value", "currency")
DEFAULT_CURRENCY = "USD"


@dataclass
class PackingPlan:
    """The packages to ship and, per order line, the base quantity in each."""

    shipments: list[Shipment]
    contents: list[list[int]]

    def shipped_per_line(self, line_count: int) -> list[int]:
        """The base quantity leaving per order line, over every package."""
        return [sum(package[i] for package in self.contents) for i in range(line_count)]


def plan_packages(
    state: SandboxState,
    order: Order,
    packages: list[dict[str, Any]] | None,
    allow_over: bool,
) -> PackingPlan:
    """Read the packages (one full package when None); 422 naming every problem."""
    errors = FieldErrors()
    body = {"packages": [{}] if packages is None else packages}
    readers = BodyReader(body, "", errors, ("packages",)).children(
        "packages", PACKAGE_FIELDS, required=True
    )
    remaining = [line.total_base - line.shipped_base for line in order.items]
    contents: list[list[int]] = []
    carry_rest: int | None = None
    for index, reader in enumerate(readers):
        box = [0] * len(order.items)
        if "lines" not in reader.data:
            if carry_rest is not None:
                reader.fail("lines", "only one package may leave out its lines")
            carry_rest = index
        for line in reader.children("lines", PACKAGE_LINE_FIELDS):
            _pack_line(order, line, box, remaining, allow_over)
        contents.append(box)
    if carry_rest is not None:
        contents[carry_rest] = [
            a + max(b, 0) for a, b in zip(contents[carry_rest], remaining, strict=True)
        ]
    shipments = [
        _shipment(state, order, reader, len(order.shipments) + n + 1)
        for n, reader in enumerate(readers)
    ]
    errors.raise_if_any()
    return PackingPlan(shipments=shipments, contents=contents)


def _pack_line(
    order: Order, reader: BodyReader, box: list[int], remaining: list[int], allow_over: bool
) -> None:
    sku = reader.text("sku", required=True)
    qty = reader.positive_int("qty", required=True)
    unit = reader.text("unit")
    if sku is None:
        return
    indices = [i for i, line in enumerate(order.items) if sku_key(line.sku) == sku_key(sku)]
    if not indices:
        reader.fail("sku", "not on this order")
        return
    line = order.items[indices[0]]
    rate = line.base_conversion_rate
    if unit is not None and unit.casefold() != line.unit.casefold():
        if unit.casefold() != line.base_unit.casefold():
            reader.fail("unit", f"must be {line.unit} or {line.base_unit}")
            return
        rate = 1
    if qty is None:
        return
    quantity = qty * rate
    for i in indices:
        take = min(quantity, max(remaining[i], 0))
        box[i] += take
        remaining[i] -= take
        quantity -= take
    if quantity > 0:
        if not allow_over:
            reader.fail("qty", "more than remains to ship on this order")
            return
        box[indices[-1]] += quantity
        remaining[indices[-1]] -= quantity


def _shipment(state: SandboxState, order: Order, reader: BodyReader, number: int) -> Shipment:
    carrier = order.default_shipping_carrier or {}
    cost = reader.child("cost", COST_FIELDS)
    cost_value = cost.number("value", required=True) if cost else 0.0
    currency = (cost.text("currency") if cost else None) or DEFAULT_CURRENCY
    return Shipment(
        shipment_id=state.ids.new_id(),
        shipment_status="shipped",
        carrier=reader.text("carrier") or carrier.get("name"),
        service=reader.text("service") or carrier.get("service"),
        cost={"value": cost_value, "currency": currency},
        tracking_number=reader.text("tracking_number") or f"1ZSBX{order.code:08d}{number:02d}",
        shipped_at=reader.timestamp("shipped_at") or state.clock.now(),
        weight=read_weight(reader),
        dimensions=read_dimensions(reader),
    )
