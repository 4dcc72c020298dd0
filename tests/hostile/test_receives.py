"""Poison records in received pages fail alone, named by key and field; the
rest of the page is applied, and the cursor never passes a record silently."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from plugins.leanafy.cursor import Cursor
from tests.hostile.conftest import CHANNEL, run
from tests.hostile.wms import rewritten, same_page_forever


@pytest.fixture
def shipped(host, sandbox_demo) -> None:
    """Every shipment sent and shipped, every receipt sent and closed."""
    for option in ("send-shipments", "send-receipts"):
        assert run(host, option).counts["failed"] == 0
    for order in sandbox_demo.warehouse.orders():
        sandbox_demo.warehouse.ship(order["_id"])
    for arn in sandbox_demo.warehouse.arns():
        sandbox_demo.warehouse.close_arn(arn["_id"])


def only(number: str, change: Callable[[dict[str, Any]], None]):
    def edit(record: dict[str, Any]) -> None:
        if record.get("primary_reference_number") == number:
            change(record)

    return rewritten(edit)


def _statuses(rows) -> dict[str, str]:
    return {row["number"]: row["status"] for row in rows}


def _failed(summary) -> list[tuple[str, str | None]]:
    return [(r.key, r.field) for r in summary.records if r.status == "failed"]


def _line(field: str, value: Any) -> Callable[[dict[str, Any]], None]:
    return lambda record: record["items"][0].update({field: value})


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (_line("received_qty", 10**40), "received_qty"),
        (_line("base_conversion_rate", float("nan")), "base_conversion_rate"),
        (_line("unit_cost", float("inf")), "unit_cost"),
        (lambda arn: arn.update(items=[5]), "items[0]"),
        (lambda arn: arn.update(items={"sku": "x"}), "items"),
        (lambda arn: arn.pop("status"), "status"),
    ],
    ids=["10^40", "NaN rate", "Infinity cost", "items [5]", "items an object", "no status"],
)
def test_a_poison_arn_fails_alone_and_the_page_is_applied(host, hostile, shipped, change, field):
    hostile.behave("GET /v1/arns", only("R-00001", change))

    summary = run(host, "receive-receipts")

    assert summary.status == "completed", summary
    assert _failed(summary) == [("R-00001", field)], summary.records
    assert _statuses(host.receipt_rows()) == {"R-00001": "sent", "R-00002": "received"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (_line("shipped_qty", 10**40), "shipped_qty"),
        (_line("base_conversion_rate", float("nan")), "base_conversion_rate"),
        (lambda order: order.update(shipments=[5]), "shipments[0]"),
        (lambda order: order.pop("status"), "status"),
    ],
    ids=["10^40", "NaN rate", "shipments [5]", "no status"],
)
def test_a_poison_order_fails_alone_and_the_page_is_applied(host, hostile, shipped, change, field):
    hostile.behave("GET /v1/orders", only("S-00001", change))

    summary = run(host, "receive-shipments")

    assert summary.status == "completed", summary
    assert _failed(summary) == [("S-00001", field)], summary.records
    assert _statuses(host.shipment_rows()) == {
        "S-00001": "sent",
        "S-00002": "shipped",
        "S-00003": "shipped",
    }


def test_a_page_that_never_advances_is_stopped_by_name(host, hostile, shipped):
    hostile.behave("GET /v1/orders", same_page_forever)
    before = hostile.count("GET /v1/orders")

    summary = run(host, "receive-shipments")

    assert summary.status == "failed"
    assert "same records as the page before" in summary.message
    assert hostile.count("GET /v1/orders") - before == 2
    assert host.cursor(CHANNEL, "receive-shipments") is not None


def _stored_cursor_id(host, option: str) -> str | None:
    stored = Cursor.decode(host.cursor(CHANNEL, option))
    return None if stored is None else stored.record_id


def _listed(records) -> list[tuple[str, str]]:
    """(number, ``_id``) of each record, in the order Leanafy lists them."""
    ordered = sorted(records, key=lambda record: (record["updated_at"], record["_id"]))
    return [(record["primary_reference_number"], record["_id"]) for record in ordered]


@pytest.mark.parametrize("missing", ["updated_at", "_id"])
def test_an_order_without_a_place_fails_alone_and_the_cursor_waits_before_it(
    host, hostile, shipped, sandbox_demo, missing
):
    (_, first_id), (middle, _), (_, last_id) = _listed(sandbox_demo.warehouse.orders())
    hostile.behave("GET /v1/orders", only(middle, lambda order: order.pop(missing)))

    summary = run(host, "receive-shipments")

    assert summary.status == "completed", summary
    assert _failed(summary) == [(middle, missing)], summary.records
    [failure] = [r.message for r in summary.records if r.status == "failed"]
    assert re.search(rf"order \S+.* \(record 1 of its page\) with no {missing}", failure), failure
    statuses = _statuses(host.shipment_rows())
    assert statuses.pop(middle) == "sent"
    assert set(statuses.values()) == {"shipped"}
    assert _stored_cursor_id(host, "receive-shipments") == first_id

    hostile.clear()  # Leanafy now lists the order whole
    again = run(host, "receive-shipments")

    (last, _) = _listed(sandbox_demo.warehouse.orders())[-1]
    applied, repeated = again.records  # nothing before the held cursor is read again
    assert (applied.key, repeated.key, repeated.status) == (middle, last, "skipped")
    assert set(_statuses(host.shipment_rows()).values()) == {"shipped"}
    assert _stored_cursor_id(host, "receive-shipments") == last_id


def test_the_first_arn_without_updated_at_keeps_the_cursor_where_it_was(
    host, hostile, shipped, sandbox_demo
):
    [(first, _), _] = _listed(sandbox_demo.warehouse.arns())
    hostile.behave("GET /v1/arns", only(first, lambda arn: arn.pop("updated_at")))

    summary = run(host, "receive-receipts")

    assert _failed(summary) == [(first, "updated_at")], summary.records
    [failure] = [r.message for r in summary.records if r.status == "failed"]
    assert "(record 0 of its page) with no updated_at" in failure
    statuses = _statuses(host.receipt_rows())
    assert statuses.pop(first) == "sent"
    assert set(statuses.values()) == {"received"}
    assert host.cursor(CHANNEL, "receive-receipts") is None

    hostile.clear()
    run(host, "receive-receipts")
    assert set(_statuses(host.receipt_rows()).values()) == {"received"}


def test_an_item_without_updated_at_fails_alone_by_its_sku_and_is_imported_later(host, hostile):
    host.set_master_product_source(CHANNEL)
    poison = "SKU-000002"

    def unplaced(item: dict[str, Any]) -> None:
        if item.get("sku") == poison:
            item.pop("updated_at")

    hostile.behave("GET /v1/items", rewritten(unplaced))

    summary = run(host, "import-products")

    assert summary.status == "completed", summary
    assert _failed(summary) == [(poison, "updated_at")], summary.records
    imported = {row["sku"] for row in host.product_rows()}
    assert poison not in imported and "SKU-000001" in imported and "SKU-000040" in imported

    hostile.clear()
    run(host, "import-products")
    assert poison in {row["sku"] for row in host.product_rows()}
