"""A page of receipt updates is applied set-based, with the outcome of applying
its updates one after another."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from techoms_core.models import Page, ReceiptUpdate, ReceivedLine, RecordResult
from techoms_core.store import StoreHost
from tests.host import samples
from tests.stores import store_content

OPTION = "receive-receipts"


def _sent(host, *receipts, channel="wms") -> None:
    host.load_receipts(list(receipts))
    run_id = host.start_run(channel, "send-receipts")
    results = [RecordResult.ok(r.number, remote_id=f"arn-{r.number}") for r in receipts]
    host.record_send_results(run_id, channel, "send-receipts", results)


def _apply(host, *updates, channel="wms"):
    run_id = host.start_run(channel, OPTION)
    return host.apply_page(run_id, channel, OPTION, Page(records=list(updates)))


def test_a_receipt_reported_twice_in_a_page_is_received_once(wms):
    _sent(wms, samples.receipt("R-1", ("SKU-1", 10), ("SKU-2", 5)), samples.receipt("R-2"))
    first = samples.received("R-1", ("sku-1", 12), ("SKU-3", 1))
    later = samples.received("R-1", ("SKU-1", 1), version="v2")
    results = _apply(wms, first, samples.received("R-9", ("SKU-1", 1)), later)
    assert [(r.key, r.status, r.field) for r in results] == [
        ("R-1", "warning", "lines"),
        ("R-9", "failed", "receipt_number"),
        ("R-1", "skipped", None),
    ]
    assert results[0].message == (
        "received 13 unit(s) in 2 line(s); not expected on the receipt, kept as received: SKU-3"
    )
    assert "a later report (received, version v2) is not applied" in results[2].message
    rows = {row["number"]: row for row in wms.receipt_rows()}
    assert rows["R-1"]["status"] == "received" and rows["R-2"]["status"] == "sent"
    assert [(line["sku"], line["line_number"]) for line in rows["R-1"]["received_lines"]] == [
        ("sku-1", 1),
        ("SKU-3", None),
    ]


def test_a_dry_run_judges_every_update_against_the_store(wms, db_target):
    _sent(wms, samples.receipt("R-1"))
    update = samples.received("R-1", ("SKU-1", 9))
    wms.close()
    before = store_content(db_target)
    results = wms.preview_page("wms", OPTION, Page(records=[update, update]))
    assert [r.status for r in results] == ["ok", "ok"]
    wms.close()
    assert store_content(db_target) == before


def _world(host: StoreHost, seed: int) -> list:
    pick = random.Random(seed)
    host.add_channel(samples.channel())
    host.add_channel(samples.channel("east", warehouse="EAST"))
    receipts = [
        samples.receipt(
            f"R-{n}",
            *[(pick.choice(("SKU-1", "sku-1", "SKU-2")), 6) for _ in range(pick.randint(1, 3))],
            warehouse=pick.choice(["MAIN", "EAST"]),
        )
        for n in range(1, 8)
    ]
    for channel, warehouse in (("wms", "MAIN"), ("east", "EAST")):
        chosen = [r for r in receipts if r.warehouse == warehouse and pick.random() < 0.8]
        host.load_receipts([r for r in receipts if r.warehouse == warehouse])
        run_id = host.start_run(channel, "send-receipts")
        results = [RecordResult.ok(r.number, remote_id=f"a-{r.number}") for r in chosen]
        host.record_send_results(run_id, channel, "send-receipts", results)
    return receipts


def _update(pick: random.Random, receipts: list) -> ReceiptUpdate:
    receipt = pick.choice(receipts)
    lines = [
        ReceivedLine(
            sku=pick.choice([line.sku, "SKU-NEW"]),
            received_quantity=pick.randint(0, 9),
            line_number=pick.choice([None, line.line_number, 9]),
            unit_cost=pick.choice([None, "0.125"]),
        )
        for line in receipt.lines
        if pick.random() < 0.8
    ]
    return ReceiptUpdate(
        receipt_number=pick.choice([receipt.number, receipt.number, "R-404"]),
        lines=lines,
        remote_id=pick.choice([None, "arn-x"]),
        received_at=pick.choice([None, dt.datetime(2025, 2, 1, tzinfo=dt.UTC)]),
        version=pick.choice(["v1", "v2", None]),
    )


@pytest.mark.parametrize("seed", range(6))
def test_a_page_applies_as_its_updates_one_by_one(db_target, other_db_target, clock, seed):
    with (
        StoreHost(db_target, clock=clock) as paged,
        StoreHost(other_db_target, clock=clock) as single,
    ):
        receipts = _world(paged, seed)
        _world(single, seed)
        pick = random.Random(seed)
        for _ in range(3):
            updates = [_update(pick, receipts) for _ in range(10)]
            updates += pick.sample(updates, 3)
            channel = pick.choice(["wms", "wms", "east"])
            whole = _apply(paged, *updates, channel=channel)
            one_by_one = [_apply(single, u, channel=channel)[0] for u in updates]
            assert whole == one_by_one
            assert paged.receipt_rows() == single.receipt_rows()
