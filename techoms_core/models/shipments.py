"""Shipments (techOMS -> WMS) and the updates a WMS reports back."""

from __future__ import annotations

import datetime as dt
import enum
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
from techoms_core.models.products import Weight


class OrderType(enum.StrEnum):
    B2C = "B2C"
    B2B = "B2B"


def _unique_line_numbers(instance, attribute, lines) -> None:
    if not lines:
        raise ValueError(f"{attribute.name}: at least one line is required")
    numbers = [line.line_number for line in lines]
    if len(numbers) != len(set(numbers)):
        raise ValueError(f"{attribute.name}: line_number values must be unique")


@frozen(kw_only=True)
class Address:
    """A ship-to address. ``city``, ``postal_code`` and ``country_code`` are
    required: they are what a warehouse still needs when PII is suppressed."""

    city: str = field(converter=trimmed, validator=required_text)
    postal_code: str = field(converter=trimmed, validator=required_text)
    country_code: str = field(converter=trimmed, validator=required_text)
    name: str | None = field(default=None, converter=optional_text)
    company: str | None = field(default=None, converter=optional_text)
    address1: str | None = field(default=None, converter=optional_text)
    address2: str | None = field(default=None, converter=optional_text)
    state: str | None = field(default=None, converter=optional_text)
    state_code: str | None = field(default=None, converter=optional_text)
    country: str | None = field(default=None, converter=optional_text)
    phone: str | None = field(default=None, converter=optional_text)
    email: str | None = field(default=None, converter=optional_text)
    residential: bool = field(default=False, validator=validators.instance_of(bool))


@frozen(kw_only=True)
class ShipmentLine:
    """One line of a shipment: ``quantity`` base units of ``sku``."""

    line_number: int = field(validator=positive_int)
    sku: str = field(converter=trimmed, validator=required_text)
    quantity: int = field(validator=positive_int)
    references: dict[str, str] = field(factory=dict, converter=to_mapping)


@frozen(kw_only=True)
class Shipment:
    """A shipment techOMS asks a warehouse to fulfil. ``number`` is its key."""

    number: str = field(converter=trimmed, validator=required_text)
    order_number: str = field(converter=trimmed, validator=required_text)
    warehouse: str = field(converter=trimmed, validator=required_text)
    ship_to: Address = field(validator=validators.instance_of(Address))
    lines: tuple[ShipmentLine, ...] = field(converter=tuple, validator=_unique_line_numbers)
    order_type: OrderType = field(default=OrderType.B2C, converter=OrderType)
    carrier: str | None = field(default=None, converter=optional_text)
    service: str | None = field(default=None, converter=optional_text)
    references: dict[str, str] = field(factory=dict, converter=to_mapping)
    due_date: dt.date | None = field(default=None, converter=to_date)
    instructions: str | None = field(default=None, converter=optional_text)

    @property
    def key(self) -> str:
        return self.number


class ShipmentOutcome(enum.StrEnum):
    """What happened to a shipment in the warehouse."""

    SHIPPED = "shipped"
    SHORT_SHIPPED = "short_shipped"
    CANCELLED = "cancelled"


@frozen(kw_only=True)
class Package:
    """One box that left the warehouse."""

    tracking_number: str | None = field(default=None, converter=optional_text)
    carrier: str | None = field(default=None, converter=optional_text)
    service: str | None = field(default=None, converter=optional_text)
    cost: Decimal | None = field(default=None, converter=to_decimal)
    currency: str | None = field(default=None, converter=optional_text)
    weight: Weight | None = None
    shipped_at: dt.datetime | None = field(default=None, converter=to_datetime)


@frozen(kw_only=True)
class ShippedLine:
    """How much of a SKU left, against how much was ordered, in base units."""

    sku: str = field(converter=trimmed, validator=required_text)
    ordered_quantity: int = field(validator=non_negative_int)
    shipped_quantity: int = field(validator=non_negative_int)
    line_number: int | None = None

    @property
    def short_by(self) -> int:
        return max(self.ordered_quantity - self.shipped_quantity, 0)

    @property
    def over_by(self) -> int:
        return max(self.shipped_quantity - self.ordered_quantity, 0)


def _consistent_outcome(instance: ShipmentUpdate, attribute, outcome) -> None:
    over = [line.sku for line in instance.lines if line.over_by]
    if over:
        raise ValueError(f"lines: shipped more than ordered for {', '.join(over)}")
    short = any(line.short_by for line in instance.lines)
    if outcome is ShipmentOutcome.SHIPPED and short:
        raise ValueError("outcome: 'shipped' with short lines must be 'short_shipped'")
    if outcome is ShipmentOutcome.SHORT_SHIPPED and not short:
        raise ValueError("outcome: 'short_shipped' needs at least one short line")


@frozen(kw_only=True)
class ShipmentUpdate:
    """What a WMS reports about a shipment it was sent.

    ``version`` is the WMS's change marker (e.g. its ``updated_at``): applying
    the same update twice is a no-op for the host. A ``short_shipped`` update is
    kept for review, never applied automatically (spec §6).

    ``warnings`` are what the plugin noticed while reading the update that
    did not stop it (e.g. a carrier with no inbound mapping, passed through):
    the host reports an applied update that carries them as ``warning``.
    """

    shipment_number: str = field(converter=trimmed, validator=required_text)
    outcome: ShipmentOutcome = field(converter=ShipmentOutcome, validator=_consistent_outcome)
    remote_id: str | None = None
    packages: tuple[Package, ...] = field(default=(), converter=tuple)
    lines: tuple[ShippedLine, ...] = field(default=(), converter=tuple)
    shipped_at: dt.datetime | None = field(default=None, converter=to_datetime)
    cancelled_reason: str | None = field(default=None, converter=optional_text)
    version: str | None = None
    warnings: tuple[str, ...] = field(default=(), converter=tuple)

    @property
    def key(self) -> str:
        return self.shipment_number

    def short_lines(self) -> tuple[ShippedLine, ...]:
        return tuple(line for line in self.lines if line.short_by)
