"""What a receive noticed while reading an update stays with that record's result."""

from __future__ import annotations


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
