"""Applying what a WMS reports: imported products one at a time, and the rules
every received update follows.

:func:`apply_product` decides one product's result from what the store holds
and, when ``write`` is true, makes the change inside the caller's transaction
(with ``write`` false it only reports: dry runs). Applying the same update
twice is a no-op: the second time the record's state (and the update's
``version``) say it is already done, and the result is ``skipped``.
:func:`refusal` and :func:`already_done` are those rules, shared by the
page-at-a-time shipment and receipt updates
(:mod:`techoms_core.store.shipment_pages`, :mod:`techoms_core.store.receipt_pages`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, select

from techoms_core.models import Product, RecordResult, sku_key
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
