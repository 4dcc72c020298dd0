"""Applying a page of shipment updates with a few set-based statements.

A page is read once: its shipments, the lines of those that may ship, and the
reviews its short-shipped reports may repeat (each an ``IN (...)`` built once
with an expanding parameter). Every update is then decided in Python, in page
order, against that picture; with ``write`` true each applied update changes
the picture as it changes the store, so a shipment reported twice in one page
is applied once and its repeat is ``skipped``, exactly as if the updates had
been applied one after another. Last, the page's changes are written with one
``executemany`` per statement, all inside the caller's transaction.

The rules: shipped -> packages and shipped quantities; cancelled -> the
reason; short-shipped -> kept for review, not applied; a shipment already
shipped or cancelled -> ``skipped`` (a repeat of the update applied, or a
later report that does not reopen it); an unknown shipment, one sent to
another channel, or a SKU that is not on the shipment -> ``failed`` naming the
field, and that update writes nothing. Refusals and repeats are judged by
:func:`~techoms_core.store.updates.refusal` and
:func:`~techoms_core.store.updates.already_done`, shared with receipts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, select

from techoms_core.host import ShipmentStatus
from techoms_core.models import RecordResult, ShipmentOutcome, ShipmentUpdate, sku_key
from techoms_core.store import codec, schema
from techoms_core.store.database import rows_for_keys
from techoms_core.store.shipment_writes import ShipmentPageWrites
from techoms_core.store.updates import already_done, refusal

_DONE = {ShipmentStatus.SHIPPED.value, ShipmentStatus.CANCELLED.value}
_SHIPPED, _CANCELLED = ShipmentStatus.SHIPPED.value, ShipmentStatus.CANCELLED.value

# Every statement is built once: building one (and its cache key) per page or
# per update cost more CPU than running it.
_SHIPMENTS, _LINES, _REVIEWS = schema.shipments, schema.shipment_lines, schema.reviews
_NUMBERS = bindparam("b_numbers", expanding=True)
_READ_SHIPMENTS = select(
    _SHIPMENTS.c.number, _SHIPMENTS.c.status, _SHIPMENTS.c.channel, _SHIPMENTS.c.applied_version
).where(_SHIPMENTS.c.number.in_(_NUMBERS))
_READ_LINES = (
    select(_LINES.c.shipment_number, _LINES.c.line_number, _LINES.c.sku, _LINES.c.quantity)
    .where(_LINES.c.shipment_number.in_(_NUMBERS))
    .order_by(_LINES.c.shipment_number, _LINES.c.line_number)
)
_READ_REVIEWS = select(_REVIEWS.c.shipment_number, _REVIEWS.c.version).where(
    _REVIEWS.c.shipment_number.in_(_NUMBERS)
)


class _Line:
    """A stored shipment line, with its SKU identity computed once."""

    __slots__ = ("number", "quantity", "sku_key")

    def __init__(self, number: int, sku: str, quantity: int) -> None:
        self.number = number
        self.sku_key = sku_key(sku)
        self.quantity = quantity


class _Shipment:
    """What the page knows of a stored shipment; applied updates change it."""

    __slots__ = ("applied_version", "channel", "lines", "number", "status")

    def __init__(
        self, number: str, status: str, channel: str | None, applied_version: str | None
    ) -> None:
        self.number = number
        self.status = status
        self.channel = channel
        self.applied_version = applied_version
        self.lines: list[_Line] = []

    def applied(self, status: str, channel: str, version: str | None) -> None:
        self.status, self.channel, self.applied_version = status, channel, version


def apply_shipment_page(
    connection: Connection,
    channel: str,
    updates: Sequence[ShipmentUpdate],
    now: dt.datetime,
    write: bool,
) -> list[RecordResult]:
    """One result per update, in page order; with ``write`` the page's changes
    are made inside the caller's transaction (without, nothing is written and
    every update is judged against the store as it is: a dry run)."""
    shipments = _read_shipments(connection, updates)
    reviews = _read_reviews(connection, shipments, updates)
    writes = ShipmentPageWrites(channel, now, connection.dialect)
    results = [
        _decide(shipments.get(change.shipment_number), reviews, writes, change, write)
        for change in updates
    ]
    if write:
        writes.flush(connection)
    return results


def _in_chunks(connection: Connection, query: Any, keys: Sequence[str]) -> Iterator[Any]:
    return rows_for_keys(connection, query, keys, param="b_numbers")


def _read_shipments(
    connection: Connection, updates: Sequence[ShipmentUpdate]
) -> dict[str, _Shipment]:
    """The page's stored shipments, and the lines of those not done yet."""
    numbers = list(dict.fromkeys(change.shipment_number for change in updates))
    shipments = {
        row[0]: _Shipment(*row) for row in _in_chunks(connection, _READ_SHIPMENTS, numbers)
    }
    open_numbers = [n for n, shipment in shipments.items() if shipment.status not in _DONE]
    for number, line_number, sku, quantity in _in_chunks(connection, _READ_LINES, open_numbers):
        shipments[number].lines.append(_Line(line_number, sku, quantity))
    return shipments


def _read_reviews(
    connection: Connection, shipments: dict[str, _Shipment], updates: Sequence[ShipmentUpdate]
) -> set[tuple[str, str]]:
    """(shipment number, version) of the reports already kept for review that
    the page's short-shipped updates may repeat."""
    short = ShipmentOutcome.SHORT_SHIPPED
    numbers = list(
        dict.fromkeys(
            change.shipment_number
            for change in updates
            if change.outcome is short and change.shipment_number in shipments
        )
    )
    return {
        (row.shipment_number, row.version) for row in _in_chunks(connection, _READ_REVIEWS, numbers)
    }


def _decide(
    stored: _Shipment | None,
    reviews: set[tuple[str, str]],
    writes: ShipmentPageWrites,
    change: ShipmentUpdate,
    write: bool,
) -> RecordResult:
    """Shipped -> packages and shipped quantities; cancelled -> the reason;
    short-shipped -> kept for review, not applied."""
    key, channel = change.shipment_number, writes.channel
    refused = refusal(stored, key, "shipment", channel)
    if refused:
        return refused
    assert stored is not None
    if stored.status in _DONE:
        return already_done(
            key, stored.status, stored.applied_version, change.outcome.value, change.version
        )
    if change.outcome is ShipmentOutcome.SHORT_SHIPPED:
        return _keep_for_review(reviews, writes, change, write)
    if change.outcome is ShipmentOutcome.CANCELLED:
        if write:
            writes.cancel(change)
            stored.applied(_CANCELLED, channel, change.version)
        reason = change.cancelled_reason or "no reason given"
        return RecordResult.ok(key, message=f"cancelled in the channel: {reason}")
    return _ship(stored, writes, change, write)


def _ship(
    stored: _Shipment, writes: ShipmentPageWrites, change: ShipmentUpdate, write: bool
) -> RecordResult:
    key = change.shipment_number
    shipped, unknown = _match_lines(stored.lines, change)
    if unknown is not None:
        index, line = unknown
        return RecordResult.failed(
            key,
            f"SKU {line.sku!r} is not on shipment {key!r}; nothing applied",
            field=f"lines[{index}].sku",
        )
    reported = bool(change.lines)
    quantities = {
        line.number: shipped.get(line.number, 0 if reported else line.quantity)
        for line in stored.lines
    }
    if write:
        writes.ship(change, quantities)
        stored.applied(_SHIPPED, writes.channel, change.version)
    missing = [n for n in quantities if reported and n not in shipped]
    message = f"shipped in {len(change.packages)} package(s)"
    if missing:
        return RecordResult.warning(
            key,
            f"{message}; line(s) {missing} not reported by the channel, kept at 0",
            field="lines",
        )
    return RecordResult.ok(key, message=message, remote_id=change.remote_id)


def _match_lines(
    lines: list[_Line], change: ShipmentUpdate
) -> tuple[dict[int, int], tuple[int, Any] | None]:
    """Shipped quantity per techOMS line number: by line number when its SKU
    agrees, else the first line of that SKU not matched yet, else the first
    line of that SKU; ``(index, line)`` of the first reported line that
    matches none."""
    by_number: dict[int, _Line] | None = None
    shipped: dict[int, int] = {}
    for index, reported in enumerate(change.lines):
        wanted = sku_key(reported.sku)
        target = None
        if reported.line_number is not None:
            if by_number is None:
                by_number = {line.number: line for line in lines}
            target = by_number.get(reported.line_number)
        if target is None or target.sku_key != wanted:
            same_sku = [line.number for line in lines if line.sku_key == wanted]
            if not same_sku:
                return shipped, (index, reported)
            number = next((n for n in same_sku if n not in shipped), same_sku[0])
        else:
            number = target.number
        shipped[number] = shipped.get(number, 0) + reported.shipped_quantity
    return shipped, None


def _keep_for_review(
    reviews: set[tuple[str, str]], writes: ShipmentPageWrites, change: ShipmentUpdate, write: bool
) -> RecordResult:
    key = change.shipment_number
    short = "; ".join(
        f"{line.sku} shipped {line.shipped_quantity} of {line.ordered_quantity}"
        for line in change.short_lines()
    )
    version = change.version or ""
    if (key, version) in reviews:
        return RecordResult.skipped(key, f"short-shipped, already kept for review: {short}")
    if write:
        reviews.add((key, version))
        writes.keep_for_review(
            {
                "channel": writes.channel,
                "shipment_number": key,
                "version": version,
                "remote_id": change.remote_id,
                "reason": f"short-shipped: {short}",
                "detail": codec.dumps(_update_document(change)),
                "status": "pending",
                "received_at": writes.now,
            }
        )
    return RecordResult(
        key=key,
        status="skipped",
        field="lines",
        message=f"short-shipped, not applied; kept for review: {short}",
    )


def _update_document(change: ShipmentUpdate) -> dict[str, Any]:
    """The update as the review queue keeps it (JSON)."""
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
