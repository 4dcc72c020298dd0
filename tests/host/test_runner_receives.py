"""The runner's receive and snapshot guarantees, with a plugin written for the test."""

from __future__ import annotations

import threading

import pytest

from techoms_core.models import InventoryLevel, RecordResult
from techoms_core.runner import run_option
from tests.host import samples
from tests.host.fake_channel import FakeWms, registered
from tests.stores import store_content


@pytest.fixture
def fake():
    return FakeWms(page_size=2)


@pytest.fixture
def channel(host, fake):
    host.add_channel(samples.channel(api_key="k"))
    return host, registered(fake)


def _sent(host, *numbers):
    host.load_shipments([samples.shipment(n) for n in numbers])
    run_id = host.start_run("wms", "send-shipments")
    host.record_send_results(
        run_id, "wms", "send-shipments", [RecordResult.ok(n, remote_id=f"r-{n}") for n in numbers]
    )


def test_pages_and_their_cursor_commit_together(channel, fake):
    host, registry = channel
    _sent(host, "S-1", "S-2", "S-3")
    fake.shipment_updates = [
        samples.shipped("S-1", ("SKU-1", 2, 2)),
        samples.shipped("S-2", ("SKU-1", 2, 1)),
        samples.shipped("S-3", ("SKU-1", 2, 2), packages=2),
    ]
    summary = run_option(host, registry, "wms", "receive-shipments")
    assert [(r.key, r.status) for r in summary.records] == [
        ("S-1", "ok"),
        ("S-2", "skipped"),
        ("S-3", "ok"),
    ]
    assert "kept for review" in summary.records[1].message
    assert host.cursor("wms", "receive-shipments") == "3"
    assert {r["number"]: r["status"] for r in host.shipment_rows()} == {
        "S-1": "shipped",
        "S-2": "sent",
        "S-3": "shipped",
    }

    again = run_option(host, registry, "wms", "receive-shipments")
    assert fake.cursors_seen == [None, "3"] and again.records == []


def test_a_repeated_update_is_a_no_op(channel, fake):
    host, registry = channel
    _sent(host, "S-1")
    fake.shipment_updates = [samples.shipped("S-1", ("SKU-1", 2, 2))]
    run_option(host, registry, "wms", "receive-shipments")
    before = host.shipment_rows()
    with host._write() as connection:  # a cursor lost: the page comes again
        connection.exec_driver_sql("DELETE FROM cursors")
    summary = run_option(host, registry, "wms", "receive-shipments")
    assert [r.status for r in summary.records] == ["skipped"]
    assert host.shipment_rows() == before


def test_receipts_are_received(channel, fake):
    host, registry = channel
    host.load_receipts([samples.receipt("R-1")])
    fake.receipt_updates = [samples.received("R-1", ("SKU-1", 9))]
    run_option(host, registry, "wms", "send-receipts")
    summary = run_option(host, registry, "wms", "receive-receipts")
    assert summary.succeeded
    [row] = host.receipt_rows()
    assert row["status"] == "received" and row["lines"][0]["received_quantity"] == 9


def test_import_products_runs_only_when_the_channel_is_the_source(channel, fake):
    host, registry = channel
    host.set_master_product_source("wms")
    fake.products = [samples.product("N-1"), samples.product("N-2"), samples.product("N-3")]
    summary = run_option(host, registry, "wms", "import-products")
    assert summary.counts["ok"] == 3 and host.cursor("wms", "import-products") == "3"
    assert [row["sku"] for row in host.product_rows()] == ["N-1", "N-2", "N-3"]


def test_stop_after_the_current_page(channel, fake):
    host, registry = channel
    _sent(host, "S-1", "S-2", "S-3")
    fake.shipment_updates = [samples.shipped(n, ("SKU-1", 2, 2)) for n in ("S-1", "S-2", "S-3")]
    stop = threading.Event()
    fake.on_record = lambda key: stop.set()
    summary = run_option(host, registry, "wms", "receive-shipments", stop=stop)
    assert summary.status == "stopped" and summary.counts["ok"] == 2
    assert host.cursor("wms", "receive-shipments") == "2"


def test_dry_run_receive_reads_pages_and_writes_nothing(channel, fake, db_target):
    host, registry = channel
    _sent(host, "S-1")
    fake.shipment_updates = [samples.shipped("S-1", ("SKU-1", 2, 2))]
    host.close()
    before = store_content(db_target)
    summary = run_option(host, registry, "wms", "receive-shipments", dry_run=True)
    assert [(r.key, r.status) for r in summary.records] == [("S-1", "ok")]
    host.close()
    assert store_content(db_target) == before
    assert host.cursor("wms", "receive-shipments") is None
    assert [run.option for run in host.runs()] == ["send-shipments"]


def _level(sku, on_hand):
    return InventoryLevel(sku=sku, on_hand=on_hand, allocated=1, available=on_hand - 1)


def test_inventory_is_replaced_wholesale_with_unknown_skus_as_warnings(channel, fake):
    host, registry = channel
    host.load_products([samples.product("A"), samples.product("B")])
    fake.levels = [_level("A", 5), _level("B", 6), _level("Z", 7)]
    summary = run_option(host, registry, "wms", "receive-inventory")
    assert summary.counts == {"ok": 2, "skipped": 0, "warning": 1, "failed": 0}
    assert [(r.key, r.status) for r in summary.records] == [("Z", "warning")]
    fake.levels = [_level("B", 2)]
    run_option(host, registry, "wms", "receive-inventory")
    assert host.inventory_rows() == [
        {"warehouse": "MAIN", "sku": "B", "on_hand": 2, "allocated": 1, "available": 1}
    ]


def test_a_stopped_snapshot_leaves_inventory_unchanged(channel, fake):
    host, registry = channel
    fake.levels = [_level("A", 5)]
    run_option(host, registry, "wms", "receive-inventory")
    fake.levels = [_level("A", 1), _level("B", 1), _level("C", 1)]
    stop = threading.Event()
    fake.on_record = lambda key: stop.set()
    summary = run_option(host, registry, "wms", "receive-inventory", stop=stop)
    assert summary.status == "stopped" and "inventory unchanged" in summary.message
    assert [(r["sku"], r["on_hand"]) for r in host.inventory_rows()] == [("A", 5)]


def _held(host):
    return [(r["sku"], r["on_hand"]) for r in host.inventory_rows()]


def test_an_empty_snapshot_never_wipes_the_levels_held(channel, fake):
    host, registry = channel
    fake.levels = [_level("A", 5), _level("B", 6)]
    run_option(host, registry, "wms", "receive-inventory")
    fake.levels = []

    for dry_run in (True, False):
        summary = run_option(host, registry, "wms", "receive-inventory", dry_run=dry_run)

        assert summary.status == "failed"
        assert summary.message == (
            "the snapshot holds no level while techOMS holds 2 levels for the channel's "
            "warehouse, and the WMS does not confirm it is empty; the snapshot is refused "
            "and every level is kept"
        )
        assert _held(host) == [("A", 5), ("B", 6)]


def test_a_snapshot_with_no_readable_level_never_wipes_the_levels_held(channel, fake):
    host, registry = channel
    fake.levels = [_level("A", 5), _level("B", 6)]
    run_option(host, registry, "wms", "receive-inventory")
    fake.levels = []
    fake.level_problems = [RecordResult.failed("A", "on_hand is 'lots'", field="on_hand")]

    summary = run_option(host, registry, "wms", "receive-inventory")

    assert summary.status == "failed"
    assert summary.message.startswith(
        "none of the snapshot's levels could be read (1 failed) while techOMS holds 2 levels"
    )
    assert [(r.key, r.field) for r in summary.records] == [("A", "on_hand")]
    assert _held(host) == [("A", 5), ("B", 6)]


def test_an_empty_snapshot_the_wms_confirms_or_with_nothing_held_is_swapped_in(channel, fake):
    host, registry = channel
    assert run_option(host, registry, "wms", "receive-inventory").status == "completed"
    fake.levels = [_level("A", 5)]
    run_option(host, registry, "wms", "receive-inventory")
    fake.levels, fake.empty_confirmed = [], True

    summary = run_option(host, registry, "wms", "receive-inventory")

    assert summary.status == "completed" and _held(host) == []


def test_a_large_snapshot_streams_through_staging(channel, fake):
    host, registry = channel
    fake.page_size = 500
    fake.levels = [_level(f"SKU-{i:05}", 3) for i in range(5000)]
    summary = run_option(host, registry, "wms", "receive-inventory")
    assert summary.counts["warning"] == 5000 and len(host.inventory_rows()) == 5000


def test_a_failed_or_dry_snapshot_leaves_inventory_unchanged(channel, fake):
    host, registry = channel
    fake.levels = [_level("A", 5)]
    run_option(host, registry, "wms", "receive-inventory")
    fake.levels = [_level("A", 1), _level("B", 1), _level("C", 1)]
    dry = run_option(host, registry, "wms", "receive-inventory", dry_run=True)
    assert dry.counts == {"ok": 0, "skipped": 0, "warning": 3, "failed": 0}

    def unreachable(sku):
        if sku == "C":
            raise TimeoutError("the WMS stopped answering")

    fake.on_record = unreachable
    failed = run_option(host, registry, "wms", "receive-inventory")
    assert failed.status == "failed" and "TimeoutError" in failed.message
    assert [(r["sku"], r["on_hand"]) for r in host.inventory_rows()] == [("A", 5)]
    assert [run.status for run in host.runs()] == ["failed", "completed"]
