"""Records to and from the documents the store keeps (the load format, spec §9).

Decimals travel as strings so that no amount is rounded through a float;
dates as ``YYYY-MM-DD``.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from techoms_core.models import (
    Address,
    Dimensions,
    Product,
    ProductUnit,
    Receipt,
    ReceiptLine,
    Shipment,
    ShipmentLine,
    Supplier,
    Weight,
)
from techoms_core.secrets import Secret


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Secret):
        # Channel settings are stored as the user gave them (spec: a literal
        # secret is stored as given); only display paths mask it.
        return value.reveal()
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


def product_from(document: dict[str, Any]) -> Product:
    weight = document.get("weight")
    dims = document.get("dimensions")
    return Product(
        sku=document["sku"],
        name=document["name"],
        uom=document["uom"],
        description=document.get("description"),
        barcode=document.get("barcode"),
        weight=Weight(**weight) if weight else None,
        dimensions=Dimensions(**dims) if dims else None,
        base_unit=document.get("base_unit"),
        units=tuple(ProductUnit(**unit) for unit in document.get("units") or ()),
    )


def address_document(address: Address) -> dict[str, Any]:
    names = (
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
    return {name: getattr(address, name) for name in names}


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


def shipment_from(document: dict[str, Any], lines: list[dict[str, Any]]) -> Shipment:
    return Shipment(
        number=document["number"],
        order_number=document["order_number"],
        warehouse=document["warehouse"],
        ship_to=Address(**document["ship_to"]),
        lines=tuple(
            ShipmentLine(
                line_number=line["line_number"],
                sku=line["sku"],
                quantity=line["quantity"],
                references=line.get("references") or {},
            )
            for line in lines
        ),
        order_type=document["order_type"],
        carrier=document.get("carrier"),
        service=document.get("service"),
        references=document.get("references") or {},
        due_date=document.get("due_date"),
        instructions=document.get("instructions"),
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


def receipt_from(document: dict[str, Any], lines: list[dict[str, Any]]) -> Receipt:
    return Receipt(
        number=document["number"],
        po_number=document["po_number"],
        warehouse=document["warehouse"],
        lines=tuple(
            ReceiptLine(
                line_number=line["line_number"],
                sku=line["sku"],
                quantity=line["quantity"],
                unit_cost=line.get("unit_cost"),
                lot_number=line.get("lot_number"),
            )
            for line in lines
        ),
        supplier=Supplier(**(document.get("supplier") or {})),
        expected_date=document.get("expected_date"),
        references=document.get("references") or {},
        instructions=document.get("instructions"),
    )
