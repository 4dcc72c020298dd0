"""Syncs end to end: the CLI, the runner, the Leanafy plugin and the sandbox."""

from __future__ import annotations

from io import StringIO

from rich.console import Console

from techoms_core.cli import CliState
from techoms_core.cli.output import Output
from techoms_core.cli.sync import run_with_progress
from tests.cli.conftest import CHANNEL

STATUSES = {"ok", "skipped", "warning", "failed"}


def orders(sandbox) -> dict[str, str]:
    return {o["primary_reference_number"]: o["_id"] for o in sandbox.warehouse.orders()}


def test_export_products_json_shape_and_exit_status(cli, loaded):
    summary = cli.json("sync", loaded, "export-products", status=1)
    assert summary["channel"] == CHANNEL
    assert summary["option"] == "export-products"
    assert summary["counts"] == {"ok": 5, "skipped": 0, "warning": 0, "failed": 1}
    for record in summary["records"]:
        assert {"key", "status", "message"} <= set(record)
        assert record["status"] in STATUSES
    failed = [r for r in summary["records"] if r["status"] == "failed"]
    assert failed == [
        {
            "key": "STICKER-LOGO",
            "status": "failed",
            "message": "missing required field(s) for this channel: description",
            "field": "description",
        }
    ]


def test_a_product_already_in_leanafy_is_skipped(cli, loaded, sandbox):
    sandbox.warehouse.create_items(
        [{"sku": "SOCK-3PK", "name": "Socks", "description": "Socks", "uom": "PK",
          "base_unit": "PK"}]
    )  # fmt: skip
    summary = cli.json("sync", loaded, "export-products", status=1)
    skipped = {r["key"]: r["message"] for r in summary["records"] if r["status"] == "skipped"}
    assert list(skipped) == ["SOCK-3PK"]
    again = cli.json("sync", loaded, "export-products", status=1)
    assert [r["key"] for r in again["records"]] == ["STICKER-LOGO"]
    text = cli("sync", loaded, "export-products", status=1).stdout
    assert "export-products on east: completed" in text


def test_options_outside_the_menu_are_clear_errors(cli, channel):
    result = cli("sync", channel, "update-products", status=1)
    assert "Update Products in Channel is not supported by Leanafy" in result.stderr
    result = cli("sync", channel, "cancel-shipments", status=1)
    assert "Cancel Shipments in Channel is not supported by Leanafy" in result.stderr
    result = cli("sync", channel, "import-products", status=1)
    assert "is not offered for channel 'east'" in result.stderr
    result = cli("sync", channel, "bogus", status=2)
    assert "unknown sync option 'bogus'" in result.stderr
    result = cli("sync", "west", "send-shipments", status=1)
    assert "no channel named 'west'" in result.stderr


def test_dry_run_writes_nothing(cli, loaded, sandbox):
    summary = cli.json("sync", loaded, "send-shipments", "--dry-run")
    assert summary["dry_run"] is True
    assert summary["counts"]["ok"] == 4
    assert {s["status"] for s in cli.json("show", "shipments")} == {"ready"}
    assert sandbox.warehouse.orders() == []
    assert cli.json("log")["runs"] == []


def test_shipments_round_trip(cli, loaded, sandbox):
    cli("sync", loaded, "export-products", status=1)
    cli("map", "carrier", loaded, "UPS", "UPS Ground", "UPS", "Ground", "--primary")
    sent = cli.json("sync", loaded, "send-shipments", status=None)
    assert sent["counts"]["ok"] == 3
    ids = orders(sandbox)
    sandbox.warehouse.ship(ids["S-1001"])
    sandbox.warehouse.ship(ids["S-1002"], [{"lines": [{"sku": "CAP-NAVY", "qty": 2}]}])
    sandbox.warehouse.ship(
        ids["S-1003"],
        [{"lines": [{"sku": "BOTTLE-750", "qty": 12}]}, {"lines": [{"sku": "MUG-12OZ", "qty": 6}]}],
    )
    sandbox.warehouse.cancel_order(ids["S-1004"], reason="changed mind")
    received = cli.json("sync", loaded, "receive-shipments")
    status = {r["key"]: r["status"] for r in received["records"]}
    # S-1003 went by FedEx, which has no carrier mapping: applied, with a warning.
    assert status == {"S-1001": "ok", "S-1002": "skipped", "S-1003": "warning", "S-1004": "ok"}

    shipments = {s["number"]: s for s in cli.json("show", "shipments")}
    assert [s["status"] for s in shipments.values()] == ["shipped", "sent", "shipped", "cancelled"]
    package = shipments["S-1001"]["packages"][0]
    assert {"tracking_number", "carrier", "service", "cost"} <= set(package)
    assert (package["carrier"], package["service"]) == ("UPS", "Ground")
    assert len(shipments["S-1003"]["packages"]) == 2
    assert [line["shipped_quantity"] for line in shipments["S-1003"]["lines"]] == [12, 6]
    assert "Kept for review (1)" in cli("show", "shipments").stdout
    log = cli("log", loaded).stdout
    assert "S-1002" in log and "short-shipped" in log


def test_receipts_and_inventory(cli, loaded, sandbox):
    cli("sync", loaded, "export-products", status=1)
    assert cli.json("sync", loaded, "send-receipts")["counts"]["ok"] == 2
    arns = {a["primary_reference_number"]: a["_id"] for a in sandbox.warehouse.arns()}
    sandbox.warehouse.close_arn(
        arns["R-2001"],
        [
            {"sku": "TEE-BLK-M", "received_qty": 52, "lot_number": "LOT-A"},
            {"sku": "BOTTLE-750", "received_qty": 20, "unit_cost": 6.25},
        ],
    )
    assert cli.json("sync", loaded, "receive-receipts")["counts"]["ok"] == 1
    receipts = {r["number"]: r for r in cli.json("show", "receipts")}
    assert receipts["R-2001"]["status"] == "received"
    assert receipts["R-2002"]["status"] == "sent"
    tee, bottle = receipts["R-2001"]["lines"]
    assert (tee["received_quantity"], tee["lot_number"]) == (52, "LOT-A")
    assert bottle["received_quantity"] == 20
    assert str(bottle["unit_cost"]) == "6.25"

    cli("sync", loaded, "receive-inventory")
    rows = cli.json("show", "inventory")
    assert {"warehouse", "sku", "on_hand", "allocated", "available"} <= set(rows[0])
    levels = {row["sku"]: row["on_hand"] for row in rows}
    assert levels["TEE-BLK-M"] == 52
    assert levels["BOTTLE-750"] == 20


def test_show_products_is_the_load_format(cli, loaded):
    products = cli.json("show", "products")
    sticker = next(p for p in products if p["sku"] == "STICKER-LOGO")
    assert {"sku", "name", "description", "uom", "barcode", "weight", "dimensions"} <= set(sticker)
    assert sticker["description"] is None


def test_log_lists_runs_and_messages(cli, loaded):
    cli("sync", loaded, "export-products", status=1)
    cli("sync", loaded, "update-products", status=1)
    document = cli.json("log", loaded)
    refused, export = document["runs"]
    assert (refused["option"], refused["status"]) == ("update-products", "refused")
    assert export["counts"] == {"ok": 5, "skipped": 0, "warning": 0, "failed": 1}
    assert "messages" not in export
    every = cli.json("log", "--run", str(export["id"]))["runs"][0]["messages"]
    assert len(every) == 6
    errors = cli.json("log", "--run", str(export["id"]), "--level", "error")["runs"][0]
    assert [m["key"] for m in errors["messages"]] == ["STICKER-LOGO"]
    assert errors["messages"][0]["level"] == "error"
    text = cli("log").stdout
    assert "export-products" in text and "missing required field(s)" not in text
    assert "missing required field(s)" in cli("log", "--run", str(export["id"])).stdout
    assert "no channel named 'west'" in cli("log", "west", status=1).stderr


def test_a_sync_draws_a_progress_bar_on_a_terminal(cli, loaded):
    terminal = StringIO()
    output = Output(stdout=StringIO(), stderr=terminal)
    output.err = Console(file=terminal, force_terminal=True, width=100)
    state = CliState(cli.db, registry=cli.registry, environ=cli.environ, output=output)
    try:
        summary = run_with_progress(
            state, loaded, "export-products", dry_run=False, show_progress=True
        )
    finally:
        state.close()
    drawn = terminal.getvalue()
    assert "Export Products to Channel: east" in drawn
    assert "6/6" in drawn
    assert summary.counts["failed"] == 1


def test_the_run_log_counts_requests_retries_and_429s(cli, loaded, sandbox):
    sandbox.faults.add("throttle", endpoint="POST /v1/item", retry_after=0, times=2)
    sandbox.counters.reset()

    summary = cli.json("sync", loaded, "export-products", status=1)

    asked = sum(sandbox.counters.snapshot()["requests"].values())
    traffic = {"requests": asked, "retries": 2, "rate_limited": 2}
    assert summary["traffic"] == traffic
    assert cli.json("log", loaded)["runs"][0]["traffic"] == traffic
    assert f"{asked} (2 retried, 2 answered 429)" in cli("log", loaded).stdout


def test_a_bad_stop_grace_is_named_before_anything_runs(cli, loaded, sandbox):
    cli.environ["TECHOMS_STOP_GRACE"] = "soon"
    result = cli("sync", loaded, "send-shipments", status=1)

    assert "TECHOMS_STOP_GRACE" in result.stderr
    assert "'soon'" in result.stderr
    assert sandbox.warehouse.orders() == []
    assert cli.json("log")["runs"] == []
