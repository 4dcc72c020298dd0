"""Sample records for tests: valid products, shipments and receipts.

Each builder makes ``count`` records whose keys carry ``tag`` (a short token
that is new on every call unless you give one), so that batches sent to a
long-lived sandbox never collide with earlier ones::

    products = sample_products(3)
    shipments = sample_shipments(3, skus=[p.sku for p in products])

:func:`refused_variant` turns a valid shipment or receipt into one that no
WMS can accept: its lines name a SKU that does not exist.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import attrs

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

#: A SKU no WMS double is expected to know.
UNKNOWN_SKU = "CONFORMANCE-NO-SUCH-SKU"


def new_tag() -> str:
    """A short token that makes record keys unique across calls."""
    return uuid.uuid4().hex[:6].upper()


def sample_products(count: int = 3, *, tag: str | None = None) -> list[Product]:
    """``count`` complete products (name, description, UOM, barcode, weight)."""
    tag = tag or new_tag()
    return [
        Product(
            sku=f"CONF-{tag}-{n}",
            name=f"Conformance product {n}",
            description=f"Sample product {n} of batch {tag}",
            uom="EA",
            barcode=f"0{n:03d}{int(tag, 16) % 10**8:08d}",
            weight=Weight(value=Decimal("1.25"), unit="lb"),
        )
        for n in range(1, count + 1)
    ]


def sample_address(n: int = 1) -> Address:
    """A complete US ship-to address, PII included."""
    return Address(
        name=f"Sample Customer {n}",
        company="Sample Co",
        address1=f"{100 + n} Main Street",
        address2="Suite 5",
        city="Springfield",
        state="Illinois",
        state_code="IL",
        postal_code="62701",
        country="United States",
        country_code="US",
        phone="+1 217 555 0100",
        email=f"customer{n}@example.com",
    )


def sample_shipments(
    count: int = 3, *, skus: Sequence[str], tag: str | None = None
) -> list[Shipment]:
    """``count`` shipments, each with one line per SKU of ``skus``."""
    if not skus:
        raise ValueError("skus: a shipment needs at least one SKU for its lines")
    tag = tag or new_tag()
    return [
        Shipment(
            number=f"SH-{tag}-{n}",
            order_number=f"SO-{tag}-{n}",
            warehouse="MAIN",
            ship_to=sample_address(n),
            lines=[
                ShipmentLine(line_number=i, sku=sku, quantity=i)
                for i, sku in enumerate(skus, start=1)
            ],
            carrier="UPS",
            service="Ground",
            due_date=dt.date(2030, 1, 15),
        )
        for n in range(1, count + 1)
    ]


def sample_receipts(
    count: int = 3, *, skus: Sequence[str], tag: str | None = None
) -> list[Receipt]:
    """``count`` purchase-order receipts, each with one line per SKU of ``skus``."""
    if not skus:
        raise ValueError("skus: a receipt needs at least one SKU for its lines")
    tag = tag or new_tag()
    return [
        Receipt(
            number=f"RC-{tag}-{n}",
            po_number=f"PO-{tag}-{n}",
            warehouse="MAIN",
            supplier=Supplier(code="SUP1", name="Sample Supplier"),
            expected_date=dt.date(2030, 1, 20),
            lines=[
                ReceiptLine(line_number=i, sku=sku, quantity=10 * i, unit_cost=Decimal("2.50"))
                for i, sku in enumerate(skus, start=1)
            ],
        )
        for n in range(1, count + 1)
    ]


def refused_variant(record: Any, *, key_suffix: str = "-BAD") -> Any:
    """A copy of a shipment or receipt, under a new key, whose lines all name
    :data:`UNKNOWN_SKU`: a record every WMS must refuse."""
    if isinstance(record, Shipment | Receipt):
        lines = [attrs.evolve(line, sku=UNKNOWN_SKU) for line in record.lines]
        return attrs.evolve(record, number=record.number + key_suffix, lines=lines)
    raise TypeError(
        f"refused_variant: no generic refused version of a {type(record).__name__}; "
        "build one your WMS refuses"
    )
