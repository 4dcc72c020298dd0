"""Small techOMS records for host tests."""

from __future__ import annotations

from techoms_core.context import ChannelConfig
from techoms_core.models import (
    Address,
    Package,
    Product,
    Receipt,
    ReceiptLine,
    ReceiptUpdate,
    ReceivedLine,
    Shipment,
    ShipmentLine,
    ShipmentUpdate,
    ShippedLine,
)

WAREHOUSE = "MAIN"


def product(sku: str = "SKU-1", **changes) -> Product:
    values = {"sku": sku, "name": f"Product {sku}", "uom": "each", "description": "A thing"}
    values.update(changes)
    return Product(**values)


def shipment(number: str = "S-1", *lines: tuple[str, int], warehouse: str = WAREHOUSE) -> Shipment:
    lines = lines or (("SKU-1", 2),)
    return Shipment(
        number=number,
        order_number=f"O-{number}",
        warehouse=warehouse,
        ship_to=Address(city="Austin", postal_code="78701", country_code="US", name="Ann"),
        lines=tuple(
            ShipmentLine(line_number=i, sku=sku, quantity=qty)
            for i, (sku, qty) in enumerate(lines, start=1)
        ),
        carrier="UPS",
        service="Ground",
    )


def receipt(number: str = "R-1", *lines: tuple[str, int], warehouse: str = WAREHOUSE) -> Receipt:
    lines = lines or (("SKU-1", 10),)
    return Receipt(
        number=number,
        po_number=f"PO-{number}",
        warehouse=warehouse,
        lines=tuple(
            ReceiptLine(line_number=i, sku=sku, quantity=qty, unit_cost="1.50")
            for i, (sku, qty) in enumerate(lines, start=1)
        ),
    )


def shipped(number: str, *lines: tuple[str, int, int], version: str = "v1", packages: int = 1):
    return ShipmentUpdate(
        shipment_number=number,
        outcome="shipped"
        if all(sent == ordered for _, ordered, sent in lines)
        else "short_shipped",
        remote_id=f"remote-{number}",
        packages=tuple(
            Package(tracking_number=f"1Z{number}{i}", carrier="UPS", service="Ground", cost="7.25")
            for i in range(packages)
        ),
        lines=tuple(
            ShippedLine(sku=sku, ordered_quantity=ordered, shipped_quantity=sent)
            for sku, ordered, sent in lines
        ),
        version=version,
    )


def received(number: str, *lines: tuple[str, int], version: str = "v1") -> ReceiptUpdate:
    return ReceiptUpdate(
        receipt_number=number,
        lines=tuple(
            ReceivedLine(sku=sku, received_quantity=qty, lot_number="LOT-A", unit_cost="1.75")
            for sku, qty in lines
        ),
        remote_id=f"arn-{number}",
        version=version,
    )


def channel(
    name: str = "wms", plugin: str = "fake", *, warehouse: str | None = WAREHOUSE, **settings
) -> ChannelConfig:
    return ChannelConfig(name=name, plugin=plugin, settings=settings, warehouse=warehouse)
