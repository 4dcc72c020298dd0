"""The review queue on the SQLite host: list, accept, dismiss, and their refusals."""

from __future__ import annotations

import pytest

from techoms_core.models import Page, RecordResult
from techoms_core.reviews import ReviewRefused, ReviewStatus, UnknownReviewItem
from tests.host import samples

OPTION = "receive-shipments"


def _receive(host, *updates) -> list[RecordResult]:
    run_id = host.start_run("wms", OPTION)
    return host.apply_page(run_id, "wms", OPTION, Page(records=list(updates)))


@pytest.fixture
def short(wms):
    """S-1 (3 x SKU-1, 1 x SKU-2) sent, then reported shipped short: 1 of 3 SKU-1."""
    wms.load_shipments([samples.shipment("S-1", ("SKU-1", 3), ("SKU-2", 1))])
    run_id = wms.start_run("wms", "send-shipments")
    wms.record_send_results(
        run_id, "wms", "send-shipments", [RecordResult.ok("S-1", remote_id="r-1")]
    )
    _receive(wms, samples.shipped("S-1", ("SKU-1", 3, 1), ("SKU-2", 1, 1), packages=2))
    [item] = wms.review_items("wms")
    return item


def test_an_item_lists_its_lines_ordered_and_shipped(wms, short):
    assert (short.shipment_number, short.status, short.version) == ("S-1", "pending", "v1")
    assert [(x.sku, x.ordered_quantity, x.shipped_quantity) for x in short.lines] == [
        ("SKU-1", 3, 1),
        ("SKU-2", 1, 1),
    ]
    assert [line.sku for line in short.short_lines] == ["SKU-1"]
    assert [str(p.cost) for p in short.packages] == ["7.25", "7.25"]
    assert wms.review_item(short.id) == short
    assert wms.review_items(status=ReviewStatus.ACCEPTED) == []


def test_accept_applies_as_a_full_update_in_one_transaction(wms, short):
    decision = wms.accept_review(short.id)

    assert decision.item.status is ReviewStatus.ACCEPTED and decision.status == "ok"
    row = wms.shipment_rows()[0]
    assert (row["status"], row["remote_id"]) == ("shipped", "remote-S-1")
    assert [line["shipped_quantity"] for line in row["lines"]] == [1, 1]
    assert [p["tracking_number"] for p in row["packages"]] == ["1ZS-10", "1ZS-11"]
    run = wms.run(decision.run_id)
    assert (run.option, run.status, run.counts["ok"]) == ("review", "completed", 1)
    [message] = wms.run_messages(decision.run_id)
    assert (message.key, message.status) == ("S-1", "ok")
    # The same report received again is a repeat of what was applied.
    [again] = _receive(wms, samples.shipped("S-1", ("SKU-1", 3, 1), ("SKU-2", 1, 1)))
    assert again.status == "skipped" and "already applied" in again.message


def test_dismiss_applies_nothing(wms, short):
    decision = wms.dismiss_review(short.id)

    assert decision.item.status is ReviewStatus.DISMISSED and decision.status == "skipped"
    row = wms.shipment_rows()[0]
    assert row["status"] == "sent" and row["packages"] == []
    assert wms.run(decision.run_id).counts["skipped"] == 1
    with pytest.raises(ReviewRefused, match="already dismissed"):
        wms.dismiss_review(short.id)
    with pytest.raises(ReviewRefused, match="already dismissed"):
        wms.accept_review(short.id)


def test_accept_is_refused_when_the_shipment_moved_on(wms, short):
    """A full report applied since: accepting would overwrite it, so nothing changes."""
    _receive(wms, samples.shipped("S-1", ("SKU-1", 3, 3), ("SKU-2", 1, 1), version="v2"))
    runs_before = len(wms.runs())

    with pytest.raises(ReviewRefused, match=r"already shipped.*nothing applied"):
        wms.accept_review(short.id)

    assert wms.review_item(short.id).status is ReviewStatus.PENDING
    assert [line["shipped_quantity"] for line in wms.shipment_rows()[0]["lines"]] == [3, 1]
    assert len(wms.runs()) == runs_before
    assert wms.dismiss_review(short.id).item.status is ReviewStatus.DISMISSED


def test_an_unknown_item_is_named(wms):
    for decide in (wms.accept_review, wms.dismiss_review, wms.review_item):
        with pytest.raises(UnknownReviewItem, match="no review item 7"):
            decide(7)
