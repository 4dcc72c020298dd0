"""Applying what a WMS reports: shipment updates, receipt updates, products.

Each ``apply_*`` function decides one record's result from what the store
holds and, when ``write`` is true, makes the change inside the caller's
transaction. With ``write`` false it only reports (dry runs). Applying the same
update twice is a no-op: the second time the record's state (and the update's
``version``) say it is already done, and the result is ``skipped``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, bindparam, delete, func, insert, select, update

from techoms_core.host import ReceiptStatus, ShipmentStatus
from techoms_core.models import (
    Product,
    ReceiptUpdate,
    RecordResult,
    ShipmentOutcome,
    ShipmentUpdate,
    sku_key,
)
from techoms_core.store import codec, schema
from techoms_core.store.records import upsert_product

_DONE_SHIPMENT = {ShipmentStatus.SHIPPED.value, ShipmentStatus.CANCELLED.value}

# The statements of a shipment update, built once and bound per update:
# building a statement (and its cache key) for every update cost more CPU than
# running it.
_SHIPMENTS, _LINES, _PACKAGES = schema.shipments, schema.shipment_lines, schema.packages
_SHIPMENT = select(_SHIPMENTS).where(_SHIPMENTS.c.number == bindparam("b_number"))
_SHIPMENT_LINES = (
    select(_LINES)
    .where(_LINES.c.shipment_number == bindparam("b_number"))
    .order_by(_LINES.c.line_number)
)
_SHIPPED_QUANTITY = (
    update(_LINES)
    .where(
        _LINES.c.shipment_number == bindparam("b_number"),
        _LINES.c.line_number == bindparam("b_line"),
    )
    .values(shipped_quantity=bindparam("b_quantity"))
)
_SET_SHIPMENT = (
    update(_SHIPMENTS)
    .where(_SHIPMENTS.c.number == bindparam("b_number"))
    .values(
        status=bindparam("b_status"),
        channel=bindparam("b_channel"),
        applied_version=bindparam("b_version"),
        cancel_requested=False,
        updated_at=bindparam("b_now"),
        remote_id=func.coalesce(
            bindparam("b_remote_id", type_=_SHIPMENTS.c.remote_id.type), _SHIPMENTS.c.remote_id
        ),
        shipped_at=func.coalesce(
            bindparam("b_shipped_at", type_=_SHIPMENTS.c.shipped_at.type),
            _SHIPMENTS.c.shipped_at,
        ),
        cancelled_reason=func.coalesce(
            bindparam("b_reason", type_=_SHIPMENTS.c.cancelled_reason.type),
            _SHIPMENTS.c.cancelled_reason,
        ),
    )
)
_CLEAR_PACKAGES = delete(_PACKAGES).where(_PACKAGES.c.shipment_number == bindparam("b_number"))
_ADD_PACKAGES = insert(_PACKAGES)


def apply_product(
    connection: Connection, channel: str, product: Product, now: dt.datetime, write: bool
) -> RecordResult:
    """Create or update an imported product by SKU identity."""
    table = schema.products
    current = connection.execute(
        select(table.c.data).where(table.c.sku_key == sku_key(product.sku))
    ).scalar()
    document = codec.dumps(codec.product_document(product))
    if current == document:
        return RecordResult.skipped(product.sku, "unchanged: techOMS already has this product")
    outcome = "updated" if current is not None else "created"
    if write:
        upsert_product(connection, product, channel, now)
    return RecordResult.ok(product.sku, message=f"product {outcome}")


def apply_shipment_update(
    connection: Connection, channel: str, change: ShipmentUpdate, now: dt.datetime, write: bool
) -> RecordResult:
    """Shipped -> packages and shipped quantities; cancelled -> the reason;
    short-shipped -> kept for review, not applied."""
    key = change.shipment_number
    row = connection.execute(_SHIPMENT, {"b_number": key}).first()
    refused = _refusal(row, key, "shipment", channel)
    if refused:
        return refused
    if row.status in _DONE_SHIPMENT:
        return _already(key, row.status, row.applied_version, change.outcome.value, change.version)
    if change.outcome is ShipmentOutcome.SHORT_SHIPPED:
        return _keep_for_review(connection, channel, change, now, write)
    if change.outcome is ShipmentOutcome.CANCELLED:
        if write:
            _set_shipment(
                connection,
                change,
                channel,
                now,
                ShipmentStatus.CANCELLED,
                cancelled_reason=change.cancelled_reason,
            )
        reason = change.cancelled_reason or "no reason given"
        return RecordResult.ok(key, message=f"cancelled in the channel: {reason}")
    return _ship(connection, channel, change, now, write)


def _refusal(row: Any, key: str, kind: str, channel: str) -> RecordResult | None:
    if row is None:
        return RecordResult.failed(key, f"no {kind} {key!r} in techOMS", field=f"{kind}_number")
    if row.channel is not None and row.channel != channel:
        return RecordResult.failed(
            key,
            f"{kind} {key!r} was sent to channel {row.channel!r}, not this one",
            field=f"{kind}_number",
        )
    return None


def _already(key: str, status: str, applied: str | None, outcome: str, version: str | None):
    """The record is done already: a repeat of the update applied is a no-op,
    and a different later report does not reopen it."""
    if applied == version:
        return RecordResult.skipped(key, f"already applied: {status} (version {version})")
    return RecordResult.skipped(
        key, f"already {status}; a later report ({outcome}, version {version}) is not applied"
    )


def _ship(connection, channel, change: ShipmentUpdate, now, write) -> RecordResult:
    key = change.shipment_number
    lines = connection.execute(_SHIPMENT_LINES, {"b_number": key}).all()
    shipped, unknown = _match_lines(lines, change.lines)
    if unknown is not None:
        index, line = unknown
        return RecordResult.failed(
            key,
            f"SKU {line.sku!r} is not on shipment {key!r}; nothing applied",
            field=f"lines[{index}].sku",
        )
    quantities = {
        line.line_number: shipped.get(line.line_number, 0 if change.lines else line.quantity)
        for line in lines
    }
    if write:
        _set_shipment(
            connection, change, channel, now, ShipmentStatus.SHIPPED, shipped_at=change.shipped_at
        )
        if quantities:
            connection.execute(
                _SHIPPED_QUANTITY,
                [
                    {"b_number": key, "b_line": number, "b_quantity": quantity}
                    for number, quantity in quantities.items()
                ],
            )
        _replace_packages(connection, change)
    missing = [n for n in quantities if change.lines and n not in shipped]
    message = f"shipped in {len(change.packages)} package(s)"
    if missing:
        return RecordResult.warning(
            key,
            f"{message}; line(s) {missing} not reported by the channel, kept at 0",
            field="lines",
        )
    return RecordResult.ok(key, message=message, remote_id=change.remote_id)


def _match_lines(lines, reported) -> tuple[dict[int, int], tuple[int, Any] | None]:
    """Shipped quantity per techOMS line number, by line number or else by SKU."""
    by_number = {line.line_number: line for line in lines}
    shipped: dict[int, int] = {}
    for index, line in enumerate(reported):
        target = by_number.get(line.line_number)
        if target is None or sku_key(target.sku) != sku_key(line.sku):
            target = next(
                (
                    candidate
                    for candidate in lines
                    if sku_key(candidate.sku) == sku_key(line.sku)
                    and candidate.line_number not in shipped
                ),
                None,
            ) or next((c for c in lines if sku_key(c.sku) == sku_key(line.sku)), None)
        if target is None:
            return shipped, (index, line)
        shipped[target.line_number] = shipped.get(target.line_number, 0) + line.shipped_quantity
    return shipped, None


def _set_shipment(
    connection,
    change,
    channel,
    now,
    status: ShipmentStatus,
    *,
    shipped_at: dt.datetime | None = None,
    cancelled_reason: str | None = None,
) -> None:
    """The shipment's new state; a ``None`` remote id, ship time or reason
    leaves the stored one as it was."""
    connection.execute(
        _SET_SHIPMENT,
        {
            "b_number": change.shipment_number,
            "b_status": status.value,
            "b_channel": channel,
            "b_version": change.version,
            "b_now": now,
            "b_remote_id": change.remote_id,
            "b_shipped_at": shipped_at,
            "b_reason": cancelled_reason,
        },
    )


def _replace_packages(connection: Connection, change: ShipmentUpdate) -> None:
    connection.execute(_CLEAR_PACKAGES, {"b_number": change.shipment_number})
    if change.packages:
        connection.execute(
            _ADD_PACKAGES,
            [
                {
                    "shipment_number": change.shipment_number,
                    "position": position,
                    "tracking_number": package.tracking_number,
                    "carrier": package.carrier,
                    "service": package.service,
                    "cost": package.cost,
                    "currency": package.currency,
                    "shipped_at": package.shipped_at,
                }
                for position, package in enumerate(change.packages, start=1)
            ],
        )


def _keep_for_review(connection, channel, change: ShipmentUpdate, now, write) -> RecordResult:
    key = change.shipment_number
    short = "; ".join(
        f"{line.sku} shipped {line.shipped_quantity} of {line.ordered_quantity}"
        for line in change.short_lines()
    )
    table = schema.reviews
    version = change.version or ""
    kept = connection.execute(
        select(table.c.id).where(table.c.shipment_number == key, table.c.version == version)
    ).first()
    if kept is not None:
        return RecordResult.skipped(key, f"short-shipped, already kept for review: {short}")
    if write:
        connection.execute(
            insert(table).values(
                channel=channel,
                shipment_number=key,
                version=version,
                remote_id=change.remote_id,
                reason=f"short-shipped: {short}",
                detail=codec.dumps(_update_document(change)),
                status="pending",
                received_at=now,
            )
        )
    return RecordResult(
        key=key,
        status="skipped",
        field="lines",
        message=f"short-shipped, not applied; kept for review: {short}",
    )


def _update_document(change: ShipmentUpdate) -> dict[str, Any]:
    return {
        "outcome": change.outcome.value,
        "remote_id": change.remote_id,
        "version": change.version,
        "shipped_at": change.shipped_at,
        "lines": [
            {
                "sku": line.sku,
                "line_number": line.line_number,
                "ordered_quantity": line.ordered_quantity,
                "shipped_quantity": line.shipped_quantity,
            }
            for line in change.lines
        ],
        "packages": [
            {
                "tracking_number": p.tracking_number,
                "carrier": p.carrier,
                "service": p.service,
                "cost": codec.text(p.cost),
                "currency": p.currency,
            }
            for p in change.packages
        ],
    }


def apply_receipt_update(
    connection: Connection, channel: str, change: ReceiptUpdate, now: dt.datetime, write: bool
) -> RecordResult:
    """A completed receipt: received quantities, lots and unit costs replace the
    expected ones (over- and under-receipt as the WMS reports them)."""
    key = change.receipt_number
    row = connection.execute(select(schema.receipts).where(schema.receipts.c.number == key)).first()
    refused = _refusal(row, key, "receipt", channel)
    if refused:
        return refused
    if row.status == ReceiptStatus.RECEIVED.value:
        return _already(key, row.status, row.applied_version, "received", change.version)
    lines = connection.execute(
        select(schema.receipt_lines).where(schema.receipt_lines.c.receipt_number == key)
    ).all()
    expected = {sku_key(line.sku): line.line_number for line in lines}
    numbers = {line.line_number for line in lines}
    unexpected = sorted({r.sku for r in change.lines if sku_key(r.sku) not in expected})
    if write:
        _write_receipt(connection, channel, change, now, expected, numbers)
    units = sum(line.received_quantity for line in change.lines)
    message = f"received {units} unit(s) in {len(change.lines)} line(s)"
    if unexpected:
        return RecordResult.warning(
            key,
            f"{message}; not expected on the receipt, kept as received: " + ", ".join(unexpected),
            field="lines",
        )
    return RecordResult.ok(key, message=message, remote_id=change.remote_id)


def _write_receipt(connection, channel, change: ReceiptUpdate, now, expected, numbers) -> None:
    key = change.receipt_number
    table = schema.received_lines
    connection.execute(delete(table).where(table.c.receipt_number == key))
    if change.lines:
        connection.execute(
            insert(table),
            [
                {
                    "receipt_number": key,
                    "line_number": line.line_number
                    if line.line_number in numbers
                    else expected.get(sku_key(line.sku)),
                    "sku": line.sku,
                    "received_quantity": line.received_quantity,
                    "expected_quantity": line.expected_quantity,
                    "lot_number": line.lot_number,
                    "unit_cost": line.unit_cost,
                    "expiry_date": None
                    if line.expiry_date is None
                    else line.expiry_date.isoformat(),
                }
                for line in change.lines
            ],
        )
    values: dict[str, Any] = {}
    if change.remote_id is not None:
        values["remote_id"] = change.remote_id
    connection.execute(
        update(schema.receipts)
        .where(schema.receipts.c.number == key)
        .values(
            status=ReceiptStatus.RECEIVED.value,
            channel=channel,
            applied_version=change.version,
            received_at=change.received_at or now,
            updated_at=now,
            **values,
        )
    )
