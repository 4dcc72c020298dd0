"""Inventory: a snapshot of the channel's Leanafy warehouse, one level per SKU.

Leanafy answers one row per SKU, warehouse and lot, in base units. The rows of
the channel's warehouse are summed over lots per SKU, across every page, so
each SKU appears once in the whole snapshot. Memory stays small for a large
warehouse: each row is kept as three integers under one "SKU + lot" string,
and a row read twice (it changed while the list was read, so it moved to a
later page) replaces its earlier reading instead of counting twice.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from plugins.leanafy import contract as wire
from plugins.leanafy.client import LeanafyClient
from plugins.leanafy.settings_view import ChannelView
from techoms_core.models import InventoryLevel, Page, RecordResult

if TYPE_CHECKING:
    from techoms_core.context import ChannelContext

#: Inventory levels per yielded page.
LEVELS_PER_PAGE = 500

Quantities = tuple[int, int, int]
_UNIT_SEPARATOR = "\x1f"
QUANTITY_FIELDS = (
    wire.InventoryRow.ON_HAND,
    wire.InventoryRow.ALLOCATED,
    wire.InventoryRow.AVAILABLE,
)


class WarehouseUnknown(RuntimeError):
    """The channel names no warehouse and the account has several."""


def channel_warehouse(context: ChannelContext, client: LeanafyClient) -> str:
    """The Leanafy warehouse the channel serves: the setting, or the account's only one."""
    configured = ChannelView(context).warehouse_id
    if configured:
        return configured
    warehouses = client.me().get(wire.Me.WAREHOUSES) or []
    if len(warehouses) == 1:
        return str(warehouses[0][wire.Me.ID])
    names = ", ".join(f"{w.get(wire.Me.NAME)} ({w.get(wire.Me.ID)})" for w in warehouses)
    raise WarehouseUnknown(
        f"the Leanafy account has {len(warehouses)} warehouses ({names or 'none'}); "
        "set the channel's Leanafy warehouse id"
    )


def snapshot(context: ChannelContext, client: LeanafyClient) -> Iterator[Page[InventoryLevel]]:
    """The warehouse's levels, summed over lots, in pages of :data:`LEVELS_PER_PAGE`."""
    warehouse = channel_warehouse(context, client)
    # One entry per (SKU, lot): "SKU<US>lot" -> (on_hand, allocated, available).
    # Leanafy spells a SKU the same way on every row of its item, so the SKU
    # as sent is its identity here.
    rows: dict[str, Quantities] = {}
    problems: list[RecordResult] = []
    # Rows have no _id: a row read twice at a page boundary replaces itself.
    pages = client.pages_since(wire.Path.INVENTORY, {}, None, limit=wire.MAX_PAGE_SIZE)
    for listed in pages:
        for row in listed.records:
            if row.get(wire.InventoryRow.WAREHOUSE_ID) != warehouse:
                continue
            reading = _reading(row)
            if isinstance(reading, RecordResult):
                problems.append(reading)
                continue
            sku = str(row[wire.InventoryRow.SKU]).strip()
            rows[f"{sku}{_UNIT_SEPARATOR}{row.get(wire.InventoryRow.LOT_NUMBER) or ''}"] = reading
    yield from _pages(_summed(rows), problems)


def _reading(row: dict[str, Any]) -> Quantities | RecordResult:
    sku = str(row.get(wire.InventoryRow.SKU) or "").strip()
    values = [row.get(key) for key in QUANTITY_FIELDS]
    if not sku or not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        why = f"Leanafy inventory row of item {row.get(wire.InventoryRow.ITEM_ID)} is unreadable"
        return RecordResult.failed(sku or "(no SKU)", why, field="on_hand")
    return (values[0], values[1], values[2])


def _summed(rows: dict[str, Quantities]) -> dict[str, list[int]]:
    totals: dict[str, list[int]] = {}
    while rows:  # emptied as it goes, so the per-lot and per-SKU maps never both peak
        key, (on_hand, allocated, available) = rows.popitem()
        total = totals.setdefault(key.partition(_UNIT_SEPARATOR)[0], [0, 0, 0])
        total[0] += on_hand
        total[1] += allocated
        total[2] += available
    return totals


def _pages(
    totals: dict[str, list[int]], problems: list[RecordResult]
) -> Iterator[Page[InventoryLevel]]:
    batch: list[InventoryLevel] = []
    for sku, (on_hand, allocated, available) in totals.items():
        try:
            level = InventoryLevel(
                sku=sku, on_hand=on_hand, allocated=allocated, available=available
            )
        except ValueError as error:
            problems.append(RecordResult.failed(sku, f"Leanafy level refused: {error}"))
            continue
        batch.append(level)
        if len(batch) >= LEVELS_PER_PAGE:
            yield Page(records=batch)
            batch = []
    yield Page(records=batch, problems=problems)
