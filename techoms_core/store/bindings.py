"""Binding send results to records: what a result does to its record's send state.

A group of results is bound inside the caller's transaction with a few
prepared statements run once per group (``executemany``), not one statement
built per result: building and compiling SQLAlchemy statements per result was
most of the store's share of a send's CPU time.

* ``ok``, ``warning``, and ``skipped`` with a ``remote_id`` (already in the WMS)
  went through: the record is bound to the WMS id and moves on (``sent``).
* ``failed`` leaves the record where it was, with the error kept on it.
* ``skipped`` without an id changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Connection, and_, bindparam, func, insert, select, update

from techoms_core.host import ReceiptStatus, ShipmentStatus
from techoms_core.models import RecordResult, Status, sku_key
from techoms_core.store import schema

SENT = "sent"
READY = "ready"

#: Binds a group of results: (connection, channel, results, now).
Binder = Callable[[Connection, str, Sequence[RecordResult], Any], None]


def went_through(result: RecordResult) -> bool:
    """ok and warning mean the WMS took the record; skipped with an id means
    it was already there. Anything else leaves the record to send again."""
    if result.status in (Status.OK, Status.WARNING):
        return True
    return result.status is Status.SKIPPED and result.remote_id is not None


def _run(connection: Connection, statement, rows: list[dict[str, Any]]) -> None:
    if rows:
        connection.execute(statement, rows)


class DocumentBinder:
    """Binds results of a document send (shipments, receipts): a ``ready``
    record that went through becomes ``sent`` with the WMS id and the channel."""

    def __init__(self, table, *, ready: str, sent: str) -> None:
        where = and_(table.c.number == bindparam("b_key"), table.c.status == ready)
        self._sent = (
            update(table)
            .where(where)
            .values(
                status=sent,
                channel=bindparam("b_channel"),
                remote_id=bindparam("b_remote_id"),
                last_error=None,
                last_error_field=None,
                updated_at=bindparam("b_now"),
            )
        )
        self._failed = _error_update(table, where)

    def __call__(
        self, connection: Connection, channel: str, results: Sequence[RecordResult], now
    ) -> None:
        sent, failed = [], []
        for result in results:
            if went_through(result):
                sent.append(
                    {
                        "b_key": result.key,
                        "b_channel": channel,
                        "b_remote_id": result.remote_id,
                        "b_now": now,
                    }
                )
            elif result.status is Status.FAILED:
                failed.append(_error_row(result.key, result, now))
        # A record has one result per run, so the order of the two does not matter.
        _run(connection, self._sent, sent)
        _run(connection, self._failed, failed)


class CancellationBinder:
    """Binds results of ``cancel-shipments``: a ``sent`` shipment whose
    cancellation went through becomes ``cancelled``; a failure keeps its error."""

    def __init__(self) -> None:
        table = schema.shipments
        where = and_(
            table.c.number == bindparam("b_key"), table.c.status == ShipmentStatus.SENT.value
        )
        self._cancelled = (
            update(table)
            .where(where)
            .values(
                status=ShipmentStatus.CANCELLED.value,
                cancel_requested=False,
                cancelled_reason=bindparam("b_reason"),
                last_error=None,
                last_error_field=None,
                updated_at=bindparam("b_now"),
            )
        )
        self._failed = _error_update(table, where)

    def __call__(
        self, connection: Connection, channel: str, results: Sequence[RecordResult], now
    ) -> None:
        cancelled, failed = [], []
        for result in results:
            if result.status is Status.FAILED:
                failed.append(_error_row(result.key, result, now))
            else:
                reason = result.message or "cancelled in the channel"
                cancelled.append({"b_key": result.key, "b_reason": reason, "b_now": now})
        _run(connection, self._cancelled, cancelled)
        _run(connection, self._failed, failed)


class ProductBinder:
    """Binds results of ``export-products`` / ``update-products`` to the
    channel's product send state (``product_sends``, one row per channel and
    SKU identity): sent at the product's current revision, or ready with the error."""

    def __init__(self) -> None:
        sends = schema.product_sends
        where = and_(
            sends.c.channel == bindparam("b_channel"), sends.c.sku_key == bindparam("b_key")
        )
        self._insert = insert(sends)
        self._sent = (
            update(sends)
            .where(where)
            .values(
                status=SENT,
                sent_revision=bindparam("b_revision"),
                # ``skipped`` with the id, or ``ok`` from a WMS that gives none: keep what we had.
                remote_id=func.coalesce(bindparam("b_remote_id"), sends.c.remote_id),
                last_error=None,
                last_error_field=None,
                updated_at=bindparam("b_now"),
            )
        )
        self._failed = _error_update(sends, where)

    def __call__(
        self, connection: Connection, channel: str, results: Sequence[RecordResult], now
    ) -> None:
        keys = [sku_key(result.key) for result in results]
        revisions, known = self._states(connection, channel, keys)
        inserts, sent, failed = [], [], []
        for key, result in zip(keys, results, strict=True):
            revision = revisions.get(key)
            through = went_through(result)
            if revision is None or (result.status is Status.SKIPPED and not through):
                continue
            if key not in known:
                known.add(key)
                inserts.append(_new_send_row(channel, key, result, revision, through, now))
            elif through:
                row = {"b_revision": revision, "b_remote_id": result.remote_id, "b_now": now}
                sent.append({"b_channel": channel, "b_key": key, **row})
            else:
                failed.append({"b_channel": channel, **_error_row(key, result, now)})
        # Inserts first: a later result for a row inserted here is one of the updates.
        _run(connection, self._insert, inserts)
        _run(connection, self._sent, sent)
        _run(connection, self._failed, failed)

    @staticmethod
    def _states(connection: Connection, channel: str, keys: list[str]) -> tuple[dict, set]:
        """The products' current revisions, and which have a send state here."""
        products, sends = schema.products, schema.product_sends
        distinct = sorted(set(keys))
        revisions = dict(
            connection.execute(
                select(products.c.sku_key, products.c.revision).where(
                    products.c.sku_key.in_(distinct)
                )
            ).all()
        )
        known = set(
            connection.execute(
                select(sends.c.sku_key).where(
                    sends.c.channel == channel, sends.c.sku_key.in_(distinct)
                )
            ).scalars()
        )
        return revisions, known


def _new_send_row(
    channel: str, key: str, result: RecordResult, revision: int, through: bool, now
) -> dict[str, Any]:
    return {
        "channel": channel,
        "sku_key": key,
        "status": SENT if through else READY,
        "remote_id": result.remote_id if through else None,
        "sent_revision": revision if through else None,
        "last_error": None if through else result.message,
        "last_error_field": None if through else result.field,
        "updated_at": now,
    }


def _error_update(table, where):
    return (
        update(table)
        .where(where)
        .values(
            last_error=bindparam("b_error"),
            last_error_field=bindparam("b_field"),
            updated_at=bindparam("b_now"),
        )
    )


def _error_row(key: str, result: RecordResult, now) -> dict[str, Any]:
    return {"b_key": key, "b_error": result.message, "b_field": result.field, "b_now": now}


BINDERS: dict[str, Binder] = {
    "export-products": ProductBinder(),
    "update-products": ProductBinder(),
    "send-shipments": DocumentBinder(schema.shipments, ready=READY, sent=ShipmentStatus.SENT.value),
    "send-receipts": DocumentBinder(schema.receipts, ready=READY, sent=ReceiptStatus.SENT.value),
    "cancel-shipments": CancellationBinder(),
}
