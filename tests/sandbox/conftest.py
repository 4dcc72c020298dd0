"""Fixtures for the sandbox's contract tests: the shared sandbox fixtures, plus
valid create bodies to vary."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from plugins.leanafy.sandbox.testing import (  # noqa: F401
    sandbox,
    sandbox_demo,
    sandbox_http,
    sandbox_server,
)

Body = dict[str, Any]


@pytest.fixture
def item_body() -> Callable[..., Body]:
    """A valid ``POST /v1/item`` body; keyword arguments override fields."""

    def build(sku: str = "WIDGET-1", **fields: Any) -> Body:
        return {
            "sku": sku,
            "name": f"Widget {sku}",
            "description": "A widget",
            "uom": "EA",
            "base_unit": "EA",
            **fields,
        }

    return build


@pytest.fixture
def order_body() -> Callable[..., Body]:
    """A valid ``POST /v1/order`` body for the demo catalogue; keywords override."""

    def build(reference: str = "SHP-1001", **fields: Any) -> Body:
        return {
            "shipping_address": {
                "name": "Ada Lovelace",
                "email": "ada@example.com",
                "company": "Analytical Engines",
                "address_line1": "1 Main Street",
                "address_line2": "Suite 2",
                "city": "Reno",
                "state": "Nevada",
                "state_code": "NV",
                "country": "United States",
                "country_code": "US",
                "zip": "89501",
                "phone_number": {"country_code": "1", "number": "7755550100"},
                "residential": True,
            },
            "is_billing_same_as_shipping": True,
            "items": [
                {"sku": "TEE-BLK-M", "total_qty": 2, "unit": "EA"},
                {"sku": "CANDLE-LAV", "total_qty": 1, "unit": "PACK"},
            ],
            "primary_reference_number": reference,
            "instructions": "Leave at the door",
            "default_shipping_carrier": {
                "name": "UPS",
                "id": "ups",
                "service": "Ground",
                "price": 9.95,
            },
            "customer_type": "B2C",
            "due_date": "2025-06-30",
            **fields,
        }

    return build


@pytest.fixture
def arn_body() -> Callable[..., Body]:
    """A valid ``POST /v1/arn`` body for the demo catalogue; keywords override."""

    def build(reference: str = "RCV-2001", **fields: Any) -> Body:
        return {
            "primary_reference_number": reference,
            "po_number": "PO-77",
            "supplier": {"name": "Mugs Inc", "code": "MUGS"},
            "expected_date": "2025-07-01",
            "instructions": "Dock 3",
            "items": [
                {
                    "sku": "MUG-WHT-12OZ",
                    "expected_qty": 2,
                    "unit": "CASE",
                    "unit_cost": 3.5,
                    "lot_number": "LOT-A",
                },
                {"sku": "TEE-BLK-M", "expected_qty": 10, "unit": "EA", "unit_cost": 4.0},
            ],
            **fields,
        }

    return build
