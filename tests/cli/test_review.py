"""``techoms review``: short-shipped orders from the sandbox, accepted or dismissed."""

from __future__ import annotations

import pytest

from tests.cli.conftest import CHANNEL


def _short_shipped(cli, loaded, sandbox) -> dict[str, dict]:
    """S-1002 (2 of 3 caps) and S-1003 (3 of 6 mugs) shipped short in Leanafy and
    received: both kept for review. Returns the pending items by shipment."""
    cli("sync", loaded, "export-products", status=1)
    cli("map", "carrier", loaded, "UPS", "UPS Ground", "UPS", "Ground", "--primary")
    cli("sync", loaded, "send-shipments", status=None)
    ids = {o["primary_reference_number"]: o["_id"] for o in sandbox.warehouse.orders()}
    sandbox.warehouse.ship(
        ids["S-1002"],
        [{"tracking_number": "1ZCAP", "lines": [{"sku": "CAP-NAVY", "qty": 2}]}],
    )
    sandbox.warehouse.ship(
        ids["S-1003"],
        [
            {"tracking_number": "1ZBOT", "lines": [{"sku": "BOTTLE-750", "qty": 12}]},
            {"tracking_number": "1ZMUG", "lines": [{"sku": "MUG-12OZ", "qty": 3}]},
        ],
    )
    received = cli.json("sync", loaded, "receive-shipments")
    status = {r["key"]: r["status"] for r in received["records"]}
    assert status["S-1002"] == status["S-1003"] == "skipped"
    return {item["shipment_number"]: item for item in cli.json("review", "list")}


def _shipments(cli) -> dict[str, dict]:
    return {s["number"]: s for s in cli.json("show", "shipments")}


def test_review_list_shows_each_line_ordered_and_shipped(cli, loaded, sandbox):
    items = _short_shipped(cli, loaded, sandbox)
    cap = items["S-1002"]
    assert (cap["channel"], cap["status"]) == (CHANNEL, "pending")
    assert [(x["sku"], x["ordered_quantity"], x["shipped_quantity"]) for x in cap["lines"]] == [
        ("CAP-NAVY", 3, 2)
    ]
    assert [p["tracking_number"] for p in cap["packages"]] == ["1ZCAP"]
    text = cli("review", "list").stdout
    assert "CAP-NAVY 2/3" in text and "S-1003" in text
    assert cli.json("review", "list", CHANNEL) == list(items.values())


def test_accept_applies_what_the_warehouse_shipped(cli, loaded, sandbox):
    items = _short_shipped(cli, loaded, sandbox)
    item_id = items["S-1003"]["id"]

    decision = cli.json("review", "accept", str(item_id))

    assert decision["ok"] is True and decision["item"]["status"] == "accepted"
    shipment = _shipments(cli)["S-1003"]
    assert shipment["status"] == "shipped"
    shipped = {line["sku"]: line["shipped_quantity"] for line in shipment["lines"]}
    assert shipped == {"BOTTLE-750": 12, "MUG-12OZ": 3}
    assert [p["tracking_number"] for p in shipment["packages"]] == ["1ZBOT", "1ZMUG"]
    assert _shipments(cli)["S-1002"]["status"] == "sent"
    # The decision is in the run log, and a later receive does not undo or repeat it.
    run = cli.json("log", "--run", str(decision["run_id"]))["runs"][0]
    assert (run["option"], run["status"], run["counts"]["ok"]) == ("review", "completed", 1)
    assert run["messages"][0]["key"] == "S-1003"
    assert "accepted" in run["messages"][0]["message"]
    again = cli.json("sync", loaded, "receive-shipments")
    assert all(r["key"] != "S-1003" or r["status"] == "skipped" for r in again["records"])
    assert [i["shipment_number"] for i in cli.json("review", "list")] == ["S-1002"]
    assert cli.json("review", "list", "--all")[-1]["status"] == "accepted"


def test_dismiss_closes_the_item_and_applies_nothing(cli, loaded, sandbox):
    items = _short_shipped(cli, loaded, sandbox)
    item_id = str(items["S-1002"]["id"])

    text = cli("review", "dismiss", item_id).stdout

    assert f"review item {item_id} dismissed; nothing applied" in text
    shipment = _shipments(cli)["S-1002"]
    assert shipment["status"] == "sent" and shipment["packages"] == []
    assert [line["shipped_quantity"] for line in shipment["lines"]] == [None]
    runs = cli.json("log", CHANNEL)["runs"]
    assert (runs[0]["option"], runs[0]["counts"]["skipped"]) == ("review", 1)
    refused = cli("review", "accept", item_id, status=1)
    assert f"review item {item_id}: already dismissed" in refused.stderr
    assert _shipments(cli)["S-1002"]["status"] == "sent"


@pytest.mark.parametrize("action", ["accept", "dismiss"])
def test_an_unknown_item_is_a_clear_error(cli, loaded, action):
    result = cli("review", action, "999", status=1)
    assert "no review item 999" in result.stderr
