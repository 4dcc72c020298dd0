"""The naive integration the benchmark compares the Leanafy channel against.

What a quick script would do: for each record, build the create body by hand
and ``requests.post`` it, one after the other, a new connection each time (no
session), no lookups before creating (so a retried run would duplicate), no
concurrency. The only courtesy it has is waiting out a 429's ``Retry-After``,
since without it the sandbox's rate limit would make it drop records and the
comparison would be meaningless.

It reads the same records from the same techOMS store as the real run (not
timed) and sends them to the same sandbox, with the same latency and rate
limit; nothing is written back to the store.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from typing import Any

import requests
from attrs import define

from techoms_core.models import Receipt, Shipment


@define
class NaiveOutcome:
    """What the naive loop did: records created, POSTs made, 429s waited out."""

    created: int = 0
    failed: int = 0
    posts: int = 0
    rate_limited: int = 0


def order_body(shipment: Shipment, warehouse_id: str) -> dict[str, Any]:
    """A Leanafy order body, written the way a hurried integrator would."""
    address = shipment.ship_to
    return {
        "primary_reference_number": shipment.number,
        "warehouse_id": warehouse_id,
        "customer_type": str(shipment.order_type),
        "instructions": shipment.instructions,
        "shipping_address": {
            "name": address.name,
            "company": address.company,
            "email": address.email,
            "address_line1": address.address1,
            "address_line2": address.address2,
            "city": address.city,
            "state": address.state,
            "state_code": address.state_code,
            "country": address.country,
            "country_code": address.country_code,
            "zip": address.postal_code,
            "residential": address.residential,
        },
        "is_billing_same_as_shipping": True,
        "default_shipping_carrier": {"name": shipment.carrier, "service": shipment.service},
        "items": [{"sku": ln.sku, "total_qty": ln.quantity, "unit": "EA"} for ln in shipment.lines],
    }


def arn_body(receipt: Receipt, warehouse_id: str) -> dict[str, Any]:
    """A Leanafy ARN body, written the same way."""
    return {
        "primary_reference_number": receipt.number,
        "po_number": receipt.po_number,
        "warehouse_id": warehouse_id,
        "expected_date": receipt.expected_date.isoformat() if receipt.expected_date else None,
        "supplier": {"code": receipt.supplier.code, "name": receipt.supplier.name}
        if receipt.supplier
        else None,
        "items": [
            {
                "sku": ln.sku,
                "expected_qty": ln.quantity,
                "unit": "EA",
                "unit_cost": float(ln.unit_cost) if ln.unit_cost is not None else None,
                "lot_number": ln.lot_number,
            }
            for ln in receipt.lines
        ],
    }


def post_each(url: str, headers: dict[str, str], bodies: Iterable[dict[str, Any]]) -> NaiveOutcome:
    """POST every body to ``url``, one at a time, waiting out 429s."""
    outcome = NaiveOutcome()
    for body in bodies:
        while True:
            outcome.posts += 1
            response = requests.post(url, json=body, headers=headers, timeout=30)
            if response.status_code != 429:
                break
            outcome.rate_limited += 1
            time.sleep(float(response.headers.get("Retry-After") or 1))
        if response.status_code == 201:
            outcome.created += 1
        else:
            outcome.failed += 1
    return outcome


def send_shipments(
    api_url: str, headers: dict[str, str], warehouse_id: str, shipments: Sequence[Shipment]
) -> NaiveOutcome:
    """The naive "send shipments": one ``POST /v1/order`` per shipment."""
    bodies = (order_body(shipment, warehouse_id) for shipment in shipments)
    return post_each(f"{api_url}/v1/order", headers, bodies)


def send_receipts(
    api_url: str, headers: dict[str, str], warehouse_id: str, receipts: Sequence[Receipt]
) -> NaiveOutcome:
    """The naive "send receipts": one ``POST /v1/arn`` per receipt."""
    bodies = (arn_body(receipt, warehouse_id) for receipt in receipts)
    return post_each(f"{api_url}/v1/arn", headers, bodies)
