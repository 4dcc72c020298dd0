"""Products and their units of measure."""

from __future__ import annotations

import enum
from decimal import Decimal

from attrs import field, frozen, validators

from techoms_core.models.fields import (
    optional_text,
    positive_int,
    required_text,
    to_decimal,
    trimmed,
)
from techoms_core.models.sku import sku_key


@frozen(kw_only=True)
class Weight:
    """A weight: ``value`` in ``unit`` (e.g. ``lb``, ``kg``)."""

    value: Decimal = field(converter=to_decimal)
    unit: str = field(converter=trimmed, validator=required_text)


@frozen(kw_only=True)
class Dimensions:
    """Length, width and height in ``unit`` (e.g. ``in``, ``cm``)."""

    length: Decimal = field(converter=to_decimal)
    width: Decimal = field(converter=to_decimal)
    height: Decimal = field(converter=to_decimal)
    unit: str = field(converter=trimmed, validator=required_text)


class UnitRole(enum.StrEnum):
    """What a WMS uses a packaging unit for."""

    RECEIVING = "receiving"
    SHIPPING = "shipping"


@frozen(kw_only=True)
class ProductUnit:
    """A packaging unit: one ``name`` (e.g. a case) holds ``base_quantity`` base units."""

    role: UnitRole = field(converter=UnitRole)
    name: str = field(converter=trimmed, validator=required_text)
    base_quantity: int = field(validator=positive_int)


@frozen(kw_only=True)
class Product:
    """A product as techOMS knows it.

    techOMS requires ``sku``, ``name`` and ``uom``; ``description`` is optional
    here, though a channel may require it for export (its declaration's
    ``required_export_fields``). Quantities in techOMS are kept in
    ``base_unit`` (defaults to ``uom``); ``units`` lists packaging units a WMS
    knows for the product.
    """

    sku: str = field(converter=trimmed, validator=required_text)
    name: str = field(converter=trimmed, validator=required_text)
    uom: str = field(converter=trimmed, validator=required_text)
    description: str | None = field(default=None, converter=optional_text)
    barcode: str | None = field(default=None, converter=optional_text)
    weight: Weight | None = field(
        default=None, validator=validators.optional(validators.instance_of(Weight))
    )
    dimensions: Dimensions | None = field(
        default=None, validator=validators.optional(validators.instance_of(Dimensions))
    )
    base_unit: str | None = field(default=None, converter=optional_text)
    units: tuple[ProductUnit, ...] = field(default=(), converter=tuple)

    @property
    def sku_key(self) -> str:
        return sku_key(self.sku)

    @property
    def key(self) -> str:
        """The key results are reported under: the SKU."""
        return self.sku
