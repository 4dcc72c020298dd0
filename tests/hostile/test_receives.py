"""Poison records in received pages fail alone, named by key and field; the
rest of the page is applied, and the cursor never passes a record silently."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

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
