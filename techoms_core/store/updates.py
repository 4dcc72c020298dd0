"""Applying what a WMS reports, one record at a time: receipt updates, products.

Each ``apply_*`` function decides one record's result from what the store
holds and, when ``write`` is true, makes the change inside the caller's
transaction. With ``write`` false it only reports (dry runs). Applying the same
update twice is a no-op: the second time the record's state (and the update's
``version``) say it is already done, and the result is ``skipped``.
:func:`refusal` and :func:`already_done` are those rules, shared with the
page-at-a-time shipment updates (:mod:`techoms_core.store.shipment_pages`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from techoms_core.host import ReceiptStatus
from techoms_core.models import Product, ReceiptUpdate, RecordResult, sku_key
from techoms_core.store import codec, schema
from techoms_core.store.records import upsert_product


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


def refusal(row: Any, key: str, kind: str, channel: str) -> RecordResult | None:
    """``failed`` naming the number when the record is not in techOMS or was
    sent to another channel; ``None`` when this channel may update it."""
    if row is None:
        return RecordResult.failed(key, f"no {kind} {key!r} in techOMS", field=f"{kind}_number")
    if row.channel is not None and row.channel != channel:
        return RecordResult.failed(
            key,
            f"{kind} {key!r} was sent to channel {row.channel!r}, not this one",
            field=f"{kind}_number",
        )
    return None


def already_done(
    key: str, status: str, applied: str | None, outcome: str, version: str | None
) -> RecordResult:
    """The record is done already: a repeat of the update applied is a no-op,
    and a different later report does not reopen it."""
    if applied == version:
        return RecordResult.skipped(key, f"already applied: {status} (version {version})")
    return RecordResult.skipped(
        key, f"already {status}; a later report ({outcome}, version {version}) is not applied"
    )


def apply_receipt_update(
    connection: Connection, channel: str, change: ReceiptUpdate, now: dt.datetime, write: bool
) -> RecordResult:
    """A completed receipt: received quantities, lots and unit costs replace the
    expected ones (over- and under-receipt as the WMS reports them)."""
    key = change.receipt_number
    row = connection.execute(select(schema.receipts).where(schema.receipts.c.number == key)).first()
    refused = refusal(row, key, "receipt", channel)
    if refused:
        return refused
    if row.status == ReceiptStatus.RECEIVED.value:
        return already_done(key, row.status, row.applied_version, "received", change.version)
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
