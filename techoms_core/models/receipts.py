"""Receipts (purchase-order receipts, techOMS -> WMS) and what a WMS received."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from attrs import field, frozen, validators

from techoms_core.models.fields import (
    non_negative_int,
    optional_text,
    positive_int,
    required_text,
    to_date,
    to_datetime,
    to_decimal,
    to_mapping,
    trimmed,
)
from techoms_core.models.shipments import _unique_line_numbers


@frozen(kw_only=True)
class Supplier:
    code: str | None = field(default=None, converter=optional_text)
    name: str | None = field(default=None, converter=optional_text)


@frozen(kw_only=True)
class ReceiptLine:
    """``quantity`` base units of ``sku`` expected, with an optional cost and lot."""

    line_number: int = field(validator=positive_int)
    sku: str = field(converter=trimmed, validator=required_text)
    quantity: int = field(validator=positive_int)
    unit_cost: Decimal | None = field(default=None, converter=to_decimal)
    lot_number: str | None = field(default=None, converter=optional_text)


@frozen(kw_only=True)
class Receipt:
    """Goods techOMS expects a warehouse to receive. ``number`` is its key."""

    number: str = field(converter=trimmed, validator=required_text)
    po_number: str = field(converter=trimmed, validator=required_text)
    warehouse: str = field(converter=trimmed, validator=required_text)
    lines: tuple[ReceiptLine, ...] = field(converter=tuple, validator=_unique_line_numbers)
    supplier: Supplier = field(factory=Supplier, validator=validators.instance_of(Supplier))
    expected_date: dt.date | None = field(default=None, converter=to_date)
    references: dict[str, str] = field(factory=dict, converter=to_mapping)
    instructions: str | None = field(default=None, converter=optional_text)

    @property
    def key(self) -> str:
        return self.number


@frozen(kw_only=True)
class ReceivedLine:
    """What the warehouse received of one SKU and lot, in base units.

    The WMS is the truth: quantities, lots and unit costs replace the expected
    ones, over- or under-receipt included.
    """

    sku: str = field(converter=trimmed, validator=required_text)
    received_quantity: int = field(validator=non_negative_int)
    expected_quantity: int | None = None
    line_number: int | None = None
    lot_number: str | None = field(default=None, converter=optional_text)
    unit_cost: Decimal | None = field(default=None, converter=to_decimal)
    expiry_date: dt.date | None = field(default=None, converter=to_date)


@frozen(kw_only=True)
class ReceiptUpdate:
    """A completed receipt reported by a WMS. ``version`` and ``warnings`` as
    for shipments."""

    receipt_number: str = field(converter=trimmed, validator=required_text)
    lines: tuple[ReceivedLine, ...] = field(converter=tuple)
    remote_id: str | None = None
    received_at: dt.datetime | None = field(default=None, converter=to_datetime)
    version: str | None = None
    warnings: tuple[str, ...] = field(default=(), converter=tuple)

    @property
    def key(self) -> str:
        return self.receipt_number
