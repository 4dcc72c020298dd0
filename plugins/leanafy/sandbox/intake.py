"""Creates: what the sandbox's Leanafy does with ``POST /v1/item``, ``/v1/order``, ``/v1/arn``.

A body is read whole (every problem answered at once as a 422), then resolved
against the catalogue (unknown SKUs, units the item does not have), then stored.
Orders and ARNs are never refused for a repeated ``primary_reference_number``.
"""

from __future__ import annotations

from typing import Any

from .bodies import read_arn, read_item, read_order
from .errors import duplicate_sku, forbidden_warehouse
from .models import Arn, ArnLine, Item, Order, OrderLine, sku_key
from .state import SandboxState
from .validation import FieldErrors


def check_warehouse(state: SandboxState, warehouse_id: str | None) -> str:
    """The warehouse a create goes to: the one named (403 if not the key's) or the first."""
    if warehouse_id is None:
        return state.default_warehouse_id
    if warehouse_id not in state.warehouse_ids:
        raise forbidden_warehouse(warehouse_id)
    return warehouse_id


def build_item(state: SandboxState, draft: dict[str, Any]) -> Item:
    """A new item from a validated draft (not stored yet)."""
    now = state.clock.now()
    return Item(id=state.ids.new_id(), created_at=now, updated_at=now, **draft)


def create_item(state: SandboxState, body: Any) -> Item:
    """Validate and store one item; 409 ``duplicate_sku`` if its SKU exists."""
    errors = FieldErrors()
    draft = read_item(body, errors)
    errors.raise_if_any()
    with state.lock:
        if state.item_by_sku(draft["sku"]) is not None:
            raise duplicate_sku(draft["sku"])
        item = build_item(state, draft)
        state.add_item(item)
    return item


def create_items(state: SandboxState, bodies: list[Any]) -> list[Item]:
    """Validate and store many items at once; any problem (a taken or repeated SKU
    included) refuses the whole batch with a 422 naming each ``items[i]`` field."""
    errors = FieldErrors()
    drafts = [read_item(body, errors, f"items[{index}]") for index, body in enumerate(bodies)]
    with state.lock:
        seen: set[str] = set()
        for index, draft in enumerate(drafts):
            if not draft["sku"]:
                continue
            key = sku_key(draft["sku"])
            if key in seen or state.item_by_sku(draft["sku"]) is not None:
                errors.add(f"items[{index}].sku", "duplicate sku")
            seen.add(key)
        errors.raise_if_any()
        items = [build_item(state, draft) for draft in drafts]
        for item in items:
            state.add_item(item)
    return items


def _resolve_item(
    state: SandboxState, line: dict[str, Any], direction: str, errors: FieldErrors
) -> tuple[Item, str, int] | None:
    if line["sku"] is None:
        return None
    item = state.item_by_sku(line["sku"])
    if item is None:
        errors.add(f"{line['path']}.sku", "unknown sku")
        return None
    if line["unit"] is None:
        return None
    unit = item.unit_rate(line["unit"], direction)
    if unit is None:
        allowed = ", ".join(item.unit_names(direction))
        errors.add(f"{line['path']}.unit", f"unknown unit for {item.sku} (allowed: {allowed})")
        return None
    return item, unit[0], unit[1]


def create_order(state: SandboxState, body: Any) -> Order:
    """Validate and store an order (status ``open``), resolving each line's unit."""
    errors = FieldErrors()
    draft = read_order(body, errors)
    with state.lock:
        warehouse_id = check_warehouse(state, draft["warehouse_id"])
        lines: list[OrderLine] = []
        for line in draft["lines"]:
            resolved = _resolve_item(state, line, "shipping", errors)
            if resolved is None or line["total_qty"] is None:
                continue
            item, unit, rate = resolved
            lines.append(
                OrderLine(
                    item_id=item.id,
                    sku=item.sku,
                    name=item.name,
                    description=item.description,
                    scannable=item.scannable,
                    total_qty=line["total_qty"],
                    unit=unit,
                    base_unit=item.base_unit,
                    base_conversion_rate=rate,
                )
            )
        errors.raise_if_any()
        order = Order(
            id=state.ids.new_id(),
            code=state.take_order_code(),
            warehouse_id=warehouse_id,
            client_id=state.client.id,
            client_name=state.client.name,
            status="open",
            items=lines,
            created_at="",
            updated_at="",
            **{key: draft[key] for key in _ORDER_ECHOED},
        )
        state.touch_order(order)
        order.created_at = order.updated_at
    return order


_ORDER_ECHOED = (
    "primary_reference_number",
    "instructions",
    "shipping_address",
    "billing_address",
    "is_billing_same_as_shipping",
    "default_shipping_carrier",
    "customer_type",
    "due_date",
)


def create_arn(state: SandboxState, body: Any) -> Arn:
    """Validate and store an ARN (status ``open``), resolving each line's unit."""
    errors = FieldErrors()
    draft = read_arn(body, errors)
    with state.lock:
        warehouse_id = check_warehouse(state, draft["warehouse_id"])
        lines: list[ArnLine] = []
        for line in draft["lines"]:
            resolved = _resolve_item(state, line, "receiving", errors)
            if resolved is None or line["expected_qty"] is None:
                continue
            item, unit, rate = resolved
            lines.append(
                ArnLine(
                    item_id=item.id,
                    sku=item.sku,
                    expected_qty=line["expected_qty"],
                    unit=unit,
                    base_unit=item.base_unit,
                    base_conversion_rate=rate,
                    unit_cost=line["unit_cost"],
                    lot_number=line["lot_number"],
                )
            )
        errors.raise_if_any()
        arn = Arn(
            id=state.ids.new_id(),
            code=state.take_arn_code(),
            status="open",
            primary_reference_number=draft["primary_reference_number"],
            po_number=draft["po_number"],
            supplier=draft["supplier"],
            expected_date=draft["expected_date"],
            warehouse_id=warehouse_id,
            instructions=draft["instructions"],
            items=lines,
            created_at="",
            updated_at="",
        )
        state.touch_arn(arn)
        arn.created_at = arn.updated_at
    return arn
