"""Records to and from the documents the store keeps (the load format, spec §9).

Decimals travel as strings so that no amount is rounded through a float;
dates as ``YYYY-MM-DD``. Records are rebuilt from what the store wrote without
being converted and validated again (:func:`_stored`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, TypeVar

from techoms_core.models import (
    Address,
    Dimensions,
    OrderType,
    Product,
    ProductUnit,
    Receipt,
    ReceiptLine,
    Shipment,
    ShipmentLine,
    Supplier,
    UnitRole,
    Weight,
)
from techoms_core.secrets import Secret

_Record = TypeVar("_Record")


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Secret):
        # Secrets are encrypted before they reach a document (store.sealing);
        # one arriving here would be written in plain text.
        raise TypeError("a secret must be sealed before it is stored")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"cannot store a {type(value).__name__}")


def dumps(document: Any) -> str:
    """JSON text for a document (Decimals as strings, dates ISO)."""
    return json.dumps(document, default=_default, sort_keys=True)


def loads(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def text(value: Decimal | None) -> str | None:
    """A decimal as the store's JSON shows it."""
    return None if value is None else str(value)


def _date(value: Any) -> str | None:
    return None if value is None else value.isoformat()


def product_document(product: Product) -> dict[str, Any]:
    weight = product.weight
    dims = product.dimensions
    return {
        "sku": product.sku,
        "name": product.name,
        "description": product.description,
        "uom": product.uom,
        "barcode": product.barcode,
        "weight": None if weight is None else {"value": text(weight.value), "unit": weight.unit},
        "dimensions": None
        if dims is None
        else {
            "length": text(dims.length),
            "width": text(dims.width),
            "height": text(dims.height),
            "unit": dims.unit,
        },
        "base_unit": product.base_unit,
        "units": [
            {"role": unit.role.value, "name": unit.name, "base_quantity": unit.base_quantity}
            for unit in product.units
        ],
    }


def product_from(document: dict[str, Any], lines: Sequence[tuple] = ()) -> Product:
    """The product a stored document was written from (see :func:`_stored`);
    products have no line rows."""
    weight = document["weight"]
    dims = document["dimensions"]
    return _stored(
        Product,
        {
            "sku": document["sku"],
            "name": document["name"],
            "uom": document["uom"],
            "description": document["description"],
            "barcode": document["barcode"],
            "weight": None if weight is None else _weight(weight),
            "dimensions": None if dims is None else _dimensions(dims),
            "base_unit": document["base_unit"],
            "units": tuple(_unit(unit) for unit in document["units"]),
        },
    )


def _weight(document: dict[str, Any]) -> Weight:
    return _stored(Weight, {"value": Decimal(document["value"]), "unit": document["unit"]})


def _dimensions(document: dict[str, Any]) -> Dimensions:
    return _stored(
        Dimensions,
        {
            "length": Decimal(document["length"]),
            "width": Decimal(document["width"]),
            "height": Decimal(document["height"]),
            "unit": document["unit"],
        },
    )


def _unit(document: dict[str, Any]) -> ProductUnit:
    return _stored(
        ProductUnit,
        {
            "role": UnitRole(document["role"]),
            "name": document["name"],
            "base_quantity": document["base_quantity"],
        },
    )


_ADDRESS_FIELDS = (
    "name",
    "company",
    "address1",
    "address2",
    "city",
    "state",
    "state_code",
    "postal_code",
    "country",
    "country_code",
    "phone",
    "email",
    "residential",
)


def address_document(address: Address) -> dict[str, Any]:
    return {name: getattr(address, name) for name in _ADDRESS_FIELDS}


def shipment_document(shipment: Shipment) -> dict[str, Any]:
    """Everything of a shipment but its lines (they have their own rows)."""
    return {
        "number": shipment.number,
        "order_number": shipment.order_number,
        "warehouse": shipment.warehouse,
        "order_type": shipment.order_type.value,
        "carrier": shipment.carrier,
        "service": shipment.service,
        "ship_to": address_document(shipment.ship_to),
        "references": dict(shipment.references),
        "due_date": _date(shipment.due_date),
        "instructions": shipment.instructions,
    }


def shipment_from(document: dict[str, Any], lines: Sequence[tuple]) -> Shipment:
    """The shipment a stored document and its line rows (line_number, sku,
    quantity, references as JSON text; in line order) were written from."""
    return _stored(
        Shipment,
        {
            "number": document["number"],
            "order_number": document["order_number"],
            "warehouse": document["warehouse"],
            "ship_to": _address(document["ship_to"]),
            "lines": tuple(
                _stored(
                    ShipmentLine,
                    {
                        "line_number": number,
                        "sku": sku,
                        "quantity": quantity,
                        "references": _references(references),
                    },
                )
                for number, sku, quantity, references in lines
            ),
            "order_type": OrderType(document["order_type"]),
            "carrier": document["carrier"],
            "service": document["service"],
            "references": document["references"],
            "due_date": _from_date(document["due_date"]),
            "instructions": document["instructions"],
        },
    )


def receipt_document(receipt: Receipt) -> dict[str, Any]:
    """Everything of a receipt but its lines."""
    return {
        "number": receipt.number,
        "po_number": receipt.po_number,
        "warehouse": receipt.warehouse,
        "supplier": {"code": receipt.supplier.code, "name": receipt.supplier.name},
        "expected_date": _date(receipt.expected_date),
        "references": dict(receipt.references),
        "instructions": receipt.instructions,
    }


def receipt_from(document: dict[str, Any], lines: Sequence[tuple]) -> Receipt:
    """The receipt a stored document and its line rows (line_number, sku,
    quantity, unit_cost, lot_number; in line order) were written from."""
    supplier = document["supplier"]
    return _stored(
        Receipt,
        {
            "number": document["number"],
            "po_number": document["po_number"],
            "warehouse": document["warehouse"],
            "lines": tuple(
                _stored(
                    ReceiptLine,
                    {
                        "line_number": number,
                        "sku": sku,
                        "quantity": quantity,
                        "unit_cost": unit_cost,
                        "lot_number": lot_number,
                    },
                )
                for number, sku, quantity, unit_cost, lot_number in lines
            ),
            "supplier": _stored(Supplier, {"code": supplier["code"], "name": supplier["name"]}),
            "expected_date": _from_date(document["expected_date"]),
            "references": document["references"],
            "instructions": document["instructions"],
        },
    )


def _address(document: dict[str, Any]) -> Address:
    return _stored(Address, {name: document[name] for name in _ADDRESS_FIELDS})


def _from_date(value: str | None) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(value)


def _references(text: str) -> dict[str, str]:
    # Most lines have none; skip the JSON parser for them.
    return {} if text == "{}" else json.loads(text)


_new = object.__new__
_set = object.__setattr__


def _stored(cls: type[_Record], values: dict[str, Any]) -> _Record:
    """A record of ``cls`` with ``values`` as they are, without its converters
    and validators.

    Only for what the store wrote itself: every document and line row was
    written from a record that had passed them (:mod:`techoms_core.store.records`),
    and converting and validating it again on every send was a large part of
    reading a batch. ``values`` names every field (a field left out would be
    missing, not defaulted); tests/host/test_store_send_reads.py reads every
    field of every record kind back and checks it against the loaded record.
    """
    record = _new(cls)
    for name, value in values.items():
        _set(record, name, value)
    return record
