"""techOMS records <-> Leanafy payloads, one table per kind of record.

Read each table as "techOMS attribute, Leanafy field, how the value changes on
the way". Outbound tables build create bodies (items, orders, ARNs); inbound
tables read Leanafy objects into techOMS records (products, shipment and
receipt updates). Leanafy's names come from :mod:`plugins.leanafy.contract`.

Quantities: techOMS keeps base units. Outbound lines say so explicitly
(``unit`` = the item's ``base_unit``); inbound lines are converted with the
line's ``base_conversion_rate`` (see :mod:`plugins.leanafy.quantities`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from plugins.leanafy import contract as wire
from plugins.leanafy.quantities import base_quantity, base_unit_cost, shipped_base_quantity
from techoms_core.mapper import Child, Computed, Derived, Field, MapOptions, Mapper
from techoms_core.models import (
    Dimensions,
    Package,
    Product,
    ProductUnit,
    ReceiptUpdate,
    ReceivedLine,
    ShipmentUpdate,
    ShippedLine,
    UnitRole,
    Weight,
)

# -- value conversions ---------------------------------------------------------


def number(value: Decimal) -> int | float:
    """A Decimal as a JSON number (whole numbers stay integers); ``ValueError``
    for NaN and Infinity, which JSON cannot carry."""
    if not value.is_finite():
        raise ValueError(f"{value} is not a finite number")
    return int(value) if value == value.to_integral_value() else float(value)


def iso_date(value: dt.date) -> str:
    return value.isoformat()


def text(value: Any) -> str:
    return str(value)


def phone_number(address: Any, options: MapOptions) -> dict[str, str] | None:
    """The phone as Leanafy's ``{country_code, number}``, both required.

    techOMS keeps one phone string; it goes as ``number`` as the customer wrote
    it, and ``country_code`` is the address's ISO country code.
    """
    if not address.phone:
        return None
    return {
        wire.PhoneNumber.COUNTRY_CODE: address.country_code,
        wire.PhoneNumber.NUMBER: address.phone,
    }


def _unit_of(role: UnitRole, attr: str):
    def out(product: Product, options: MapOptions) -> Any:
        unit = next((u for u in product.units if u.role is role), None)
        return getattr(unit, attr) if unit else None

    return out


def _units_of_item(item: Mapping[str, Any], options: MapOptions) -> tuple[ProductUnit, ...]:
    pairs = (
        (UnitRole.RECEIVING, wire.Item.RECEIVING_UNIT, wire.Item.RECEIVING_UNIT_BASE_CONVERSION),
        (UnitRole.SHIPPING, wire.Item.SHIPPING_UNIT, wire.Item.SHIPPING_UNIT_BASE_CONVERSION),
    )
    return tuple(
        ProductUnit(role=role, name=item[name], base_quantity=item[conversion])
        for role, name, conversion in pairs
        if item.get(name) and item.get(conversion) is not None
    )


# -- products <-> items ----------------------------------------------------------

WEIGHT = Mapper(
    Weight,
    Field("value", wire.Measure.VALUE, out=number),
    Field("unit", wire.Measure.UNIT),
)

DIMENSIONS = Mapper(
    Dimensions,
    Field("length", wire.Measure.LENGTH, out=number),
    Field("width", wire.Measure.WIDTH, out=number),
    Field("height", wire.Measure.HEIGHT, out=number),
    Field("unit", wire.Measure.UNIT),
)

ITEM = Mapper(
    Product,
    Field("sku", wire.Item.SKU),
    Field("name", wire.Item.NAME),
    Field("description", wire.Item.DESCRIPTION),
    Field("uom", wire.Item.UOM),
    Computed(
        "base_unit",
        wire.Item.BASE_UNIT,
        out=lambda p, o: p.base_unit or p.uom,
        into=lambda item, o: item.get(wire.Item.BASE_UNIT),
    ),
    Field("barcode", wire.Item.SCANNABLE),
    Child("weight", wire.Item.WEIGHT, WEIGHT, many=False),
    Child("dimensions", wire.Item.DIMENSIONS, DIMENSIONS, many=False),
    Computed("units", wire.Item.RECEIVING_UNIT, out=_unit_of(UnitRole.RECEIVING, "name")),
    Computed(
        "units",
        wire.Item.RECEIVING_UNIT_BASE_CONVERSION,
        out=_unit_of(UnitRole.RECEIVING, "base_quantity"),
    ),
    Computed("units", wire.Item.SHIPPING_UNIT, out=_unit_of(UnitRole.SHIPPING, "name")),
    Computed(
        "units",
        wire.Item.SHIPPING_UNIT_BASE_CONVERSION,
        out=_unit_of(UnitRole.SHIPPING, "base_quantity"),
    ),
    # Inbound, the four unit fields become Product.units.
    Computed("units", wire.Item.RECEIVING_UNIT, into=_units_of_item),
)

# -- shipments -> orders -----------------------------------------------------------

SHIPPING_ADDRESS = Mapper(
    None,
    Field("name", wire.Address.NAME, pii=True),
    Field("company", wire.Address.COMPANY, pii=True),
    Field("email", wire.Address.EMAIL, pii=True),
    Computed("phone", wire.Address.PHONE_NUMBER, out=phone_number, pii=True),
    Field("address1", wire.Address.ADDRESS_LINE1, pii=True),
    Field("address2", wire.Address.ADDRESS_LINE2, pii=True),
    Field("city", wire.Address.CITY),
    Field("state", wire.Address.STATE),
    Field("state_code", wire.Address.STATE_CODE),
    Field("postal_code", wire.Address.ZIP),
    Field("country", wire.Address.COUNTRY),
    Field("country_code", wire.Address.COUNTRY_CODE),
    Field("residential", wire.Address.RESIDENTIAL),
)


def _base_unit_of_line(line: Any, options: MapOptions) -> str | None:
    return options.base_units.get(line.sku.strip().casefold()) if options.base_units else None


ORDER_LINE = Mapper(
    None,
    Field("sku", wire.OrderItem.SKU),
    Field("quantity", wire.OrderItem.TOTAL_QTY),
    Computed("sku", wire.OrderItem.UNIT, out=_base_unit_of_line),
)


def _carrier(shipment: Any, options: MapOptions) -> dict[str, str] | None:
    carrier = options.carrier
    if carrier is None or not (carrier.carrier or carrier.service):
        return None
    body = {wire.Carrier.NAME: carrier.carrier, wire.Carrier.SERVICE: carrier.service}
    return {key: value for key, value in body.items() if value}


ORDER = Mapper(
    None,
    Field("number", wire.Order.PRIMARY_REFERENCE_NUMBER),
    Computed("warehouse", wire.Order.WAREHOUSE_ID, out=lambda s, o: o.warehouse_id),
    Field("order_type", wire.Order.CUSTOMER_TYPE, out=text),
    Child("ship_to", wire.Order.SHIPPING_ADDRESS, SHIPPING_ADDRESS, many=False),
    Computed("ship_to", wire.Order.IS_BILLING_SAME_AS_SHIPPING, out=lambda s, o: True),
    Child("lines", wire.Order.ITEMS, ORDER_LINE),
    Computed("carrier", wire.Order.DEFAULT_SHIPPING_CARRIER, out=_carrier),
    Field("due_date", wire.Order.DUE_DATE, out=iso_date),
    Field("instructions", wire.Order.INSTRUCTIONS),
)

# -- receipts -> ARNs --------------------------------------------------------------

SUPPLIER = Mapper(
    None,
    Field("name", wire.Supplier.NAME),
    Field("code", wire.Supplier.CODE),
)

ARN_LINE = Mapper(
    None,
    Field("sku", wire.ArnItem.SKU),
    Field("quantity", wire.ArnItem.EXPECTED_QTY),
    Computed("sku", wire.ArnItem.UNIT, out=_base_unit_of_line),
    Field("unit_cost", wire.ArnItem.UNIT_COST, out=number),
    Field("lot_number", wire.ArnItem.LOT_NUMBER),
)

ARN = Mapper(
    None,
    Field("number", wire.Arn.PRIMARY_REFERENCE_NUMBER),
    Field("po_number", wire.Arn.PO_NUMBER),
    Computed("warehouse", wire.Arn.WAREHOUSE_ID, out=lambda r, o: o.warehouse_id),
    Child("supplier", wire.Arn.SUPPLIER, SUPPLIER, many=False),
    Field("expected_date", wire.Arn.EXPECTED_DATE, out=iso_date),
    Field("instructions", wire.Arn.INSTRUCTIONS),
    Child("lines", wire.Arn.ITEMS, ARN_LINE),
)

# -- orders -> shipment updates ----------------------------------------------------


def _carrier_in(attr: str):
    def into(shipment: Mapping[str, Any], options: MapOptions) -> str | None:
        carrier = shipment.get(wire.OrderShipment.CARRIER)
        service = shipment.get(wire.OrderShipment.SERVICE)
        if options.carriers is None:
            return carrier if attr == "carrier" else service
        translation = options.carriers.inbound(carrier, service)
        if translation.warning and attr == "carrier":
            options.note(translation.warning)
        return getattr(translation, attr)

    return into


def _money(attr: str):
    def into(cost: Mapping[str, Any]) -> Any:
        return cost.get(attr) if isinstance(cost, Mapping) else None

    return into


PACKAGE = Mapper(
    Package,
    Field("tracking_number", wire.OrderShipment.TRACKING_NUMBER),
    Computed("carrier", wire.OrderShipment.CARRIER, into=_carrier_in("carrier")),
    Computed("service", wire.OrderShipment.SERVICE, into=_carrier_in("service")),
    Field("cost", wire.OrderShipment.COST, into=_money(wire.Money.VALUE)),
    Field("currency", wire.OrderShipment.COST, into=_money(wire.Money.CURRENCY)),
    Child("weight", wire.OrderShipment.WEIGHT, WEIGHT, many=False),
    Field("shipped_at", wire.OrderShipment.SHIPPED_AT),
)

SHIPPED_LINE = Mapper(
    ShippedLine,
    Field("sku", wire.OrderItem.SKU),
    Computed(
        "ordered_quantity",
        wire.OrderItem.TOTAL_QTY,
        into=lambda i, o: base_quantity(
            i, wire.OrderItem.TOTAL_QTY, wire.OrderItem.BASE_CONVERSION_RATE
        ),
    ),
    Computed(
        "shipped_quantity", wire.OrderItem.SHIPPED_QTY, into=lambda i, o: shipped_base_quantity(i)
    ),
)


def _lines_decide_outcome(order: Mapping[str, Any]) -> bool:
    """A shipped order with lines is short-shipped or not by its lines."""
    return order.get(wire.Order.STATUS) != wire.OrderStatus.CANCELLED and bool(
        order.get(wire.Order.ITEMS)
    )


def _lines_follow_packages(order: Mapping[str, Any]) -> bool:
    return not _lines_decide_outcome(order)


def _outcome(values: dict[str, Any], order: Mapping[str, Any], options: MapOptions) -> str:
    """Cancelled, or shipped; a shipped order with a short line is short-shipped."""
    if order.get(wire.Order.STATUS) == wire.OrderStatus.CANCELLED:
        return "cancelled"
    lines = values.get("lines", ())
    return "short_shipped" if any(line.short_by for line in lines) else "shipped"


SHIPMENT_UPDATE = Mapper(
    ShipmentUpdate,
    Field("shipment_number", wire.Order.PRIMARY_REFERENCE_NUMBER),
    # The lines of a shipped order decide its outcome, so they are read (once)
    # before it and before the packages; a cancelled order's after the packages.
    # Either way a bad value is reported where it always was.
    Child("lines", wire.Order.ITEMS, SHIPPED_LINE, when=_lines_decide_outcome),
    Derived("outcome", wire.Order.STATUS, into=_outcome),
    Field("remote_id", wire.Order.ID),
    Child("packages", wire.Order.SHIPMENTS, PACKAGE),
    Child("lines", wire.Order.ITEMS, SHIPPED_LINE, when=_lines_follow_packages),
    Field("shipped_at", wire.Order.SHIPPED_AT),
    Field("cancelled_reason", wire.Order.CANCELLED_REASON),
    Field("version", wire.Order.UPDATED_AT),
)

# -- ARNs -> receipt updates -------------------------------------------------------

RECEIVED_LINE = Mapper(
    ReceivedLine,
    Field("sku", wire.ArnItem.SKU),
    Computed(
        "received_quantity",
        wire.ArnItem.RECEIVED_QTY,
        into=lambda i, o: base_quantity(
            i, wire.ArnItem.RECEIVED_QTY, wire.ArnItem.BASE_CONVERSION_RATE, missing=0
        ),
    ),
    Computed(
        "expected_quantity",
        wire.ArnItem.EXPECTED_QTY,
        into=lambda i, o: base_quantity(
            i, wire.ArnItem.EXPECTED_QTY, wire.ArnItem.BASE_CONVERSION_RATE
        ),
    ),
    Field("lot_number", wire.ArnItem.LOT_NUMBER),
    Computed("unit_cost", wire.ArnItem.UNIT_COST, into=lambda i, o: base_unit_cost(i)),
    Field("expiry_date", wire.ArnItem.EXPIRY_DATE),
)

RECEIPT_UPDATE = Mapper(
    ReceiptUpdate,
    Field("receipt_number", wire.Arn.PRIMARY_REFERENCE_NUMBER),
    Field("remote_id", wire.Arn.ID),
    Child("lines", wire.Arn.ITEMS, RECEIVED_LINE),
    Field("received_at", wire.Arn.CLOSED_AT),
    Field("version", wire.Arn.UPDATED_AT),
)
