"""The records the sandbox keeps, and their wire form as ``leanafy-api.md`` writes it.

Records are plain dataclasses. ``to_wire()`` gives the JSON object the API answers
with; ``dataclasses.asdict`` gives the stored form that :func:`load_record` reads
back from a state file.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass, field
from typing import Any, TypeVar

ORDER_STATUSES = ("open", "allocated", "picking", "packed", "shipped", "closed", "cancelled")
ARN_STATUSES = ("open", "receiving", "closed", "cancelled")

Record = TypeVar("Record")


def sku_key(sku: str) -> str:
    """The identity of a SKU: trimmed and compared case-insensitively."""
    return sku.strip().casefold()


@dataclass
class Credentials:
    """An account's API key and secret."""

    api_key: str
    api_secret: str


@dataclass
class Client:
    """The Leanafy client the API key belongs to."""

    id: str
    name: str

    def to_wire(self) -> dict[str, Any]:
        """``{"_id", "name"}``."""
        return {"_id": self.id, "name": self.name}


@dataclass
class Warehouse:
    """A warehouse of the key's client."""

    id: str
    name: str

    def to_wire(self) -> dict[str, Any]:
        """``{"_id", "name"}``."""
        return {"_id": self.id, "name": self.name}


@dataclass
class Item:
    """A product, with its base unit and its receiving and shipping units."""

    id: str
    sku: str
    name: str
    description: str
    uom: str
    base_unit: str
    receiving_unit: str
    receiving_unit_base_conversion: int
    shipping_unit: str
    shipping_unit_base_conversion: int
    scannable: str | None
    weight: dict[str, Any] | None
    dimensions: dict[str, Any] | None
    created_at: str
    updated_at: str

    def unit_rate(self, unit: str, direction: str) -> tuple[str, int] | None:
        """The item's spelling of ``unit`` and its base conversion rate, or None.

        ``direction`` is ``"shipping"`` (order lines) or ``"receiving"`` (ARN lines):
        the base unit and the ``uom`` convert at 1 in both; the shipping unit is
        known only to orders and the receiving unit only to ARNs.
        """
        candidates = [(self.base_unit, 1), (self.uom, 1)]
        if direction == "shipping":
            candidates.append((self.shipping_unit, self.shipping_unit_base_conversion))
        else:
            candidates.append((self.receiving_unit, self.receiving_unit_base_conversion))
        wanted = unit.strip().casefold()
        for name, rate in candidates:
            if name.casefold() == wanted:
                return name, rate
        return None

    def unit_names(self, direction: str) -> list[str]:
        """The units an order (``"shipping"``) or ARN (``"receiving"``) line may use."""
        extra = self.shipping_unit if direction == "shipping" else self.receiving_unit
        names: list[str] = []
        for name in (self.base_unit, self.uom, extra):
            if name not in names:
                names.append(name)
        return names

    def to_wire(self) -> dict[str, Any]:
        """The item as ``GET /v1/item`` answers it."""
        return {
            "_id": self.id,
            "sku": self.sku,
            "name": self.name,
            "description": self.description,
            "uom": self.uom,
            "base_unit": self.base_unit,
            "receiving_unit": self.receiving_unit,
            "receiving_unit_base_conversion": self.receiving_unit_base_conversion,
            "shipping_unit": self.shipping_unit,
            "shipping_unit_base_conversion": self.shipping_unit_base_conversion,
            "scannable": self.scannable,
            "weight": self.weight,
            "dimensions": self.dimensions,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }


@dataclass
class InventoryRow:
    """Stock of one item, in one warehouse, in one lot (``None``: no lot), in base units."""

    item_id: str
    sku: str
    warehouse_id: str
    lot_number: str | None
    expiry_date: str | None
    on_hand: int
    allocated: int
    unit: str
    updated_at: str

    @property
    def key(self) -> tuple[str, str, str]:
        """Where the row sits in the store: (item, warehouse, lot)."""
        return (self.item_id, self.warehouse_id, self.lot_number or "")

    @property
    def available(self) -> int:
        """On hand less allocated."""
        return self.on_hand - self.allocated

    def to_wire(self) -> dict[str, Any]:
        """The row as ``GET /v1/inventory`` answers it."""
        return {
            "item_id": self.item_id,
            "sku": self.sku,
            "warehouse_id": self.warehouse_id,
            "on_hand": self.on_hand,
            "allocated": self.allocated,
            "available": self.available,
            "unit": self.unit,
            "lot_number": self.lot_number,
            "expiry_date": self.expiry_date,
            "updated_at": self.updated_at,
        }


@dataclass
class OrderLine:
    """One line of an order; ``shipped_base`` is what left, in base units."""

    item_id: str
    sku: str
    name: str
    description: str
    scannable: str | None
    total_qty: int
    unit: str
    base_unit: str
    base_conversion_rate: int
    shipped_base: int = 0

    @property
    def total_base(self) -> int:
        """The ordered quantity in base units."""
        return self.total_qty * self.base_conversion_rate

    def to_wire(self) -> dict[str, Any]:
        """The line; ``shipped_qty`` is in the line's unit when it divides evenly, else in
        the base unit, and ``shipped_qty_unit`` says which."""
        if self.shipped_base % self.base_conversion_rate == 0:
            shipped_qty, shipped_unit = self.shipped_base // self.base_conversion_rate, self.unit
        else:
            shipped_qty, shipped_unit = self.shipped_base, self.base_unit
        return {
            "item_id": self.item_id,
            "sku": self.sku,
            "name": self.name,
            "description": self.description,
            "scannable": self.scannable,
            "total_qty": self.total_qty,
            "unit": self.unit,
            "base_unit": self.base_unit,
            "base_conversion_rate": self.base_conversion_rate,
            "shipped_qty": shipped_qty,
            "shipped_qty_unit": shipped_unit,
        }


@dataclass
class Shipment:
    """One package of an order, as the warehouse shipped it."""

    shipment_id: str
    shipment_status: str
    carrier: str | None
    service: str | None
    cost: dict[str, Any]
    tracking_number: str
    shipped_at: str
    weight: dict[str, Any] | None = None
    dimensions: dict[str, Any] | None = None

    def to_wire(self) -> dict[str, Any]:
        """The package as it appears in the order's ``shipments``."""
        return dataclasses.asdict(self)


@dataclass
class Allocation:
    """Stock of one inventory row reserved for an order, in base units."""

    item_id: str
    warehouse_id: str
    lot_number: str | None
    quantity: int


@dataclass
class Order:
    """A Leanafy order: what a techOMS shipment becomes."""

    id: str
    code: int
    warehouse_id: str
    client_id: str
    client_name: str
    status: str
    primary_reference_number: str | None
    instructions: str | None
    shipping_address: dict[str, Any]
    billing_address: dict[str, Any] | None
    is_billing_same_as_shipping: bool | None
    default_shipping_carrier: dict[str, Any] | None
    customer_type: str | None
    due_date: str | None
    items: list[OrderLine]
    created_at: str
    updated_at: str
    shipped_at: str | None = None
    cancelled_reason: str | None = None
    shipments: list[Shipment] = field(default_factory=list)
    allocations: list[Allocation] = field(default_factory=list)

    def to_wire(self) -> dict[str, Any]:
        """The order as ``GET /v1/order`` answers it (allocations stay inside)."""
        return {
            "_id": self.id,
            "code": self.code,
            "warehouse_id": self.warehouse_id,
            "client_id": self.client_id,
            "client_name": self.client_name,
            "status": self.status,
            "primary_reference_number": self.primary_reference_number,
            "instructions": self.instructions,
            "shipping_address": self.shipping_address,
            "billing_address": self.billing_address,
            "is_billing_same_as_shipping": self.is_billing_same_as_shipping,
            "default_shipping_carrier": self.default_shipping_carrier,
            "customer_type": self.customer_type,
            "due_date": self.due_date,
            "shipped_at": self.shipped_at,
            "cancelled_reason": self.cancelled_reason,
            "items": [line.to_wire() for line in self.items],
            "shipments": [shipment.to_wire() for shipment in self.shipments],
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }


@dataclass
class ArnLine:
    """One line of an ARN; ``received_qty`` is in the line's unit."""

    item_id: str
    sku: str
    expected_qty: int
    unit: str
    base_unit: str
    base_conversion_rate: int
    unit_cost: float | None
    lot_number: str | None
    received_qty: int = 0
    expiry_date: str | None = None

    def to_wire(self) -> dict[str, Any]:
        """The line as the ARN's ``items`` carry it."""
        return {
            "item_id": self.item_id,
            "sku": self.sku,
            "expected_qty": self.expected_qty,
            "received_qty": self.received_qty,
            "unit": self.unit,
            "base_unit": self.base_unit,
            "base_conversion_rate": self.base_conversion_rate,
            "unit_cost": self.unit_cost,
            "lot_number": self.lot_number,
            "expiry_date": self.expiry_date,
        }


@dataclass
class Arn:
    """An advance receiving notice: what a techOMS purchase-order receipt becomes."""

    id: str
    code: int
    status: str
    primary_reference_number: str | None
    po_number: str | None
    supplier: dict[str, Any] | None
    expected_date: str | None
    warehouse_id: str
    instructions: str | None
    items: list[ArnLine]
    created_at: str
    updated_at: str
    closed_at: str | None = None

    def to_wire(self) -> dict[str, Any]:
        """The ARN as ``GET /v1/arn`` answers it."""
        return {
            "_id": self.id,
            "code": self.code,
            "status": self.status,
            "primary_reference_number": self.primary_reference_number,
            "po_number": self.po_number,
            "supplier": self.supplier,
            "expected_date": self.expected_date,
            "warehouse_id": self.warehouse_id,
            "instructions": self.instructions,
            "closed_at": self.closed_at,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "items": [line.to_wire() for line in self.items],
        }


def load_record(cls: type[Record], data: dict[str, Any]) -> Record:
    """Rebuild a record of type ``cls`` from its stored (``asdict``) form."""
    hints = typing.get_type_hints(cls)
    values = {
        f.name: _load_value(hints[f.name], data[f.name])
        for f in dataclasses.fields(cls)  # type: ignore[arg-type]
        if f.name in data
    }
    return cls(**values)


def _load_value(hint: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(hint)
    if origin is list:
        (element,) = typing.get_args(hint)
        return [_load_value(element, entry) for entry in value]
    if origin in (typing.Union, types.UnionType):
        present = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        return _load_value(present[0], value)
    if dataclasses.is_dataclass(hint):
        return load_record(hint, value)
    return value
