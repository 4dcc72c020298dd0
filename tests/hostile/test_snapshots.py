"""An inventory snapshot never loses a level it could not read."""

from __future__ import annotations

from typing import Any

import pytest

from tests.hostile.conftest import run
from tests.hostile.wms import paged, rewritten
from tests.soak.records import WAREHOUSE


@pytest.fixture
def held(host) -> dict[str, int]:
    """The warehouse's levels after one honest snapshot, by SKU."""
    summary = run(host, "receive-inventory")
    assert summary.status == "completed", summary
    levels = _levels(host)
    assert len(levels) >= 5
    return levels


def _levels(host) -> dict[str, int]:
    return {row["sku"]: row["on_hand"] for row in host.inventory_rows(WAREHOUSE)}


def _failed(summary) -> dict[str, str | None]:
    return {r.key: r.field for r in summary.records if r.status == "failed"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda row: row.update(on_hand=str(row["on_hand"])), "on_hand"),
        (lambda row: row.update(allocated=-1 - row["on_hand"] * 0, on_hand=-5), "on_hand"),
        (lambda row: row.pop("available"), "available"),
        (lambda row: row.pop("warehouse_id"), "warehouse_id"),
        (lambda row: row.update(on_hand=10**40), "on_hand"),
        (lambda row: row.update(on_hand=float("nan")), "on_hand"),
    ],
    ids=["quantity as text", "negative", "missing quantity", "no warehouse", "10^40", "NaN"],
)
def test_unreadable_rows_keep_every_level_and_name_each_sku(host, hostile, held, change, field):
    hostile.behave("GET /v1/inventory", rewritten(change))

    summary = run(host, "receive-inventory")

    # Not one level could be read: the host refuses the swap as a whole.
    assert summary.status == "failed"
    assert "none of the snapshot's levels could be read" in summary.message
    assert "every level is kept" in summary.message
    failed = _failed(summary)
    # Without a warehouse, the other warehouse's SKUs are reported too.
    assert set(held) <= set(failed) and set(failed.values()) == {field}, summary.records
    assert _levels(host) == held


def test_one_unreadable_row_keeps_that_sku_and_updates_the_others(host, hostile, held):
    bad = sorted(held)[0]

    def change(row: dict[str, Any]) -> None:
        row["on_hand"] = "lots" if row["sku"] == bad else row["on_hand"] + 1
        row["available"] = row["available"] + 1 if row["sku"] != bad else row["available"]

    hostile.behave("GET /v1/inventory", rewritten(change))

    summary = run(host, "receive-inventory")

    assert _failed(summary) == {bad: "on_hand"}
    levels = _levels(host)
    assert levels[bad] == held[bad]
    assert {sku: levels[sku] - held[sku] for sku in held if sku != bad} == {
        sku: 1 for sku in held if sku != bad
    } or all(levels[sku] > held[sku] for sku in held if sku != bad)


def test_a_row_without_a_sku_refuses_the_snapshot_whole(host, hostile, held):
    hostile.behave("GET /v1/inventory", rewritten(lambda row: row.pop("sku")))

    summary = run(host, "receive-inventory")

    assert summary.status == "failed"
    assert "has no SKU" in summary.message and "every level is kept" in summary.message
    assert _levels(host) == held


def test_an_empty_snapshot_the_metadata_does_not_confirm_is_refused(host, hostile, held):
    def emptied(body: dict[str, Any]) -> None:
        body["payload"] = []

    hostile.behave("GET /v1/inventory", paged(emptied))

    summary = run(host, "receive-inventory")

    assert summary.status == "failed", summary
    assert "does not confirm" in summary.message
    assert _levels(host) == held


def test_an_empty_snapshot_the_metadata_confirms_empties_the_warehouse(host, hostile, held):
    def emptied(body: dict[str, Any]) -> None:
        body["payload"] = []
        body["meta"] = {**body["meta"], "total": 0, "has_more": False}

    hostile.behave("GET /v1/inventory", paged(emptied))

    summary = run(host, "receive-inventory")

    assert summary.status == "completed", summary
    assert _levels(host) == {}
