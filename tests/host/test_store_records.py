"""Loading, sending and receiving records on the host side (no runner)."""

from __future__ import annotations

import pytest

from techoms_core.models import Page, RecordResult
from techoms_core.store import LoadConflict
from tests.host import samples


def _send(host, option: str, *results: RecordResult) -> int:
    run_id = host.start_run("wms", option)
    host.record_send_results(run_id, "wms", option, list(results))
    return run_id


def test_products_load_by_sku_identity(host):
    report = host.load_products([samples.product("AB-1"), samples.product("cd-2")])
    assert (report.created, report.updated) == (2, 0)
    again = host.load_products([samples.product(" ab-1 ", name="Renamed"), samples.product("CD-2")])
    assert (again.created, again.updated) == (0, 2)
    names = {row["sku"]: row["name"] for row in host.product_rows()}
    assert names == {"ab-1": "Renamed", "CD-2": "Product CD-2"}
    with pytest.raises(LoadConflict, match="record 1"):
        host.load_products([samples.product("x"), samples.product("X ")])


def test_a_changed_sent_shipment_refuses_the_whole_reload(wms):
    wms.load_shipments([samples.shipment("S-1"), samples.shipment("S-2")])
    _send(wms, "send-shipments", RecordResult.ok("S-1", remote_id="r1"))
    with pytest.raises(LoadConflict) as refused:
        wms.load_shipments([samples.shipment("S-3"), samples.shipment("S-1", ("SKU-1", 9))])
    assert refused.value.problems[0].index == 1 and refused.value.problems[0].key == "S-1"
    assert [row["number"] for row in wms.shipment_rows()] == ["S-1", "S-2"]
    assert wms.load_shipments([samples.shipment("S-2", ("SKU-9", 1))]).updated == 1


def test_send_results_bind_remote_ids_or_keep_the_error(wms):
    wms.load_shipments([samples.shipment(f"S-{i}") for i in range(1, 5)])
    wms.load_shipments([samples.shipment("S-other", warehouse="ELSEWHERE")])
    assert wms.count_to_send("wms", "send-shipments") == 4
    batch = wms.records_to_send("wms", "send-shipments", limit=2)
    assert [s.number for s in batch] == ["S-1", "S-2"] and batch[0].lines[0].quantity == 2
    assert [
        s.number for s in wms.records_to_send("wms", "send-shipments", limit=5, after="S-2")
    ] == ["S-3", "S-4"]
    run_id = _send(
        wms,
        "send-shipments",
        RecordResult.ok("S-1", remote_id="r1"),
        RecordResult.skipped("S-2", "already there", remote_id="r2"),
        RecordResult.failed("S-3", "unknown sku", field="lines[0].sku"),
    )
    rows = {row["number"]: row for row in wms.shipment_rows()}
    assert (rows["S-1"]["status"], rows["S-1"]["remote_id"]) == ("sent", "r1")
    assert (rows["S-2"]["status"], rows["S-2"]["remote_id"]) == ("sent", "r2")
    assert (rows["S-3"]["status"], rows["S-3"]["error"]) == ("ready", "unknown sku")
    assert [m.key for m in wms.run_messages(run_id)] == ["S-1", "S-2", "S-3"]
    assert wms.run_messages(run_id)[2].field == "lines[0].sku"
    assert wms.count_to_send("wms", "send-shipments") == 2


def test_a_channel_without_warehouse_takes_the_unserved_ones(wms):
    wms.add_channel(samples.channel("any", warehouse=None))
    wms.load_shipments([samples.shipment("S-1"), samples.shipment("S-2", warehouse="EAST")])
    assert [s.number for s in wms.records_to_send("any", "send-shipments", limit=9)] == ["S-2"]
    assert [s.number for s in wms.records_to_send("wms", "send-shipments", limit=9)] == ["S-1"]


def test_products_export_once_and_update_after_a_change(wms):
    wms.load_products([samples.product("A"), samples.product("B")])
    _send(
        wms,
        "export-products",
        RecordResult.ok("a", remote_id="i-a"),
        RecordResult.failed("B", "missing description", field="description"),
    )
    assert [p.sku for p in wms.records_to_send("wms", "export-products", limit=10)] == ["B"]
    assert wms.records_to_send("wms", "update-products", limit=10) == []
    wms.load_products([samples.product("A", name="New name")])
    assert [p.name for p in wms.records_to_send("wms", "update-products", limit=10)] == ["New name"]
    rows = {row["sku"]: row for row in wms.product_rows()}
    assert rows["A"]["channels"]["wms"] == {"status": "sent", "remote_id": "i-a", "error": None}
    assert rows["B"]["status"] == "ready"


def test_cancellation_requests(wms):
    wms.load_shipments([samples.shipment("S-1"), samples.shipment("S-2")])
    _send(wms, "send-shipments", RecordResult.ok("S-1", remote_id="r1"))
    assert wms.request_cancellation("S-2") == "cancelled"
    assert wms.request_cancellation("S-1") == "sent"
    assert [s.number for s in wms.records_to_send("wms", "cancel-shipments", limit=5)] == ["S-1"]
    _send(wms, "cancel-shipments", RecordResult.ok("S-1"))
    assert {r["number"]: r["status"] for r in wms.shipment_rows()} == {
        "S-1": "cancelled",
        "S-2": "cancelled",
    }


def _sent_shipment(host, number="S-1", *lines):
    host.load_shipments([samples.shipment(number, *lines)])
    _send(host, "send-shipments", RecordResult.ok(number, remote_id=f"remote-{number}"))


def test_shipped_update_applies_once(wms):
    _sent_shipment(wms, "S-1", ("SKU-1", 2), ("SKU-2", 1))
    update = samples.shipped("S-1", ("SKU-1", 2, 2), ("sku-2", 1, 1), packages=2)
    run_id = wms.start_run("wms", "receive-shipments")
    first = wms.apply_page(run_id, "wms", "receive-shipments", Page(records=[update], cursor="c1"))
    assert first[0].status == "ok" and "2 package" in first[0].message
    again = wms.apply_page(run_id, "wms", "receive-shipments", Page(records=[update], cursor="c2"))
    assert again[0].status == "skipped" and "already applied" in again[0].message
    row = wms.shipment_rows()[0]
    assert row["status"] == "shipped"
    assert [line["shipped_quantity"] for line in row["lines"]] == [2, 1]
    assert [p["tracking_number"] for p in row["packages"]] == ["1ZS-10", "1ZS-11"]
    assert row["packages"][0]["cost"] == "7.25"
    assert wms.cursor("wms", "receive-shipments") == "c2"


def test_short_shipped_is_kept_for_review_not_applied(wms):
    _sent_shipment(wms, "S-1", ("SKU-1", 3))
    update = samples.shipped("S-1", ("SKU-1", 3, 1))
    run_id = wms.start_run("wms", "receive-shipments")
    [result] = wms.apply_page(run_id, "wms", "receive-shipments", Page(records=[update]))
    assert result.status == "skipped" and "SKU-1 shipped 1 of 3" in result.message
    assert result.field == "lines"
    [again] = wms.apply_page(run_id, "wms", "receive-shipments", Page(records=[update]))
    assert "already kept for review" in again.message
    row = wms.shipment_rows()[0]
    assert row["status"] == "sent" and row["review"][0]["status"] == "pending"
    [item] = wms.review_items("wms")
    assert item.shipment_number == "S-1" and item.lines[0].shipped_quantity == 1


def test_unknown_and_foreign_updates_fail_without_changes(wms):
    _sent_shipment(wms, "S-1")
    run_id = wms.start_run("wms", "receive-shipments")
    page = Page(
        records=[samples.shipped("S-9", ("SKU-1", 1, 1)), samples.shipped("S-1", ("NOPE", 2, 2))],
        problems=[RecordResult.failed("S-7", "shipped more than ordered", field="lines")],
    )
    preview = wms.preview_page("wms", "receive-shipments", page)
    results = wms.apply_page(run_id, "wms", "receive-shipments", page)
    assert results == preview
    assert [(r.key, r.status, r.field) for r in results] == [
        ("S-9", "failed", "shipment_number"),
        ("S-1", "failed", "lines[0].sku"),
        ("S-7", "failed", "lines"),
    ]
    assert wms.shipment_rows()[0]["status"] == "sent"


def test_receipt_update_replaces_expected_with_received(wms):
    wms.load_receipts([samples.receipt("R-1", ("SKU-1", 10), ("SKU-2", 5))])
    _send(wms, "send-receipts", RecordResult.ok("R-1", remote_id="arn-1"))
    update = samples.received("R-1", ("SKU-1", 12), ("SKU-3", 1))
    run_id = wms.start_run("wms", "receive-receipts")
    [result] = wms.apply_page(run_id, "wms", "receive-receipts", Page(records=[update]))
    assert result.status == "warning" and "SKU-3" in result.message
    [again] = wms.apply_page(run_id, "wms", "receive-receipts", Page(records=[update]))
    assert again.status == "skipped"
    row = wms.receipt_rows()[0]
    assert row["status"] == "received"
    first, second = row["lines"]
    assert (first["received_quantity"], first["lot_number"], first["unit_cost"]) == (
        12,
        "LOT-A",
        "1.75",
    )
    assert second["received_quantity"] == 0
    assert [line["sku"] for line in row["received_lines"]] == ["SKU-1", "SKU-3"]


def test_imported_products_are_created_or_updated(wms):
    run_id = wms.start_run("wms", "import-products")
    page = Page(records=[samples.product("N-1"), samples.product("n-2")], cursor="p1")
    assert [r.message for r in wms.apply_page(run_id, "wms", "import-products", page)] == [
        "product created",
        "product created",
    ]
    again = wms.apply_page(run_id, "wms", "import-products", page)
    assert [r.status for r in again] == ["skipped", "skipped"]
    assert {row["source"] for row in wms.product_rows()} == {"wms"}


def test_inventory_snapshot_is_staged_then_swapped(wms):
    wms.load_products([samples.product("A")])
    run_id = wms.start_run("wms", "receive-inventory")
    wms.begin_snapshot(run_id, "wms", "receive-inventory")
    first = wms.stage_snapshot_page(
        run_id, "wms", "receive-inventory", Page(records=[_level("A", 5), _level("GHOST", 1)])
    )
    assert [(r.key, r.status) for r in first] == [("GHOST", "warning")]
    second = wms.stage_snapshot_page(
        run_id, "wms", "receive-inventory", Page(records=[_level("a", 9)])
    )
    assert [(r.key, r.status) for r in second] == [("a", "skipped")]
    assert wms.inventory_rows() == []  # nothing visible before the swap
    assert wms.commit_snapshot(run_id, "wms", "receive-inventory") == 2
    assert [(r["sku"], r["on_hand"]) for r in wms.inventory_rows("MAIN")] == [
        ("A", 5),
        ("GHOST", 1),
    ]
    run_id = wms.start_run("wms", "receive-inventory")
    wms.begin_snapshot(run_id, "wms", "receive-inventory")
    wms.stage_snapshot_page(run_id, "wms", "receive-inventory", Page(records=[_level("A", 7)]))
    wms.commit_snapshot(run_id, "wms", "receive-inventory")
    assert [(r["sku"], r["on_hand"]) for r in wms.inventory_rows()] == [("A", 7)]


def _level(sku: str, on_hand: int):
    from techoms_core.models import InventoryLevel

    return InventoryLevel(sku=sku, on_hand=on_hand, allocated=0, available=on_hand)


def test_reloading_sent_records_unchanged_counts_them_unchanged(wms):
    shipments = [samples.shipment(f"S-{i}", ("SKU-1", 2), ("SKU-2", 1)) for i in range(3)]
    wms.load_shipments(shipments)
    wms.load_receipts([samples.receipt("R-1")])
    _send(wms, "send-shipments", *(RecordResult.ok(s.number, remote_id="r") for s in shipments))
    _send(wms, "send-receipts", RecordResult.ok("R-1", remote_id="a"))

    report = wms.load_shipments([*shipments, samples.shipment("S-new")])
    assert (report.created, report.updated, report.unchanged) == (1, 0, 3)
    assert wms.load_receipts([samples.receipt("R-1")]).unchanged == 1
    assert wms.load_shipments([samples.shipment("S-new")]).unchanged == 1
    states = {row["number"]: (row["status"], row["remote_id"]) for row in wms.shipment_rows()}
    assert states["S-0"] == ("sent", "r") and states["S-new"] == ("ready", None)
    # A real change to a sent record is still a conflict, and nothing is loaded.
    with pytest.raises(LoadConflict) as refused:
        wms.load_shipments([samples.shipment("S-other"), samples.shipment("S-1", ("SKU-1", 3))])
    [problem] = refused.value.problems
    assert (problem.index, problem.key) == (1, "S-1") and "differs" in problem.message
    assert "S-other" not in {row["number"] for row in wms.shipment_rows()}
