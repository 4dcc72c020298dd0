"""Inventory: a snapshot of the channel's Leanafy warehouse, one level per SKU.

Leanafy answers one row per SKU, warehouse and lot, in base units. The rows of
the channel's warehouse are summed over lots per SKU, across every page, so
each SKU appears once in the whole snapshot. The pages are read concurrently
and the read checked afterwards (:mod:`plugins.leanafy.list_snapshot`): if the
warehouse changed meanwhile, what was read is dropped and the list read again.
Memory stays small for a large warehouse: each row is kept as three integers
under one "SKU + lot" string, and a row read twice (on the serial read, a row
that changed moves to a later page) replaces its earlier reading instead of
counting twice.
"""

from __future__ import annotations

from collections.abc import Container, Iterator
from typing import TYPE_CHECKING, Any

from plugins.leanafy import contract as wire
from plugins.leanafy.client import LeanafyClient
from plugins.leanafy.errors import field_named_by
from plugins.leanafy.list_snapshot import READ_AGAIN, whole_list
from plugins.leanafy.settings_view import ChannelView
from techoms_core.models import InventoryLevel, Page, RecordResult

if TYPE_CHECKING:
    from techoms_core.context import ChannelContext

#: Inventory levels per yielded page: the host stages each page in a
#: transaction of its own, whose fixed cost 500 levels did not cover.
LEVELS_PER_PAGE = 2_000
#: The largest quantity a level may hold: what every store can keep (a 32-bit integer).
MAX_QUANTITY = 2**31 - 1

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


class SnapshotRefused(RuntimeError):
    """A snapshot that cannot be swapped in without losing levels techOMS holds:
    a row that names no SKU (it could be any SKU's)."""


def snapshot(context: ChannelContext, client: LeanafyClient) -> Iterator[Page[InventoryLevel]]:
    """The warehouse's levels, summed over lots, in pages of :data:`LEVELS_PER_PAGE`.

    A SKU with any unreadable row (a quantity that is not a whole number in
    range, no warehouse) has no level in the snapshot and is reported
    ``failed``: the host keeps the level it holds for that SKU. A row with no
    SKU could belong to any SKU, so it refuses the whole snapshot
    (:class:`SnapshotRefused`). A snapshot with no level at all is marked
    ``empty_confirmed`` only when Leanafy's list metadata confirms the list is
    empty (every row it counted was read, and none is in the channel's
    warehouse); unconfirmed, the host refuses to let it replace the levels it
    holds (:mod:`techoms_core.snapshot_guard`).
    """
    warehouse = channel_warehouse(context, client)
    reading = _Reading(warehouse)
    for read in whole_list(client, wire.Path.INVENTORY, {}, limit=wire.MAX_PAGE_SIZE):
        if read == READ_AGAIN:
            reading = _Reading(warehouse)
            continue
        number, listed = read
        if number == 1:
            reading.total = listed.total
        for row in listed.records:
            reading.add(row, number)
        context.report_read(len(listed.records), listed.total)
    confirmed = not reading.rows and not reading.failed and reading.confirms_empty()
    totals = _summed(reading.rows, reading.failed)
    yield from _pages(totals, list(reading.failed.values()), empty_confirmed=confirmed)


class _Reading:
    """The rows of one snapshot: quantities by "SKU + lot", failures by SKU."""

    def __init__(self, warehouse: str) -> None:
        self.warehouse = warehouse
        # "SKU<US>lot" -> (on_hand, allocated, available). Leanafy spells a SKU
        # the same way on every row of its item, so the SKU as sent is its identity.
        self.rows: dict[str, Quantities] = {}
        self.failed: dict[str, RecordResult] = {}
        self.listed: set[int] = set()
        self.total: int | None = None

    def add(self, row: dict[str, Any], page: int) -> None:
        sku, lot = row.get(wire.InventoryRow.SKU), str(row.get(wire.InventoryRow.LOT_NUMBER) or "")
        row_warehouse = row.get(wire.InventoryRow.WAREHOUSE_ID)
        if not self.rows and not self.failed:  # only an empty snapshot needs the count
            self.listed.add(hash((str(row_warehouse), str(sku), lot)))
        if isinstance(row_warehouse, str) and row_warehouse != self.warehouse:
            return
        if not isinstance(sku, str) or not sku.strip():
            raise SnapshotRefused(
                f"Leanafy inventory row of item {row.get(wire.InventoryRow.ITEM_ID)!r:.40} on "
                f"page {page} has no SKU ({wire.InventoryRow.SKU}: {sku!r:.40}); the snapshot "
                "is refused and every level is kept as it was"
            )
        sku = sku.strip()
        if sku in self.failed:
            return
        if row_warehouse is None or not isinstance(row_warehouse, str):
            self._fail(sku, wire.InventoryRow.WAREHOUSE_ID, f"is {row_warehouse!r:.40}")
            return
        quantities = []
        for key in QUANTITY_FIELDS:
            value = row.get(key)
            if type(value) is not int or not -MAX_QUANTITY <= value <= MAX_QUANTITY:
                self._fail(sku, key, f"is {value!r:.40}, not a whole number of units")
                return
            quantities.append(value)
        self.rows[f"{sku}{_UNIT_SEPARATOR}{lot}"] = (quantities[0], quantities[1], quantities[2])

    def _fail(self, sku: str, field: str, why: str) -> None:
        self.failed[sku] = RecordResult.failed(
            sku,
            f"Leanafy inventory row is unreadable: {field} {why}; the level techOMS holds is kept",
            field=field,
        )

    def confirms_empty(self) -> bool:
        """Whether Leanafy counted exactly the rows read (none of them in this
        warehouse), so that a snapshot with no level is the truth."""
        return type(self.total) is int and self.total == len(self.listed)


def _summed(rows: dict[str, Quantities], failed: Container[str]) -> dict[str, list[int]]:
    """Quantities summed per SKU, leaving out the SKUs with an unreadable row."""
    totals: dict[str, list[int]] = {}
    while rows:  # emptied as it goes, so the per-lot and per-SKU maps never both peak
        key, (on_hand, allocated, available) = rows.popitem()
        sku = key.partition(_UNIT_SEPARATOR)[0]
        if sku in failed:
            continue
        total = totals.setdefault(sku, [0, 0, 0])
        total[0] += on_hand
        total[1] += allocated
        total[2] += available
    return totals


def _pages(
    totals: dict[str, list[int]], problems: list[RecordResult], *, empty_confirmed: bool
) -> Iterator[Page[InventoryLevel]]:
    batch: list[InventoryLevel] = []
    for sku, (on_hand, allocated, available) in totals.items():
        if max(abs(on_hand), abs(allocated), abs(available)) > MAX_QUANTITY:
            why = f"Leanafy level is over {MAX_QUANTITY:,} units; the level techOMS holds is kept"
            problems.append(RecordResult.failed(sku, why, field="on_hand"))
            continue
        try:
            level = InventoryLevel(
                sku=sku, on_hand=on_hand, allocated=allocated, available=available
            )
        except ValueError as error:
            why = f"Leanafy level refused: {error}; the level techOMS holds is kept"
            problems.append(RecordResult.failed(sku, why, field=field_named_by(error)))
            continue
        batch.append(level)
        if len(batch) >= LEVELS_PER_PAGE:
            yield Page(records=batch)
            batch = []
    yield Page(records=batch, problems=problems, empty_confirmed=empty_confirmed)
