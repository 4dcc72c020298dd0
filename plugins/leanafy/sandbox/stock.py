"""Stock movements: setting, receiving, reserving and consuming inventory, in base units.

Rows are per (item, warehouse, lot). Reservations and picks take lots earliest
expiry first (lots without expiry last, then by lot number). Stock never goes below
zero: a shipment of more than the warehouse holds deducts what there is. A row that
drops to zero stays, so a client listing inventory sees the zero.
Callers hold ``state.lock``.
"""

from __future__ import annotations

from .models import Allocation, InventoryRow, Item, Order
from .state import SandboxState


def row_for(
    state: SandboxState, item: Item, warehouse_id: str, lot_number: str | None
) -> InventoryRow:
    """The row of (item, warehouse, lot), created empty (and stamped) if missing."""
    key = (item.id, warehouse_id, lot_number or "")
    row = state.inventory.get(key)
    if row is None:
        row = InventoryRow(
            item_id=item.id,
            sku=item.sku,
            warehouse_id=warehouse_id,
            lot_number=lot_number,
            expiry_date=None,
            on_hand=0,
            allocated=0,
            unit=item.base_unit,
            updated_at="",
        )
        state.touch_row(row)
    return row


def set_on_hand(
    state: SandboxState,
    item: Item,
    warehouse_id: str,
    lot_number: str | None,
    on_hand: int,
    expiry_date: str | None = None,
) -> InventoryRow:
    """Set a row's on-hand quantity (and expiry, when given)."""
    row = row_for(state, item, warehouse_id, lot_number)
    row.on_hand = on_hand
    if expiry_date is not None:
        row.expiry_date = expiry_date
    state.touch_row(row)
    return row


def add_on_hand(
    state: SandboxState,
    item: Item,
    warehouse_id: str,
    lot_number: str | None,
    quantity: int,
    expiry_date: str | None = None,
) -> None:
    """Add (or, when negative, remove down to the allocated quantity) stock to a row."""
    if quantity == 0 and expiry_date is None:
        return
    row = row_for(state, item, warehouse_id, lot_number)
    row.on_hand = max(row.on_hand + quantity, row.allocated, 0)
    if expiry_date is not None:
        row.expiry_date = expiry_date
    state.touch_row(row)


def _lots(state: SandboxState, item_id: str, warehouse_id: str) -> list[InventoryRow]:
    rows = [
        row
        for row in state.inventory.values()
        if row.item_id == item_id and row.warehouse_id == warehouse_id
    ]
    return sorted(
        rows, key=lambda r: (r.expiry_date is None, r.expiry_date or "", r.lot_number or "")
    )


def allocate(state: SandboxState, order: Order) -> None:
    """Reserve what is available of each item the order still needs (partial if short)."""
    needed: dict[str, int] = {}
    for line in order.items:
        needed[line.item_id] = needed.get(line.item_id, 0) + line.total_base - line.shipped_base
    for allocation in order.allocations:
        needed[allocation.item_id] -= allocation.quantity
    for item_id, quantity in needed.items():
        for row in _lots(state, item_id, order.warehouse_id):
            if quantity <= 0:
                break
            take = min(quantity, row.available)
            if take <= 0:
                continue
            row.allocated += take
            state.touch_row(row)
            order.allocations.append(Allocation(item_id, row.warehouse_id, row.lot_number, take))
            quantity -= take


def release(state: SandboxState, order: Order) -> None:
    """Give back every reservation the order still holds."""
    for allocation in order.allocations:
        row = state.inventory.get(
            (allocation.item_id, allocation.warehouse_id, allocation.lot_number or "")
        )
        if row is not None:
            row.allocated = max(row.allocated - allocation.quantity, 0)
            state.touch_row(row)
    order.allocations = []


def consume(state: SandboxState, order: Order, item_id: str, quantity: int) -> None:
    """Take shipped stock out: the order's reservations of the item first, then free stock."""
    for allocation in order.allocations:
        if quantity <= 0:
            return
        if allocation.item_id != item_id or allocation.quantity <= 0:
            continue
        row = state.inventory[(item_id, allocation.warehouse_id, allocation.lot_number or "")]
        take = min(quantity, allocation.quantity)
        allocation.quantity -= take
        row.allocated = max(row.allocated - take, 0)
        row.on_hand = max(row.on_hand - take, 0)
        state.touch_row(row)
        quantity -= take
    for row in _lots(state, item_id, order.warehouse_id):
        if quantity <= 0:
            return
        take = min(quantity, row.available)
        if take <= 0:
            continue
        row.on_hand -= take
        state.touch_row(row)
        quantity -= take
