"""Applying a page of receipt updates with a few set-based statements.

As for shipments (:mod:`techoms_core.store.shipment_pages`): the page's
receipts and their lines are read once, every update is decided in Python in
page order (with ``write`` true, an applied update marks its receipt received,
so a repeat later in the page is ``skipped``), and the page's changes are
written with one ``executemany`` per statement inside the caller's transaction.

The writes are :class:`~techoms_core.store.prepared.Prepared` statements, as
for shipments (:mod:`techoms_core.store.shipment_writes`).

The rules: a completed receipt's received quantities, lots and unit costs
replace the expected ones (over- and under-receipt as the WMS reports them; a
SKU not expected on the receipt is kept, with a warning); a receipt already
received -> ``skipped``; an unknown receipt or one sent to another channel ->
``failed`` naming ``receipt_number``, and it writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, delete, func, insert, select, update
from sqlalchemy.engine import Dialect

from techoms_core.host import ReceiptStatus
from techoms_core.models import ReceiptUpdate, RecordResult, sku_key
from techoms_core.store import schema
from techoms_core.store.database import rows_for_keys
from techoms_core.store.driver_values import given_as_stored, stored_form
from techoms_core.store.prepared import Prepared
from techoms_core.store.updates import already_done, refusal

_RECEIVED = ReceiptStatus.RECEIVED.value
_RECEIPTS, _LINES, _ACTUAL = schema.receipts, schema.receipt_lines, schema.received_lines
_NUMBERS = bindparam("b_numbers", expanding=True)

# Statements built once (reads) or compiled once per dialect (writes).
_READ_RECEIPTS = select(
    _RECEIPTS.c.number, _RECEIPTS.c.status, _RECEIPTS.c.channel, _RECEIPTS.c.applied_version
).where(_RECEIPTS.c.number.in_(_NUMBERS))
_READ_LINES = (
    select(_LINES.c.receipt_number, _LINES.c.line_number, _LINES.c.sku)
    .where(_LINES.c.receipt_number.in_(_NUMBERS))
    .order_by(_LINES.c.receipt_number, _LINES.c.line_number)
)
_CLEAR_RECEIVED = Prepared(
    delete(_ACTUAL).where(_ACTUAL.c.receipt_number == bindparam("b_number")), each=("b_number",)
)
_ADD_RECEIVED = Prepared(
    insert(_ACTUAL).values(
        receipt_number=bindparam("b_number"),
        line_number=bindparam("b_line"),
        sku=bindparam("b_sku"),
        received_quantity=bindparam("b_received"),
        expected_quantity=bindparam("b_expected"),
        lot_number=bindparam("b_lot"),
        unit_cost=given_as_stored("b_unit_cost"),
        expiry_date=bindparam("b_expiry"),
    ),
    each=(
        *("b_number", "b_line", "b_sku", "b_received", "b_expected"),
        *("b_lot", "b_unit_cost", "b_expiry"),
    ),
)
_SET_RECEIVED = Prepared(
    update(_RECEIPTS)
    .where(_RECEIPTS.c.number == bindparam("b_number"))
    .values(
        status=_RECEIVED,
        channel=bindparam("b_channel"),
        applied_version=bindparam("b_version"),
        received_at=given_as_stored("b_received_at"),
        updated_at=bindparam("b_now"),
        # A None remote id leaves the stored one as it was.
        remote_id=func.coalesce(
            bindparam("b_remote_id", type_=_RECEIPTS.c.remote_id.type), _RECEIPTS.c.remote_id
        ),
    ),
    each=("b_number", "b_version", "b_received_at", "b_remote_id"),
    shared=("b_channel", "b_now"),
)


class _Receipt:
    """What the page knows of a stored receipt; an applied update changes it."""

    __slots__ = ("applied_version", "channel", "expected", "numbers", "status")

    def __init__(self, status: str, channel: str | None, applied_version: str | None) -> None:
        self.status, self.channel, self.applied_version = status, channel, applied_version
        self.expected: dict[str, int] = {}  # line number per SKU key (the last line of a SKU)
        self.numbers: set[int] = set()


class _PageWrites:
    """The page's changes, one list of rows per statement."""

    def __init__(self, channel: str, now: dt.datetime, dialect: Dialect) -> None:
        self.channel, self.now = channel, now
        self._time = stored_form(_RECEIPTS.c.received_at, dialect)
        self._cost = stored_form(_ACTUAL.c.unit_cost, dialect)
        self.cleared: list[tuple] = []
        self.lines: list[tuple] = []
        self.receipts: list[tuple] = []

    def receive(self, stored: _Receipt, change: ReceiptUpdate) -> None:
        key, cost = change.receipt_number, self._cost
        self.cleared.append((key,))
        self.lines.extend(
            (
                key,
                line.line_number
                if line.line_number in stored.numbers
                else stored.expected.get(sku_key(line.sku)),
                line.sku,
                line.received_quantity,
                line.expected_quantity,
                line.lot_number,
                cost(line.unit_cost),
                None if line.expiry_date is None else line.expiry_date.isoformat(),
            )
            for line in change.lines
        )
        received_at = self._time(change.received_at or self.now)
        self.receipts.append((key, change.version, received_at, change.remote_id))

    def flush(self, connection: Connection) -> None:
        _CLEAR_RECEIVED.run(connection, self.cleared)
        _ADD_RECEIVED.run(connection, self.lines)
        _SET_RECEIVED.run(connection, self.receipts, b_channel=self.channel, b_now=self.now)


def apply_receipt_page(
    connection: Connection,
    channel: str,
    updates: Sequence[ReceiptUpdate],
    now: dt.datetime,
    write: bool,
) -> list[RecordResult]:
    """One result per update, in page order; with ``write`` the page's changes
    are made inside the caller's transaction (without, nothing is written and
    every update is judged against the store as it is: a dry run)."""
    receipts = _read_receipts(connection, updates)
    writes = _PageWrites(channel, now, connection.dialect)
    results = [
        _decide(receipts.get(change.receipt_number), writes, change, write) for change in updates
    ]
    if write:
        writes.flush(connection)
    return results


def _in_chunks(connection: Connection, query: Any, keys: Sequence[str]) -> Iterator[Any]:
    return rows_for_keys(connection, query, keys, param="b_numbers")


def _read_receipts(connection: Connection, updates: Sequence[ReceiptUpdate]) -> dict[str, _Receipt]:
    """The page's stored receipts, with the lines of those not received yet."""
    numbers = list(dict.fromkeys(change.receipt_number for change in updates))
    receipts = {
        number: _Receipt(status, channel, version)
        for number, status, channel, version in _in_chunks(connection, _READ_RECEIPTS, numbers)
    }
    open_numbers = [n for n, receipt in receipts.items() if receipt.status != _RECEIVED]
    for number, line_number, sku in _in_chunks(connection, _READ_LINES, open_numbers):
        receipt = receipts[number]
        receipt.expected[sku_key(sku)] = line_number
        receipt.numbers.add(line_number)
    return receipts


def _decide(
    stored: _Receipt | None, writes: _PageWrites, change: ReceiptUpdate, write: bool
) -> RecordResult:
    key = change.receipt_number
    refused = refusal(stored, key, "receipt", writes.channel)
    if refused:
        return refused
    assert stored is not None
    if stored.status == _RECEIVED:
        return already_done(key, stored.status, stored.applied_version, "received", change.version)
    unexpected = sorted({r.sku for r in change.lines if sku_key(r.sku) not in stored.expected})
    if write:
        writes.receive(stored, change)
        stored.status, stored.channel, stored.applied_version = (
            _RECEIVED,
            writes.channel,
            change.version,
        )
    units = sum(line.received_quantity for line in change.lines)
    message = f"received {units} unit(s) in {len(change.lines)} line(s)"
    if unexpected:
        return RecordResult.warning(
            key,
            f"{message}; not expected on the receipt, kept as received: " + ", ".join(unexpected),
            field="lines",
        )
    return RecordResult.ok(key, message=message, remote_id=change.remote_id)
