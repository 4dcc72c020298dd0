"""What a run reports: warnings noticed while receiving, and what a dry run did not check."""

from __future__ import annotations

from tests.cli.conftest import WAREHOUSE, channel_settings


def test_an_unmapped_inbound_carrier_is_a_warning_on_the_applied_record(cli, loaded, sandbox):
    cli("sync", loaded, "export-products", status=1)
    cli("sync", loaded, "send-shipments", status=None)  # no carrier mapping at all
    ids = {o["primary_reference_number"]: o["_id"] for o in sandbox.warehouse.orders()}
    sandbox.warehouse.ship(ids["S-1001"])

    received = cli.json("sync", loaded, "receive-shipments")

    [record] = [r for r in received["records"] if r["key"] == "S-1001"]
    assert record["status"] == "warning"
    assert "shipped in 1 package(s)" in record["message"]
    assert "no inbound carrier mapping for carrier 'UPS'" in record["message"]
    assert received["counts"]["warning"] == 1
    [logged] = cli.json("log", "--run", str(received["run_id"]))["runs"][0]["messages"]
    assert (logged["key"], logged["level"]) == ("S-1001", "warning")
    shipment = next(s for s in cli.json("show", "shipments") if s["number"] == "S-1001")
    assert shipment["status"] == "shipped"
    # A repeat of the same update changes nothing and stays a plain skip.
    again = cli.json("sync", loaded, "receive-shipments")
    assert all(r["status"] != "warning" for r in again["records"])


def test_a_dry_send_says_it_did_not_ask_the_wms(cli, loaded, sandbox):
    """Four of the products are already in Leanafy: the dry run cannot know it
    without asking, so it says it did not ask, and the real run skips them."""
    cli("sync", loaded, "export-products", status=1)
    cli("channel", "delete", loaded, "--yes")  # forgets what it sent, Leanafy keeps them
    cli("channel", "add", loaded, "--plugin", "leanafy", "--warehouse", WAREHOUSE,
        *channel_settings(sandbox))  # fmt: skip

    dry = cli.json("sync", loaded, "export-products", "--dry-run", status=None)
    real = cli.json("sync", loaded, "export-products", status=None)

    assert "the WMS was not asked" in dry["message"]
    would = [r for r in dry["records"] if r["status"] == "ok"]
    assert would and all("not checked in a dry run" in r["message"] for r in would)
    skipped = {r["key"] for r in real["records"] if r["status"] == "skipped"}
    assert skipped == {r["key"] for r in would}
    text = cli("sync", loaded, "export-products", "--dry-run", status=None).stdout
    assert "the WMS was not asked" in text
