"""The create bodies of ``leanafy-api.md``: items, orders and ARNs.

Each ``read_*`` function returns the body's values, normalised (text trimmed,
addresses in their full shape, units defaulted), and reports every problem to the
:class:`~.validation.FieldErrors` it is given.
"""

from __future__ import annotations

import re
from typing import Any

from .validation import BodyReader, FieldErrors

COUNTRY_CODE = re.compile(r"^[A-Za-z]{2}$")

ITEM_FIELDS = (
    "sku",
    "name",
    "description",
    "uom",
    "base_unit",
    "receiving_unit",
    "receiving_unit_base_conversion",
    "shipping_unit",
    "shipping_unit_base_conversion",
    "scannable",
    "weight",
    "dimensions",
)
WEIGHT_FIELDS = ("value", "unit")
DIMENSION_FIELDS = ("length", "width", "height", "unit")
ADDRESS_TEXT_FIELDS = (
    "name",
    "email",
    "company",
    "address_line1",
    "address_line2",
    "city",
    "state",
    "state_code",
    "country",
    "country_code",
    "zip",
)
ADDRESS_FIELDS = (*ADDRESS_TEXT_FIELDS, "phone_number", "residential")
ADDRESS_REQUIRED = ("city", "zip", "country_code")
PHONE_FIELDS = ("country_code", "number")
CARRIER_FIELDS = ("name", "id", "service", "price")
ORDER_FIELDS = (
    "shipping_address",
    "billing_address",
    "is_billing_same_as_shipping",
    "items",
    "primary_reference_number",
    "instructions",
    "default_shipping_carrier",
    "customer_type",
    "due_date",
    "warehouse_id",
)
ORDER_LINE_FIELDS = ("sku", "total_qty", "unit")
CUSTOMER_TYPES = ("B2C", "B2B")
ARN_FIELDS = (
    "primary_reference_number",
    "po_number",
    "supplier",
    "expected_date",
    "instructions",
    "warehouse_id",
    "items",
)
ARN_LINE_FIELDS = ("sku", "expected_qty", "unit", "unit_cost", "lot_number")
SUPPLIER_FIELDS = ("name", "code")


def read_item(body: Any, errors: FieldErrors, path: str = "") -> dict[str, Any]:
    """The fields of an item create body, with units defaulted to the base unit at 1."""
    reader = BodyReader(body, path, errors, ITEM_FIELDS)
    draft: dict[str, Any] = {
        key: reader.text(key, required=True)
        for key in ("sku", "name", "description", "uom", "base_unit")
    }
    for kind in ("receiving", "shipping"):
        unit, rate = _read_unit(reader, kind, draft["base_unit"])
        draft[f"{kind}_unit"] = unit
        draft[f"{kind}_unit_base_conversion"] = rate
    draft["scannable"] = reader.text("scannable")
    draft["weight"] = read_weight(reader)
    draft["dimensions"] = read_dimensions(reader)
    return draft


def _read_unit(reader: BodyReader, kind: str, base_unit: str | None) -> tuple[str | None, int]:
    unit_key, rate_key = f"{kind}_unit", f"{kind}_unit_base_conversion"
    unit = reader.text(unit_key) or None
    rate = reader.positive_int(rate_key)
    if unit is None:
        if rate not in (None, 1):
            reader.fail(unit_key, f"required when {rate_key} is given")
        return base_unit, 1
    if base_unit and unit.casefold() == base_unit.casefold() and rate not in (None, 1):
        reader.fail(rate_key, "the base unit converts at 1")
    return unit, rate or 1


def read_weight(reader: BodyReader, key: str = "weight") -> dict[str, Any] | None:
    """``{"value", "unit"}`` or None."""
    child = reader.child(key, WEIGHT_FIELDS)
    if child is None:
        return None
    return {
        "value": child.number("value", required=True, positive=True),
        "unit": child.text("unit", required=True),
    }


def read_dimensions(reader: BodyReader, key: str = "dimensions") -> dict[str, Any] | None:
    """``{"length", "width", "height", "unit"}`` or None."""
    child = reader.child(key, DIMENSION_FIELDS)
    if child is None:
        return None
    sizes = {
        side: child.number(side, required=True, positive=True)
        for side in ("length", "width", "height")
    }
    return {**sizes, "unit": child.text("unit", required=True)}


def read_address(reader: BodyReader | None, *, strict: bool = True) -> dict[str, Any] | None:
    """An address in its full shape; ``city``, ``zip`` and ``country_code`` are required."""
    if reader is None:
        return None
    address: dict[str, Any] = {
        key: reader.text(key, required=strict and key in ADDRESS_REQUIRED)
        for key in ADDRESS_TEXT_FIELDS
    }
    code = address["country_code"]
    if code and not COUNTRY_CODE.match(code):
        reader.fail("country_code", "must be a 2-letter country code")
    phone = reader.child("phone_number", PHONE_FIELDS)
    address["phone_number"] = (
        {
            "country_code": phone.text("country_code", required=True),
            "number": phone.text("number", required=True),
        }
        if phone
        else None
    )
    address["residential"] = reader.flag("residential")
    return address


def read_order(body: Any, errors: FieldErrors) -> dict[str, Any]:
    """The fields of an order create body; lines carry their path for later problems."""
    reader = BodyReader(body, "", errors, ORDER_FIELDS)
    carrier = reader.child("default_shipping_carrier", CARRIER_FIELDS)
    return {
        "shipping_address": read_address(
            reader.child("shipping_address", ADDRESS_FIELDS, required=True)
        ),
        "billing_address": read_address(reader.child("billing_address", ADDRESS_FIELDS)),
        "is_billing_same_as_shipping": reader.flag("is_billing_same_as_shipping"),
        "lines": [
            {
                "path": line.path,
                "sku": line.text("sku", required=True),
                "total_qty": line.positive_int("total_qty", required=True),
                "unit": line.text("unit", required=True),
            }
            for line in reader.children("items", ORDER_LINE_FIELDS, required=True)
        ],
        "primary_reference_number": reader.text("primary_reference_number"),
        "instructions": reader.text("instructions"),
        "default_shipping_carrier": (
            {
                "name": carrier.text("name"),
                "id": carrier.text("id"),
                "service": carrier.text("service"),
                "price": carrier.number("price"),
            }
            if carrier
            else None
        ),
        "customer_type": reader.choice("customer_type", CUSTOMER_TYPES),
        "due_date": reader.day("due_date"),
        "warehouse_id": reader.object_id("warehouse_id"),
    }


def read_arn(body: Any, errors: FieldErrors) -> dict[str, Any]:
    """The fields of an ARN create body; lines carry their path for later problems."""
    reader = BodyReader(body, "", errors, ARN_FIELDS)
    supplier = reader.child("supplier", SUPPLIER_FIELDS)
    return {
        "primary_reference_number": reader.text("primary_reference_number"),
        "po_number": reader.text("po_number"),
        "supplier": (
            {"name": supplier.text("name"), "code": supplier.text("code")} if supplier else None
        ),
        "expected_date": reader.day("expected_date"),
        "instructions": reader.text("instructions"),
        "warehouse_id": reader.object_id("warehouse_id"),
        "lines": [
            {
                "path": line.path,
                "sku": line.text("sku", required=True),
                "expected_qty": line.positive_int("expected_qty", required=True),
                "unit": line.text("unit", required=True),
                "unit_cost": line.number("unit_cost"),
                "lot_number": line.text("lot_number") or None,
            }
            for line in reader.children("items", ARN_LINE_FIELDS, required=True)
        ],
    }
