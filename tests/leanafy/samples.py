"""Records the Leanafy tests send, built the way a host would build them."""

from __future__ import annotations

from techoms_core.models import (
    Address,
    Product,
    Receipt,
    ReceiptLine,
    Shipment,
    ShipmentLine,
    Supplier,
)

RENO = Address(
    name="Ada Lovelace",
    company="Engines Ltd",
    address1="1 Analytical Way",
    address2="Suite 2",
    city="Reno",
    state="Nevada",
    state_code="NV",
    postal_code="89501",
    country="United States",
    country_code="US",
    phone="+1 775 555 0100",
    email="ada@example.com",
    residential=True,
)


def product(sku: str, **changes) -> Product:
    fields = dict(sku=sku, name=f"Product {sku}", uom="EA", description=f"About {sku}")
    fields.update(changes)
    return Product(**fields)


def shipment(number: str, *lines: tuple[str, int], **changes) -> Shipment:
    fields = dict(
        number=number,
        order_number=f"SO-{number}",
        warehouse="reno",
        ship_to=RENO,
        lines=[
            ShipmentLine(line_number=n, sku=sku, quantity=qty)
            for n, (sku, qty) in enumerate(lines or [("TEE-BLK-M", 2)], start=1)
        ],
    )
    fields.update(changes)
    return Shipment(**fields)


def receipt(number: str, *lines: tuple[str, int], **changes) -> Receipt:
    fields = dict(
        number=number,
        po_number=f"PO-{number}",
        warehouse="reno",
        supplier=Supplier(code="ACME", name="Acme Supplies"),
        expected_date="2026-12-01",
        lines=[
            ReceiptLine(line_number=n, sku=sku, quantity=qty, unit_cost="1.25", lot_number="L-1")
            for n, (sku, qty) in enumerate(lines or [("MUG-WHT-12OZ", 24)], start=1)
        ],
    )
    fields.update(changes)
    return Receipt(**fields)
