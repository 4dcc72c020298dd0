"""Deleting a channel takes its open sends and review items with it."""

from __future__ import annotations

from tests.cli.conftest import CHANNEL, WAREHOUSE, channel_settings


def test_a_new_channel_of_the_same_name_sends_again(cli, loaded, sandbox):
    cli("sync", loaded, "export-products", status=1)
    cli("map", "carrier", loaded, "UPS", "UPS Ground", "UPS", "Ground", "--primary")
    cli("sync", loaded, "send-shipments", status=None)
    ids = {o["primary_reference_number"]: o["_id"] for o in sandbox.warehouse.orders()}
    sandbox.warehouse.ship(ids["S-1001"])
    sandbox.warehouse.ship(ids["S-1002"], [{"lines": [{"sku": "CAP-NAVY", "qty": 2}]}])
    cli("sync", loaded, "receive-shipments")
    assert len(cli.json("review", "list")) == 1

    cli("channel", "delete", CHANNEL, "--yes")

    shipments = {s["number"]: s for s in cli.json("show", "shipments")}
    for number in ("S-1002", "S-1003"):
        assert (shipments[number]["status"], shipments[number]["channel"]) == ("ready", None)
        assert shipments[number]["remote_id"] is None
    assert shipments["S-1001"]["status"] == "shipped"  # done: its history stays
    assert cli.json("review", "list", "--all") == []
    # Another Leanafy (the sandbox emptied) under the same channel name.
    sandbox.reset("empty")
    cli("channel", "add", CHANNEL, "--plugin", "leanafy", "--warehouse", WAREHOUSE,
        *channel_settings(sandbox))  # fmt: skip
    cli("sync", CHANNEL, "export-products", status=1)
    sent = cli.json("sync", CHANNEL, "send-shipments", status=None)
    assert sorted(r["key"] for r in sent["records"] if r["status"] != "failed") == [
        "S-1002",
        "S-1003",
        "S-1004",
    ]
    assert {o["primary_reference_number"] for o in sandbox.warehouse.orders()} >= {
        "S-1002",
        "S-1003",
    }
