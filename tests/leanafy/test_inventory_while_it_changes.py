"""An inventory snapshot read concurrently while the warehouse changes under it.

The sandbox's stock is changed in the middle of the read: while Leanafy answers
the request for one page, after some pages went out and before others. Each
snapshot must then be exact (every SKU once, with the level the warehouse holds
when the read ends) or have been read again; without a change it is read once,
concurrently.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

from plugins.leanafy.sandbox.endpoints import V1_HANDLERS

from .test_inventory import levels

ROWS = 1_800  # 4 pages of 500
#: Inventory requests of an unchanged read: 4 pages, page 1 read first, and
#: the list's state before (2 requests) and after (3).
CONCURRENT_READ = 4 + 1 + 2 + 3
#: A read again one page after another (keyset paging): its 4 pages.
SERIAL_READ = 4


@pytest.fixture
def stocked(sandbox):
    sandbox.warehouse.generate_items(ROWS + 10, sku_prefix="INV-")
    sandbox.warehouse.set_inventory_rows(
        [{"sku": f"INV-{n:06d}", "on_hand": n} for n in range(1, ROWS + 1)]
    )
    return sandbox


def change_during_page(monkeypatch, page: int, change: Callable[[], None]) -> None:
    """Run ``change`` once, while the sandbox answers the request for ``page``
    of the inventory (with the full page size, so not a check's request)."""
    handler = V1_HANDLERS["list_inventory"]
    done = threading.Event()

    def changing(exchange: Any) -> Any:
        args = exchange.request.args
        if args.get("page") == str(page) and args.get("limit") == "500" and not done.is_set():
            done.set()
            change()
        return handler(exchange)

    monkeypatch.setitem(V1_HANDLERS, "list_inventory", changing)


def warehouse_levels(sandbox) -> dict[str, int]:
    main = sandbox.warehouse_ids[0]
    return {
        row["sku"]: row["on_hand"]
        for row in sandbox.warehouse.inventory()
        if row["warehouse_id"] == main
    }


def read(plugin, sandbox, open_channel) -> tuple[dict[str, int], int]:
    """The snapshot's on-hand levels, and how many inventory requests it took."""
    sandbox.counters.reset()
    found = levels(plugin.receive_inventory(open_channel(throughput="high")))
    requests = sandbox.counters.snapshot()["requests"]["GET /v1/inventory"]
    return {sku: level.on_hand for sku, level in found.items()}, requests


def test_an_unchanged_warehouse_is_read_once_concurrently(plugin, stocked, open_channel):
    found, requests = read(plugin, stocked, open_channel)
    assert found == warehouse_levels(stocked)
    assert requests == CONCURRENT_READ


def update_moving(sandbox, sku: str, on_hand: int) -> Callable[[], None]:
    """An update: the row gets a new ``updated_at`` and moves to the list's end."""
    return lambda: sandbox.warehouse.set_inventory(sku, on_hand)


def delete(sandbox, sku: str) -> Callable[[], None]:
    """A row leaves the warehouse's list (as when Leanafy drops an empty row)."""

    def remove() -> None:
        state = sandbox.state
        with state.lock:
            (key,) = [key for key, row in state.inventory.items() if row.sku == sku]
            del state.inventory[key]

    return remove


def insert(sandbox, sku: str) -> Callable[[], None]:
    return lambda: sandbox.warehouse.set_inventory(sku, 7)


@pytest.mark.parametrize(
    ("what", "page"),
    [
        ("update", 2),
        ("update", 4),
        ("delete", 3),
        ("insert", 2),
        ("insert+delete", 4),
    ],
)
def test_a_change_during_the_read_is_read_again_and_exact(
    plugin, stocked, open_channel, monkeypatch, what, page
):
    changes = {
        "update": update_moving(stocked, "INV-000003", 9_999),
        "delete": delete(stocked, "INV-000010"),
        "insert": insert(stocked, f"INV-{ROWS + 1:06d}"),
    }
    if what == "insert+delete":  # the total stays as it was
        changes[what] = lambda: (changes["insert"](), changes["delete"]())
    change_during_page(monkeypatch, page, changes[what])

    found, requests = read(plugin, stocked, open_channel)

    assert found == warehouse_levels(stocked)
    assert requests == CONCURRENT_READ + SERIAL_READ
