"""Export and import of products against the sandbox, through the ChannelPlugin facade."""

from __future__ import annotations

from plugins.leanafy import hooks
from plugins.leanafy.client import LeanafyClient
from plugins.leanafy.cursor import Cursor
from plugins.leanafy.idempotency import Draft, Sender
from plugins.leanafy.mapping import ITEM
from plugins.leanafy.products import ITEMS
from techoms_core.mappings import Mappings, SkuMap
from techoms_core.models import ProductUnit, Status, Weight

from .samples import product


def by_key(results):
    results = list(results)
    keyed = {result.key: result for result in results}
    assert len(keyed) == len(results), "one result per record"
    return keyed


def test_export_creates_missing_items_and_skips_existing(plugin, sandbox_demo, open_channel):
    new = product(
        "NEW-1",
        weight=Weight(value="1.5", unit="lb"),
        units=[ProductUnit(role="receiving", name="CASE", base_quantity=24)],
    )
    results = by_key(plugin.export_products(open_channel(), [new, product("tee-blk-m")]))

    assert results["NEW-1"].status is Status.OK
    created = sandbox_demo.warehouse.item("NEW-1")
    assert results["NEW-1"].remote_id == created["_id"]
    assert created["description"] == "About NEW-1"
    assert created["receiving_unit"] == "CASE"
    assert created["receiving_unit_base_conversion"] == 24
    assert created["weight"] == {"value": 1.5, "unit": "lb"}

    existing = results["tee-blk-m"]
    assert existing.status is Status.SKIPPED
    assert existing.message == "exists in Leanafy; Leanafy does not support product updates"
    assert existing.remote_id == sandbox_demo.warehouse.item("TEE-BLK-M")["_id"]
    assert sandbox_demo.warehouse.item("TEE-BLK-M")["name"] == "T-shirt black M"
    assert sandbox_demo.counters.creates("item", "TEE-BLK-M")["received"] == 0


def test_missing_required_fields_fail_before_any_request(sandbox, open_channel):
    # Called directly, without the core's screening in front.
    results = by_key(
        hooks.export_products(context=open_channel(), products=[product("P-1", description=None)])
    )
    assert results["P-1"].status is Status.FAILED
    assert results["P-1"].field == "description"
    assert "description" in results["P-1"].message
    assert sandbox.counters.snapshot()["requests"] == {}


def test_the_facade_screens_required_fields_too(plugin, sandbox, open_channel):
    (result,) = plugin.export_products(open_channel(), [product("P-1", description="  ")])
    assert result.status is Status.FAILED and result.field == "description"
    assert sandbox.counters.snapshot()["requests"] == {}


def test_validation_reasons_name_our_fields(plugin, sandbox, open_channel):
    bad = product("P-1", weight=Weight(value="0", unit="lb"))
    (result,) = plugin.export_products(open_channel(), [bad])
    assert result.status is Status.FAILED
    assert result.field == "weight.value"
    assert "weight.value: must be a number > 0" in result.message
    assert "X-Request-Id" in result.message
    assert not result.fatal


def test_requests_per_product_small_export_into_a_large_catalogue(plugin, sandbox, open_channel):
    sandbox.warehouse.generate_items(20_000)
    sandbox.counters.reset()
    products = [product(f"NEW-{n:03d}") for n in range(50)]
    results = list(plugin.export_products(open_channel(throughput="high"), products))
    assert all(r.status is Status.OK for r in results)
    requests = sandbox.counters.snapshot()["requests"]
    assert requests == {"GET /v1/items": 1, "POST /v1/item": 50}


def test_requests_per_product_large_export_into_an_empty_catalogue(plugin, sandbox, open_channel):
    # 250 rather than 2,000 keeps the test quick under High's 120 requests/s.
    products = [product(f"NEW-{n:04d}") for n in range(250)]
    results = list(plugin.export_products(open_channel(throughput="high"), products))
    assert sum(r.status is Status.OK for r in results) == 250
    requests = sandbox.counters.snapshot()["requests"]
    assert requests == {"GET /v1/items": 3, "POST /v1/item": 250}
    assert sandbox.counters.duplicates("item") == {}


def test_a_409_on_create_is_confirmed_by_a_fetch(sandbox_demo, open_channel):
    # The item appeared between the lookup and the create: Sender.create_once alone.
    client = LeanafyClient(open_channel())
    draft = Draft("TEE-BLK-M", "TEE-BLK-M", ITEM.to_wire(product("TEE-BLK-M")))
    result = Sender(client, ITEMS).create_once(draft)
    assert result.status is Status.SKIPPED
    assert result.remote_id == sandbox_demo.warehouse.item("TEE-BLK-M")["_id"]
    requests = sandbox_demo.counters.snapshot()["requests"]
    assert requests == {"POST /v1/item": 1, "GET /v1/item": 1}


def test_an_item_create_stored_then_failed_is_created_once(plugin, sandbox, open_channel):
    sandbox.faults.add("store_then_fail", endpoint="POST /v1/item", times=1)
    (result,) = plugin.export_products(open_channel(), [product("P-1")])
    assert result.status is Status.OK
    assert result.remote_id == sandbox.warehouse.item("P-1")["_id"]
    assert sandbox.counters.creates("item", "P-1") == {"received": 1, "stored": 1}


def test_sku_mappings_apply_to_exports(plugin, sandbox, open_channel):
    mappings = Mappings(skus=SkuMap([("OUR-1", "LEAN-1")]))
    (result,) = plugin.export_products(open_channel(mappings=mappings), [product("OUR-1")])
    assert result.key == "OUR-1" and result.status is Status.OK
    assert sandbox.warehouse.item("LEAN-1")["_id"] == result.remote_id
    assert sandbox.warehouse.item("OUR-1") is None


def test_import_pages_resume_from_the_cursor(plugin, sandbox_demo, open_channel, small_pages):
    sandbox_demo.warehouse.generate_items(230, sku_prefix="GEN-")
    mappings = Mappings(skus=SkuMap([("OUR-MUG", "MUG-WHT-12OZ")]))
    context = open_channel(mappings=mappings)

    pages = list(plugin.import_products(context))
    skus = [p.sku for page in pages for p in page.records]
    assert len(pages) == 3 and len(skus) == 238 == len(set(skus))
    assert "OUR-MUG" in skus and "MUG-WHT-12OZ" not in skus
    mug = next(p for page in pages for p in page.records if p.sku == "OUR-MUG")
    assert mug.base_unit == "EA"
    assert ProductUnit(role="receiving", name="CASE", base_quantity=12) in mug.units

    resumed = list(plugin.import_products(context, pages[1].cursor))
    read = len(pages[0].records) + len(pages[1].records)
    assert [p.sku for page in resumed for p in page.records] == skus[read:]
    assert list(plugin.import_products(context, pages[-1].cursor)) == []

    new = product("LATE-1")
    assert next(iter(plugin.export_products(context, [new]))).status is Status.OK
    (late,) = plugin.import_products(context, pages[-1].cursor)
    assert [p.sku for p in late.records] == ["LATE-1"]
    assert Cursor.decode(late.cursor).is_after(Cursor.decode(pages[-1].cursor))
