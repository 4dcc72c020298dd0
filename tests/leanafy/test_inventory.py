"""Receive inventory: one level per SKU for the channel's warehouse, summed over lots."""

from __future__ import annotations

import pytest

from plugins.leanafy.inventory import WarehouseUnknown
from techoms_core.mappings import Mappings, SkuMap
from techoms_core.models import InventoryLevel

from .samples import shipment


def levels(pages) -> dict[str, InventoryLevel]:
    found = [level for page in pages for level in page.records]
    by_sku = {level.sku: level for level in found}
    assert len(by_sku) == len(found), "each SKU once in the whole snapshot"
    return by_sku


def test_summed_over_lots_for_the_channels_warehouse_only(plugin, sandbox_demo, open_channel):
    main = levels(plugin.receive_inventory(open_channel()))
    assert main["CANDLE-LAV"] == InventoryLevel(
        sku="CANDLE-LAV", on_hand=156, allocated=0, available=156
    )
    assert main["TEE-BLK-M"].on_hand == 120  # not the East warehouse's 40
    assert main["CAP-NVY"].on_hand == 0
    assert "SOAP-OAT" not in main and "BOTTLE-STEEL" not in main

    east_id = sandbox_demo.warehouse_ids[1]
    east = levels(plugin.receive_inventory(open_channel(warehouse_id=east_id)))
    assert east["TEE-BLK-M"].on_hand == 40
    assert east["SOAP-OAT"].on_hand == 240


def test_allocations_count(plugin, sandbox_demo, open_channel):
    context = open_channel()
    (result,) = plugin.send_shipments(context, [shipment("SH-1", ("CANDLE-LAV", 100))])
    sandbox_demo.warehouse.allocate(result.remote_id)
    candle = levels(plugin.receive_inventory(context))["CANDLE-LAV"]
    assert (candle.on_hand, candle.allocated, candle.available) == (156, 100, 56)


def test_each_sku_once_across_many_pages(plugin, sandbox, open_channel):
    sandbox.warehouse.generate_items(700, sku_prefix="INV-")
    main, east = sandbox.warehouse_ids
    rows = [
        {"sku": f"INV-{n:06d}", "on_hand": n, "warehouse_id": main, "lot_number": lot}
        for n in range(1, 701)
        for lot in ("A", "B")
    ]
    rows += [{"sku": "INV-000001", "on_hand": 1000, "warehouse_id": east}]
    sandbox.warehouse.set_inventory_rows(rows)

    pages = list(plugin.receive_inventory(open_channel()))
    found = levels(pages)
    assert len(found) == 700
    assert all(level.on_hand == 2 * int(sku[4:]) for sku, level in found.items())
    requests = sandbox.counters.snapshot()["requests"]
    # 1,401 rows: 3 pages at 500, page 1 once more (read before the state the
    # concurrent read checks against), that state's newest rows after the
    # last page (1) and the check at the end (2)
    assert requests["GET /v1/inventory"] == 7


def test_sku_mappings_apply(plugin, sandbox_demo, open_channel):
    mappings = Mappings(skus=SkuMap([("OUR-TEE", "TEE-BLK-M")]))
    found = levels(plugin.receive_inventory(open_channel(mappings=mappings)))
    assert found["OUR-TEE"].on_hand == 120 and "TEE-BLK-M" not in found


def test_no_warehouse_set_on_an_account_with_two_is_a_clear_error(
    plugin, sandbox_demo, open_channel
):
    with pytest.raises(WarehouseUnknown, match="set the channel's Leanafy warehouse id"):
        list(plugin.receive_inventory(open_channel(warehouse_id=None)))
