"""A page of shipment updates is applied set-based, with the outcome of applying
its updates one after another: repeats inside a page, failures that write
nothing, dry runs judged against the store as it is."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest
from sqlalchemy import insert, update

from techoms_core.models import Package, Page, RecordResult, ShipmentUpdate, ShippedLine
from techoms_core.store import StoreHost, database, schema
from tests.host import samples
from tests.stores import store_content

OPTION = "receive-shipments"


def _sent(host, *shipments) -> None:
    host.load_shipments(list(shipments))
    run_id = host.start_run("wms", "send-shipments")
    results = [RecordResult.ok(s.number, remote_id=f"remote-{s.number}") for s in shipments]
    host.record_send_results(run_id, "wms", "send-shipments", results)


def _apply(host, *updates, channel="wms"):
    run_id = host.start_run(channel, OPTION)
    return host.apply_page(run_id, channel, OPTION, Page(records=list(updates)))


def _cancelled(number: str, version: str = "v1") -> ShipmentUpdate:
    return ShipmentUpdate(
        shipment_number=number, outcome="cancelled", version=version, cancelled_reason="gone"
    )


def test_a_shipment_reported_twice_in_a_page_is_applied_once(wms):
    _sent(wms, samples.shipment("S-1"), samples.shipment("S-2"))
    first = samples.shipped("S-1", ("SKU-1", 2, 2), packages=2)
    results = _apply(
        wms, first, _cancelled("S-2"), first, samples.shipped("S-2", ("SKU-1", 2, 2), version="v2")
    )
    assert [(r.key, r.status) for r in results] == [
        ("S-1", "ok"),
        ("S-2", "ok"),
        ("S-1", "skipped"),
        ("S-2", "skipped"),
    ]
    assert results[2].message == "already applied: shipped (version v1)"
    assert "a later report (shipped, version v2) is not applied" in results[3].message
    rows = {row["number"]: row for row in wms.shipment_rows()}
    assert len(rows["S-1"]["packages"]) == 2 and rows["S-2"]["status"] == "cancelled"
    assert rows["S-2"]["packages"] == [] and rows["S-2"]["lines"][0]["shipped_quantity"] is None


def test_a_short_shipped_report_repeated_in_a_page_is_kept_once(wms):
    _sent(wms, samples.shipment("S-1", ("SKU-1", 3)))
    short = samples.shipped("S-1", ("SKU-1", 3, 1))
    results = _apply(wms, short, short, samples.shipped("S-1", ("SKU-1", 3, 2), version="v2"))
    assert [r.message.split(":")[0] for r in results] == [
        "short-shipped, not applied; kept for review",
        "short-shipped, already kept for review",
        "short-shipped, not applied; kept for review",
    ]
    assert [item.version for item in wms.review_items("wms")] == ["v1", "v2"]
    assert wms.shipment_rows()[0]["status"] == "sent"


def test_a_failed_update_writes_nothing_and_the_others_apply(wms):
    _sent(wms, samples.shipment("S-1"), samples.shipment("S-2"))
    wrong_sku = samples.shipped("S-1", ("NOPE", 2, 2))
    results = _apply(wms, wrong_sku, samples.shipped("S-2", ("SKU-1", 2, 2)))
    assert [(r.key, r.status, r.field) for r in results] == [
        ("S-1", "failed", "lines[0].sku"),
        ("S-2", "ok", None),
    ]
    rows = {row["number"]: row for row in wms.shipment_rows()}
    assert rows["S-1"]["status"] == "sent" and rows["S-1"]["packages"] == []
    assert rows["S-1"]["lines"][0]["shipped_quantity"] is None
    assert rows["S-2"]["status"] == "shipped"


def test_lines_match_by_number_then_by_sku(wms):
    _sent(wms, samples.shipment("S-1", ("SKU-1", 2), ("SKU-1", 3), ("SKU-2", 1)))
    update = ShipmentUpdate(
        shipment_number="S-1",
        outcome="shipped",
        lines=(
            ShippedLine(sku="sku-1", ordered_quantity=3, shipped_quantity=3, line_number=2),
            ShippedLine(sku=" SKU-1 ", ordered_quantity=2, shipped_quantity=2),
        ),
        packages=(Package(tracking_number="1Z"),),
    )
    [result] = _apply(wms, update)
    assert result.status == "warning" and result.field == "lines"
    assert "line(s) [3] not reported by the channel, kept at 0" in result.message
    lines = wms.shipment_rows()[0]["lines"]
    assert [line["shipped_quantity"] for line in lines] == [2, 3, 0]


def test_a_dry_run_judges_every_update_against_the_store(wms, db_target):
    _sent(wms, samples.shipment("S-1"))
    update = samples.shipped("S-1", ("SKU-1", 2, 2))
    wms.close()
    before = store_content(db_target)
    results = wms.preview_page("wms", OPTION, Page(records=[update, update]))
    assert [r.status for r in results] == ["ok", "ok"]
    wms.close()
    assert store_content(db_target) == before


def test_pages_longer_than_one_lookup(wms, monkeypatch):
    monkeypatch.setattr(database, "KEYS_PER_QUERY", 2)
    shipments = [samples.shipment(f"S-{n}") for n in range(1, 6)]
    _sent(wms, *shipments)
    updates = [samples.shipped(s.number, ("SKU-1", 2, 2)) for s in shipments]
    results = _apply(wms, *updates, samples.shipped("S-9", ("SKU-1", 1, 1)))
    assert [r.status for r in results] == ["ok"] * 5 + ["failed"]
    assert {row["status"] for row in wms.shipment_rows()} == {"shipped"}


def test_times_and_costs_are_stored_as_sqlalchemy_stores_them(wms):
    _sent(wms, samples.shipment("S-1"), samples.shipment("S-2"))
    at = dt.datetime(2025, 1, 6, 9, 0, 0, 123456, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    package = Package(tracking_number="1Z", cost="7.250", currency="USD", shipped_at=at)
    shipped = ShipmentUpdate(
        shipment_number="S-1", outcome="shipped", shipped_at=at, packages=(package,)
    )
    _apply(wms, shipped)
    with wms._write() as connection:  # S-2 written by SQLAlchemy's own execution
        shipments, packages = schema.shipments, schema.packages
        connection.execute(
            update(shipments).where(shipments.c.number == "S-2").values(shipped_at=at)
        )
        connection.execute(
            insert(packages).values(
                shipment_number="S-2", position=1, cost=Decimal("7.250"), shipped_at=at
            )
        )
        stored = connection.exec_driver_sql(
            "SELECT s.shipped_at, p.cost, p.shipped_at FROM shipments s"
            " JOIN packages p ON p.shipment_number = s.number ORDER BY s.number"
        ).all()
    assert stored[0] == stored[1]
    [row] = [r for r in wms.shipment_rows() if r["number"] == "S-1"]
    assert row["shipped_at"] == "2025-01-06T07:00:00.123456+00:00"
    assert row["packages"][0]["cost"] == "7.250"


# -- a page gives what its updates give one by one ----------------------------------

_SKUS = ("SKU-1", "sku-1", "SKU-2", "SKU-3")


def _world(host: StoreHost, seed: int) -> list:
    pick = random.Random(seed)
    host.add_channel(samples.channel())
    host.add_channel(samples.channel("east", warehouse="EAST"))
    shipments = [
        samples.shipment(
            f"S-{n}",
            *[(pick.choice(_SKUS), pick.randint(1, 3)) for _ in range(pick.randint(1, 3))],
            warehouse=pick.choice(["MAIN", "EAST"]),
        )
        for n in range(1, 9)
    ]
    host.load_shipments(shipments)
    for channel, warehouse in (("wms", "MAIN"), ("east", "EAST")):
        chosen = [s for s in shipments if s.warehouse == warehouse and pick.random() < 0.8]
        run_id = host.start_run(channel, "send-shipments")
        results = [RecordResult.ok(s.number, remote_id=f"r-{s.number}") for s in chosen]
        host.record_send_results(run_id, channel, "send-shipments", results)
    return shipments


def _update(pick: random.Random, shipments: list) -> ShipmentUpdate:
    shipment = pick.choice(shipments)
    version = pick.choice(["v1", "v2", None])
    if pick.random() < 0.2:
        return _cancelled(shipment.number, version=version)
    lines = []
    for line in shipment.lines:
        if pick.random() < 0.15:
            continue
        sent = line.quantity if pick.random() < 0.7 else pick.randint(0, line.quantity)
        sku = line.sku if pick.random() < 0.9 else "UNKNOWN"
        number = pick.choice([None, line.line_number, line.line_number + 1])
        lines.append(
            ShippedLine(
                sku=sku, ordered_quantity=line.quantity, shipped_quantity=sent, line_number=number
            )
        )
    short = any(line.short_by for line in lines)
    return ShipmentUpdate(
        shipment_number=pick.choice([shipment.number, shipment.number, "S-404"]),
        outcome="short_shipped" if short else "shipped",
        version=version,
        lines=lines,
        packages=[Package(tracking_number=f"1Z{n}") for n in range(pick.randint(0, 2))],
    )


def _state(host: StoreHost):
    return host.shipment_rows(), host.review_items()


@pytest.mark.parametrize("seed", range(8))
def test_a_page_applies_as_its_updates_one_by_one(db_target, other_db_target, clock, seed):
    with (
        StoreHost(db_target, clock=clock) as paged,
        StoreHost(other_db_target, clock=clock) as single,
    ):
        shipments = _world(paged, seed)
        _world(single, seed)
        pick = random.Random(seed)
        for _ in range(3):
            updates = [_update(pick, shipments) for _ in range(12)]
            updates += pick.sample(updates, 4)
            channel = pick.choice(["wms", "wms", "east"])
            whole = _apply(paged, *updates, channel=channel)
            one_by_one = [_apply(single, u, channel=channel)[0] for u in updates]
            assert whole == one_by_one
            assert _state(paged) == _state(single)
