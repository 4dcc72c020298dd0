"""Reading create bodies the way the sandbox's Leanafy does.

Every problem of a body is collected and answered at once as one 422
``validation_error`` whose ``fields`` name each problem by its path
(``items[0].sku``, ``shipping_address.zip``). Fields the contract does not name are
refused as ``unknown field``, so a misspelt field never passes silently.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from .errors import validation_error
from .state import format_timestamp

OBJECT_ID = re.compile(r"^[0-9a-f]{24}$")
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
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


class FieldErrors:
    """The field problems found in one request, answered together as one 422."""

    def __init__(self) -> None:
        self.fields: dict[str, str] = {}

    def add(self, path: str, message: str) -> None:
        """Record a problem; the first one found for a path is kept."""
        self.fields.setdefault(path, message)

    def __bool__(self) -> bool:
        return bool(self.fields)

    def raise_if_any(self) -> None:
        """Raise the 422 listing every problem, if there is one."""
        if self.fields:
            raise validation_error(dict(self.fields))


class BodyReader:
    """Typed reads of one JSON object of a body; each problem goes to a FieldErrors."""

    def __init__(self, data: Any, path: str, errors: FieldErrors, allowed: Iterable[str]) -> None:
        self.path = path
        self.errors = errors
        if not isinstance(data, dict):
            errors.add(path or "body", "must be an object")
            data = {}
        self.data: dict[str, Any] = data
        known = set(allowed)
        for key in data:
            if key not in known:
                errors.add(self.at(key), "unknown field")

    def at(self, key: str) -> str:
        """The path of ``key`` inside this object."""
        return f"{self.path}.{key}" if self.path else key

    def fail(self, key: str, message: str) -> None:
        """Record a problem with ``key``."""
        self.errors.add(self.at(key), message)

    def _present(self, key: str, required: bool) -> Any:
        value = self.data.get(key)
        if value is None and required:
            self.fail(key, "required")
        return value

    def text(self, key: str, *, required: bool = False) -> str | None:
        """A string, trimmed; when required it must not be empty."""
        value = self._present(key, required)
        if value is None:
            return None
        if not isinstance(value, str):
            self.fail(key, "must be a string")
            return None
        value = value.strip()
        if required and not value:
            self.fail(key, "must not be empty")
            return None
        return value

    def positive_int(self, key: str, *, required: bool = False) -> int | None:
        """An integer of at least 1 (``true`` and ``2.0`` are not integers)."""
        return self._integer(key, required, minimum=1, message="must be a positive integer")

    def count(self, key: str, *, required: bool = False) -> int | None:
        """An integer of at least 0."""
        return self._integer(key, required, minimum=0, message="must be an integer >= 0")

    def _integer(self, key: str, required: bool, minimum: int, message: str) -> int | None:
        value = self._present(key, required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.fail(key, message)
            return None
        return value

    def number(self, key: str, *, required: bool = False, positive: bool = False) -> float | None:
        """A number, at least 0 (above 0 when ``positive``)."""
        value = self._present(key, required)
        if value is None:
            return None
        valid = isinstance(value, int | float) and not isinstance(value, bool)
        if not valid or value < 0 or (positive and value == 0):
            self.fail(key, "must be a number > 0" if positive else "must be a number >= 0")
            return None
        return value

    def flag(self, key: str) -> bool | None:
        """``true``, ``false`` or absent."""
        value = self.data.get(key)
        if value is not None and not isinstance(value, bool):
            self.fail(key, "must be true or false")
            return None
        return value

    def day(self, key: str, *, required: bool = False) -> str | None:
        """A date ``YYYY-MM-DD``."""
        value = self.text(key, required=required)
        if value is None:
            return None
        if parse_day(value) is None:
            self.fail(key, "must be a date YYYY-MM-DD")
            return None
        return value

    def timestamp(self, key: str) -> str | None:
        """An RFC 3339 timestamp with an offset, given back in UTC with microseconds."""
        value = self.text(key)
        if value is None:
            return None
        moment = parse_instant(value)
        if moment is None:
            self.fail(key, "must be an RFC 3339 timestamp with a time zone")
            return None
        return format_timestamp(moment)

    def choice(self, key: str, choices: Iterable[str]) -> str | None:
        """One of ``choices``, exactly."""
        value = self.text(key)
        allowed = tuple(choices)
        if value is not None and value not in allowed:
            self.fail(key, f"must be one of {', '.join(allowed)}")
            return None
        return value

    def object_id(self, key: str) -> str | None:
        """A 24-hex id (lower case)."""
        value = self.text(key)
        if value is not None and not OBJECT_ID.match(value):
            self.fail(key, "must be a 24-hex id")
            return None
        return value

    def child(
        self, key: str, allowed: Iterable[str], *, required: bool = False
    ) -> BodyReader | None:
        """The object under ``key``, or None when absent."""
        value = self._present(key, required)
        if value is None:
            return None
        if not isinstance(value, dict):
            self.fail(key, "must be an object")
            return None
        return BodyReader(value, self.at(key), self.errors, allowed)

    def children(
        self, key: str, allowed: Iterable[str], *, required: bool = False
    ) -> list[BodyReader]:
        """The objects of the list under ``key``; when required the list must not be empty."""
        value = self._present(key, required)
        if value is None:
            return []
        if not isinstance(value, list) or (required and not value):
            self.fail(key, "must be a non-empty list" if required else "must be a list")
            return []
        return [
            BodyReader(entry, f"{self.at(key)}[{index}]", self.errors, allowed)
            for index, entry in enumerate(value)
        ]


def parse_day(text: str) -> date | None:
    """``YYYY-MM-DD`` as a date, or None."""
    if not DAY.match(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def parse_instant(text: str) -> datetime | None:
    """An RFC 3339 timestamp with ``Z`` or an offset, or a bare date (midnight UTC)."""
    day = parse_day(text)
    if day is not None:
        return datetime(day.year, day.month, day.day, tzinfo=UTC)
    if "T" not in text and " " not in text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


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
