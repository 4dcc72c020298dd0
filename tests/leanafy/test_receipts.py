"""Send receipts (ARNs) and receive closed ARNs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs

from techoms_core.mappings import Mappings, ReferenceMap, ReferenceRow, SkuMap
from techoms_core.models import Status

from .samples import receipt


def send(plugin, context, *receipts) -> dict[str, str]:
    results = list(plugin.send_receipts(context, list(receipts)))
    assert all(r.status is Status.OK for r in results), results
    return {r.key: r.remote_id for r in results}


def received(plugin, context, cursor=None):
    pages = list(plugin.receive_receipts(context, cursor))
    return pages, {u.receipt_number: u for page in pages for u in page.records}


def test_the_arn_body(plugin, sandbox_demo, open_channel):
    references = ReferenceMap(
        [ReferenceRow(level="purchase_order", code="dock", property="instructions")]
    )
    context = open_channel(mappings=Mappings(references=references))
    ids = send(plugin, context, receipt("RC-1", references={"dock": "Dock 4"}))
    (arn,) = sandbox_demo.warehouse.arns(primary_reference_number="RC-1")
    assert arn["_id"] == ids["RC-1"]
    assert arn["po_number"] == "PO-RC-1"
    assert arn["supplier"] == {"name": "Acme Supplies", "code": "ACME"}
    assert arn["expected_date"] == "2026-12-01"
    assert arn["instructions"] == "Dock 4"
    assert arn["warehouse_id"] == sandbox_demo.warehouse_ids[0]
    (line,) = arn["items"]
    assert (line["sku"], line["expected_qty"], line["unit"]) == ("MUG-WHT-12OZ", 24, "EA")
    assert (line["unit_cost"], line["lot_number"]) == (1.25, "L-1")


def test_resending_and_store_then_fail_never_duplicate(plugin, sandbox_demo, open_channel):
    sandbox_demo.faults.add("store_then_fail", endpoint="POST /v1/arn", times=2)
    context = open_channel()
    batch = [receipt(f"RC-{n}") for n in range(4)]
    first = {r.key: r for r in plugin.send_receipts(context, batch)}
    assert {r.status for r in first.values()} == {Status.OK}
    again = {r.key: r for r in plugin.send_receipts(context, batch)}
    assert {r.status for r in again.values()} == {Status.SKIPPED}
    assert all(again[k].remote_id == first[k].remote_id for k in first)
    assert sandbox_demo.counters.duplicates("arn") == {}
    assert sandbox_demo.counters.injected_count("store_then_fail") == 2


def test_validation_reasons_name_our_fields(plugin, sandbox_demo, open_channel):
    bad = receipt("RC-1")
    bad = attrs.evolve(bad, lines=[attrs.evolve(bad.lines[0], unit_cost="-1")])
    (result,) = plugin.send_receipts(open_channel(), [bad])
    assert result.status is Status.FAILED and result.field == "lines[0].unit_cost"
    assert "lines[0].unit_cost: must be a number >= 0" in result.message


def test_a_mapped_reference_that_is_not_a_date_fails_the_receipt(
    plugin, sandbox_demo, open_channel
):
    eta = ReferenceMap([ReferenceRow(level="purchase_order", code="eta", property="expected_date")])
    context = open_channel(mappings=Mappings(references=eta))
    (result,) = plugin.send_receipts(context, [receipt("RC-2", references={"eta": "soon"})])
    assert result.status is Status.FAILED and result.field == "references"
    assert "POST /v1/arn" not in sandbox_demo.counters.snapshot()["requests"]


def test_only_closed_arns_are_received(plugin, sandbox_demo, open_channel):
    context = open_channel()
    ids = send(plugin, context, receipt("RC-PART"), receipt("RC-DONE"), receipt("RC-OPEN"))
    sandbox_demo.warehouse.receive(ids["RC-PART"], [{"sku": "MUG-WHT-12OZ", "qty": 10}])
    sandbox_demo.warehouse.close_arn(ids["RC-DONE"])
    _, updates = received(plugin, context)
    assert set(updates) == {"RC-DONE"}
    (line,) = updates["RC-DONE"].lines
    assert (line.received_quantity, line.expected_quantity) == (24, 24)
    assert line.lot_number == "L-1" and line.unit_cost == Decimal("1.25")

    sandbox_demo.warehouse.close_arn(ids["RC-PART"])
    _, later = received(plugin, context)
    assert set(later) == {"RC-DONE", "RC-PART"}


def test_leanafy_is_the_truth_with_conversions(plugin, sandbox_demo, sandbox_http, open_channel):
    cases = {
        "primary_reference_number": "RC-CASE",
        "po_number": "PO-9",
        "warehouse_id": sandbox_demo.warehouse_ids[0],
        "items": [{"sku": "MUG-WHT-12OZ", "expected_qty": 2, "unit": "CASE", "unit_cost": 24.0}],
    }
    arn = sandbox_http.post(f"{sandbox_demo.base_url}/arn", json=cases).json()["payload"]
    closing = {
        "sku": "MUG-WHT-12OZ",
        "received_qty": 3,
        "lot_number": "LOT-X",
        "expiry_date": "2027-06-30",
        "unit_cost": 30.0,
    }
    sandbox_demo.warehouse.close_arn(arn["_id"], [closing])
    _, updates = received(plugin, open_channel())
    (line,) = updates["RC-CASE"].lines
    assert line.received_quantity == 36 and line.expected_quantity == 24
    assert line.unit_cost == Decimal("2.5")
    assert line.lot_number == "LOT-X" and line.expiry_date == dt.date(2027, 6, 30)
    assert updates["RC-CASE"].received_at is not None


def test_sku_mappings_apply_both_ways(plugin, sandbox_demo, open_channel):
    context = open_channel(mappings=Mappings(skus=SkuMap([("OUR-MUG", "MUG-WHT-12OZ")])))
    ids = send(plugin, context, receipt("RC-1", ("OUR-MUG", 12)))
    (arn,) = sandbox_demo.warehouse.arns(primary_reference_number="RC-1")
    assert arn["items"][0]["sku"] == "MUG-WHT-12OZ"
    sandbox_demo.warehouse.close_arn(ids["RC-1"])
    _, updates = received(plugin, context)
    assert [line.sku for line in updates["RC-1"].lines] == ["OUR-MUG"]


def test_cursor_skips_what_was_committed(plugin, sandbox_demo, open_channel):
    context = open_channel()
    ids = send(plugin, context, receipt("RC-1"), receipt("RC-2"))
    sandbox_demo.warehouse.close_arn(ids["RC-1"])
    pages, first = received(plugin, context)
    assert set(first) == {"RC-1"}
    sandbox_demo.warehouse.close_arn(ids["RC-2"])
    _, later = received(plugin, context, pages[-1].cursor)
    assert set(later) == {"RC-2"}


def test_a_create_answered_with_cut_json_is_looked_up_not_repeated(
    plugin, sandbox_demo, open_channel
):
    sandbox_demo.faults.add("malformed_json", endpoint="POST /v1/arn", times=1)
    (result,) = plugin.send_receipts(open_channel(), [receipt("RC-1")])
    assert result.status is Status.OK
    (arn,) = sandbox_demo.warehouse.arns(primary_reference_number="RC-1")
    assert result.remote_id == arn["_id"]
    assert sandbox_demo.counters.creates("arn", "RC-1") == {"received": 1, "stored": 1}
