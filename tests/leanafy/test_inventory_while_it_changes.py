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
#: Inventory requests of an unchanged read: 4 pages, page 1 read first (and
#: again), the rows from the newest timestamp on after the last page, and the
#: list's total and those rows again at the end.
CONCURRENT_READ = 4 + 1 + 1 + 2
#: A read again one page after another (keyset paging): its 4 pages.
SERIAL_READ = 4
#: The requests before the pages are read by number: page 1, the last page,
#: the rows from the newest timestamp on.
STATE_READ = 3


@pytest.fixture
def stocked(sandbox):
    sandbox.warehouse.generate_items(ROWS + 10, sku_prefix="INV-")
    sandbox.warehouse.set_inventory_rows(
        [{"sku": f"INV-{n:06d}", "on_hand": n} for n in range(1, ROWS + 1)]
    )
    return sandbox


def change_during_page(monkeypatch, page: int, change: Callable[[], None]) -> None:
    """Run ``change`` once, while the sandbox answers the request for ``page``
    of the inventory (with the full page size and no ``updated_from``, so not
    a check's request), before it reads the page."""
    change_when(
        monkeypatch,
        lambda args: (
            args.get("page") == str(page)
            and args.get("limit") == "500"
            and "updated_from" not in args
        ),
        change,
    )


def change_when(monkeypatch, asked: Callable[[Any], bool], change: Callable[[], None]) -> None:
    """Run ``change`` once, on the first inventory request whose arguments
    ``asked`` accepts, before the sandbox answers it."""
    handler = V1_HANDLERS["list_inventory"]
    done = threading.Event()

    def changing(exchange: Any) -> Any:
        if asked(exchange.request.args) and not done.is_set():
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
        ("update", 3),
        ("delete", 3),
        ("insert", 2),
        ("insert+delete", 3),
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


@pytest.mark.parametrize("what", ["update", "insert+delete"])
def test_a_change_before_the_last_page_is_read_is_in_the_snapshot_read_once(
    plugin, stocked, open_channel, monkeypatch, what
):
    # The last page (4) is read with the list's state, before the other
    # pages: a change made before it is part of what all of them show.
    changes = {
        "update": update_moving(stocked, "INV-000003", 9_999),
        "insert+delete": lambda: (
            insert(stocked, f"INV-{ROWS + 1:06d}")(),
            delete(stocked, "INV-000010")(),
        ),
    }
    change_during_page(monkeypatch, 4, changes[what])

    found, requests = read(plugin, stocked, open_channel)

    assert found == warehouse_levels(stocked)
    assert found["INV-000003"] == (9_999 if what == "update" else 3)
    assert requests == CONCURRENT_READ


@pytest.mark.parametrize("what", ["update", "insert"])
def test_a_change_between_the_last_page_and_the_state_is_read_serially(
    plugin, stocked, open_channel, monkeypatch, what
):
    # The rows from the newest timestamp on are asked right after the last
    # page; a change in between shifts the pages read already.
    changes = {
        "update": update_moving(stocked, "INV-000003", 9_999),
        "insert": insert(stocked, f"INV-{ROWS + 1:06d}"),
    }
    change_when(monkeypatch, lambda args: "updated_from" in args, changes[what])

    found, requests = read(plugin, stocked, open_channel)

    assert found == warehouse_levels(stocked)
    assert requests == STATE_READ + SERIAL_READ
