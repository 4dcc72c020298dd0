"""The techOMS conformance suite, run for the Leanafy plugin against the sandbox.

Every check of :mod:`techoms_core.testing.conformance` applies to Leanafy; the
only code here is what the suite asks of a WMS double, answered with the
sandbox's own means: its Python API for warehouse-floor work (shipping
orders, closing ARNs, stock), its create counters for idempotency, and its
HTTP API for creating the orders and ARNs the warehouse then works on. The
cassettes of ``test_cassettes.py`` are searched for the credentials they were
recorded with.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import requests

from plugins.leanafy import hooks
from plugins.leanafy.sandbox.counters import CREATE_KINDS
from plugins.leanafy.sandbox.server import SandboxServer
from techoms_core.models import Product
from techoms_core.options import SyncOption
from techoms_core.testing import ChannelConformance
from techoms_core.testing.samples import new_tag
from tests.leanafy.test_cassettes import API_KEY as CASSETTE_API_KEY
from tests.leanafy.test_cassettes import API_SECRET as CASSETTE_API_SECRET
from tests.leanafy.vcr_config import CASSETTES

#: Distinctive credentials, so that the leak checks can find any escape.
API_KEY = "conformance-leanafy-key-7c21d9"
API_SECRET = "conformance-leanafy-secret-4a8e0f"
#: Demo-seed SKUs stocked in the main warehouse, sold and received by the each.
KNOWN_SKUS = ("TEE-BLK-M", "TEE-BLK-L")


class LeanafySandbox:
    """The Leanafy sandbox (demo seed) on a free loopback port, for one test."""

    def __init__(self) -> None:
        self.server = SandboxServer(api_key=API_KEY, api_secret=API_SECRET, seed="demo")

    def __enter__(self) -> LeanafySandbox:
        self.server.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.server.stop()

    @property
    def warehouse_id(self) -> str:
        return self.server.warehouse_ids[0]

    def channel_settings(self) -> dict[str, Any]:
        return {
            "api_url": self.server.url,
            "api_key": API_KEY,
            "api_secret": API_SECRET,
            "warehouse_id": self.warehouse_id,
            "throughput": "high",
        }

    def created_count(self) -> int:
        """Items, orders and ARNs stored by creates, all kinds together."""
        creates = self.server.counters.snapshot()["creates"]
        return sum(entry["stored"] for kind in CREATE_KINDS for entry in creates[kind].values())

    def known_skus(self) -> tuple[str, ...]:
        return KNOWN_SKUS

    def make_receivable(self, option: str, count: int) -> list[str]:
        tag = new_tag()
        keys = [f"CONF-{tag}-{n}" for n in range(1, count + 1)]
        make = {
            "receive-shipments": self._shipped_order,
            "receive-receipts": self._closed_arn,
            "import-products": self._new_item,
            "receive-inventory": self._stocked_item,
        }[option]
        for key in keys:
            make(key)
        return keys

    def _create(self, path: str, body: dict[str, Any]) -> str:
        response = requests.post(
            f"{self.server.base_url}/{path}", json=body, headers=self.server.headers, timeout=5
        )
        response.raise_for_status()
        return response.json()["payload"]["_id"]

    def _shipped_order(self, key: str) -> None:
        order_id = self._create(
            "order",
            {
                "primary_reference_number": key,
                "warehouse_id": self.warehouse_id,
                "shipping_address": {"city": "Reno", "zip": "89501", "country_code": "US"},
                "items": [{"sku": KNOWN_SKUS[0], "total_qty": 1, "unit": "EA"}],
            },
        )
        self.server.warehouse.ship(order_id)

    def _closed_arn(self, key: str) -> None:
        arn_id = self._create(
            "arn",
            {
                "primary_reference_number": key,
                "po_number": f"PO-{key}",
                "warehouse_id": self.warehouse_id,
                "items": [{"sku": KNOWN_SKUS[1], "expected_qty": 2, "unit": "EA"}],
            },
        )
        self.server.warehouse.close_arn(arn_id)

    def _new_item(self, sku: str) -> None:
        item = {"sku": sku, "name": sku, "description": f"About {sku}", "uom": "EA"}
        self.server.warehouse.create_items([{**item, "base_unit": "EA"}])

    def _stocked_item(self, sku: str) -> None:
        self._new_item(sku)
        self.server.warehouse.set_inventory(sku, 7, warehouse_id=self.warehouse_id)


class TestLeanafyConformance(ChannelConformance):
    plugin = hooks
    wms_double = LeanafySandbox

    def cassette_dir(self) -> Path:
        return CASSETTES

    def extra_secrets(self) -> tuple[str, ...]:
        """The credentials the cassettes were recorded with."""
        return (CASSETTE_API_KEY, CASSETTE_API_SECRET)

    def refused_record(self, option: SyncOption, wms: LeanafySandbox) -> Any:
        """A product without the description Leanafy requires; for orders and
        ARNs, the suite's own (a line with a SKU Leanafy does not know)."""
        if option.key == "export-products":
            return Product(sku=f"NO-DESC-{new_tag()}", name="No description", uom="EA")
        return super().refused_record(option, wms)
