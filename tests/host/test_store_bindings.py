"""Send results bound a group at a time: each result does what it alone would do."""

from __future__ import annotations

from techoms_core.models import RecordResult
from tests.host import samples


def test_a_group_binds_sent_records_and_keeps_failures_ready(wms):
    wms.load_shipments([samples.shipment(n) for n in ("S-1", "S-2", "S-3")])
    run_id = wms.start_run("wms", "send-shipments")

    wms.record_send_results(
        run_id,
        "wms",
        "send-shipments",
        [
            RecordResult.ok("S-1", remote_id="r-1"),
            RecordResult.failed("S-2", "unknown SKU", field="lines[0].sku"),
            RecordResult.skipped("S-3", "already there", remote_id="r-3"),
        ],
    )

    rows = {r["number"]: (r["status"], r["remote_id"], r["error"]) for r in wms.shipment_rows()}
    assert rows == {
        "S-1": ("sent", "r-1", None),
        "S-2": ("ready", None, "unknown SKU"),
        "S-3": ("sent", "r-3", None),
    }
    assert [m.key for m in wms.run_messages(run_id)] == ["S-1", "S-2", "S-3"]


def test_product_results_in_one_group_apply_in_order(wms):
    wms.load_products([samples.product(sku) for sku in ("A", "B", "C")])
    run_id = wms.start_run("wms", "export-products")
    record = wms.record_send_results

    record(
        run_id,
        "wms",
        "export-products",
        [RecordResult.ok("A", remote_id="p-A"), RecordResult.failed("B", "too long", field="name")],
    )
    record(
        run_id,
        "wms",
        "export-products",
        [
            RecordResult.skipped("A", "nothing to do"),  # no id: changes nothing
            RecordResult.ok("B"),  # a failed product goes through: its error is cleared
            RecordResult.failed("C", "refused"),
            RecordResult.ok("c", remote_id="p-C"),  # the same SKU identity, later in the group
        ],
    )

    channels = {p["sku"]: p["channels"]["wms"] for p in wms.product_rows()}
    assert channels == {
        "A": {"status": "sent", "remote_id": "p-A", "error": None},
        "B": {"status": "sent", "remote_id": None, "error": None},
        "C": {"status": "sent", "remote_id": "p-C", "error": None},
    }
