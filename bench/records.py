"""The records the benchmark loads into techOMS: deterministic, realistic in shape.

Shipments and receipts have one to three lines over a catalogue of
:data:`CATALOGUE_SIZE` items that the sandbox generates as ``SKU-000001`` ...;
products to export are ``BENCH-000001`` ... so they never collide with it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from techoms_core.mappings import CarrierRow
from techoms_core.models import (
    Address,
    Product,
    Receipt,
    ReceiptLine,
    Shipment,
    ShipmentLine,
    Supplier,
    Weight,
)

#: Items in the sandbox's catalogue that shipment and receipt lines use.
CATALOGUE_SIZE = 200
#: The techOMS warehouse the benchmark channel serves.
WAREHOUSE = "MAIN"
#: The one carrier mapping the channel has (so sends carry no "unmapped" warning).
CARRIER = CarrierRow(
    carrier_channel="UPS",
    service_channel="Ground",
    carrier_system="UPS",
    service_system="Ground",
    primary=True,
)

ADDRESS = Address(
    name="Ada Lovelace",
    company="Analytical Engines",
    address1="12 Analytical Way",
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


def catalogue_sku(n: int) -> str:
    """The ``n``-th generated sandbox item (1-based), as the sandbox names it."""
    return f"SKU-{(n - 1) % CATALOGUE_SIZE + 1:06d}"


def product(n: int) -> Product:
    """A complete product to export (every field Leanafy requires)."""
    return Product(
        sku=f"BENCH-{n:06d}",
        name=f"Benchmark product {n}",
        description=f"Product number {n} of the benchmark",
        uom="EA",
        barcode=f"{n:012d}",
        weight=Weight(value=Decimal("0.5"), unit="lb"),
    )


def _lines(n: int) -> list[tuple[int, str, int]]:
    return [(line, catalogue_sku(n * 3 + line), 1 + (n + line) % 4) for line in range(1, 2 + n % 3)]


def shipment(n: int) -> Shipment:
    """Shipment ``S-{n:06d}`` with one to three lines."""
    return Shipment(
        number=f"S-{n:06d}",
        order_number=f"SO-{n:06d}",
        warehouse=WAREHOUSE,
        ship_to=ADDRESS,
        carrier="UPS",
        service="Ground",
        references={"customer_po": f"PO-{n}"},
        instructions="Leave at the front door",
        lines=[ShipmentLine(line_number=i, sku=sku, quantity=q) for i, sku, q in _lines(n)],
    )


def receipt(n: int) -> Receipt:
    """Receipt ``R-{n:06d}`` with one to three lines, costs and lots."""
    return Receipt(
        number=f"R-{n:06d}",
        po_number=f"PO-{n:06d}",
        warehouse=WAREHOUSE,
        supplier=Supplier(code="ACME", name="Acme Supplies"),
        expected_date=dt.date(2030, 1, 1) + dt.timedelta(days=n % 90),
        lines=[
            ReceiptLine(
                line_number=i, sku=sku, quantity=q * 6, unit_cost=Decimal("2.50"), lot_number="L-1"
            )
            for i, sku, q in _lines(n)
        ],
    )
