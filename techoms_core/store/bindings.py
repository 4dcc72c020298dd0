"""Binding send results to records: what a result does to its record's send state.

A group of results is bound inside the caller's transaction with a few
statements built once and run once per group, one row per result
(:class:`~techoms_core.store.prepared.Prepared`): building and compiling
SQLAlchemy statements per result, then SQLAlchemy's preparation of each row,
were most of the store's share of a send's CPU time.

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
from techoms_core.store.prepared import Prepared

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


class DocumentBinder:
    """Binds results of a document send (shipments, receipts): a ``ready``
    record that went through becomes ``sent`` with the WMS id and the channel."""

    def __init__(self, table, *, ready: str, sent: str) -> None:
        where = and_(table.c.number == bindparam("b_key"), table.c.status == ready)
        self._sent = Prepared(
            update(table)
            .where(where)
            .values(
                status=sent,
                channel=bindparam("b_channel"),
                remote_id=bindparam("b_remote_id"),
                last_error=None,
                last_error_field=None,
                updated_at=bindparam("b_now"),
            ),
            each=("b_key", "b_remote_id"),
            shared=("b_channel", "b_now"),
        )
        self._failed = _error_update(table, where)

    def __call__(
        self, connection: Connection, channel: str, results: Sequence[RecordResult], now
    ) -> None:
        sent, failed = [], []
        for result in results:
            if went_through(result):
                sent.append((result.key, result.remote_id))
            elif result.status is Status.FAILED:
                failed.append(_error_row(result.key, result))
        # A record has one result per run, so the order of the two does not matter.
        self._sent.run(connection, sent, b_channel=channel, b_now=now)
        self._failed.run(connection, failed, b_now=now)


class CancellationBinder:
    """Binds results of ``cancel-shipments``: a ``sent`` shipment whose
    cancellation went through becomes ``cancelled``; a failure keeps its error."""

    def __init__(self) -> None:
        table = schema.shipments
        where = and_(
            table.c.number == bindparam("b_key"), table.c.status == ShipmentStatus.SENT.value
        )
        self._cancelled = Prepared(
            update(table)
            .where(where)
            .values(
                status=ShipmentStatus.CANCELLED.value,
                cancel_requested=False,
                cancelled_reason=bindparam("b_reason"),
                last_error=None,
                last_error_field=None,
                updated_at=bindparam("b_now"),
            ),
            each=("b_key", "b_reason"),
            shared=("b_now",),
        )
        self._failed = _error_update(table, where)

    def __call__(
        self, connection: Connection, channel: str, results: Sequence[RecordResult], now
    ) -> None:
        cancelled, failed = [], []
        for result in results:
            if result.status is Status.FAILED:
                failed.append(_error_row(result.key, result))
            else:
                cancelled.append((result.key, result.message or "cancelled in the channel"))
        self._cancelled.run(connection, cancelled, b_now=now)
        self._failed.run(connection, failed, b_now=now)


class ProductBinder:
    """Binds results of ``export-products`` / ``update-products`` to the
    channel's product send state (``product_sends``, one row per channel and
    SKU identity): sent at the product's current revision, or ready with the error."""

    def __init__(self) -> None:
        products, sends = schema.products, schema.product_sends
        where = and_(
            sends.c.channel == bindparam("b_channel"), sends.c.sku_key == bindparam("b_key")
        )
        self._insert = Prepared(
            insert(sends).values(
                channel=bindparam("b_channel"),
                sku_key=bindparam("b_key"),
                status=bindparam("b_status"),
                remote_id=bindparam("b_remote_id"),
                sent_revision=bindparam("b_revision"),
                last_error=bindparam("b_error"),
                last_error_field=bindparam("b_field"),
                updated_at=bindparam("b_now"),
            ),
            each=("b_key", "b_status", "b_remote_id", "b_revision", "b_error", "b_field"),
            shared=("b_channel", "b_now"),
        )
        self._sent = Prepared(
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
            ),
            each=("b_key", "b_revision", "b_remote_id"),
            shared=("b_channel", "b_now"),
        )
        self._failed = _error_update(sends, where, shared=("b_channel", "b_now"))
        # The products' current revisions, and whether each has a send state here.
        joined = products.outerjoin(
            sends,
            and_(sends.c.sku_key == products.c.sku_key, sends.c.channel == bindparam("b_channel")),
        )
        self._states = (
            select(products.c.sku_key, products.c.revision, sends.c.status)
            .select_from(joined)
            .where(products.c.sku_key.in_(bindparam("b_keys", expanding=True)))
        )

    def __call__(
        self, connection: Connection, channel: str, results: Sequence[RecordResult], now
    ) -> None:
        keys = [sku_key(result.key) for result in results]
        revisions, known = {}, set()
        params = {"b_channel": channel, "b_keys": sorted(set(keys))}
        for key, revision, status in connection.execute(self._states, params):
            revisions[key] = revision
            if status is not None:
                known.add(key)
        inserts, sent, failed = [], [], []
        for key, result in zip(keys, results, strict=True):
            revision = revisions.get(key)
            through = went_through(result)
            if revision is None or (result.status is Status.SKIPPED and not through):
                continue
            if key not in known:
                known.add(key)
                inserts.append(_new_send_row(key, result, revision, through))
            elif through:
                sent.append((key, revision, result.remote_id))
            else:
                failed.append(_error_row(key, result))
        # Inserts first: a later result for a row inserted here is one of the updates.
        for statement, rows in (
            (self._insert, inserts),
            (self._sent, sent),
            (self._failed, failed),
        ):
            statement.run(connection, rows, b_channel=channel, b_now=now)


def _new_send_row(key: str, result: RecordResult, revision: int, through: bool) -> tuple:
    if through:
        return (key, SENT, result.remote_id, revision, None, None)
    return (key, READY, None, None, result.message, result.field)


def _error_update(table, where, *, shared: tuple[str, ...] = ("b_now",)) -> Prepared:
    return Prepared(
        update(table)
        .where(where)
        .values(
            last_error=bindparam("b_error"),
            last_error_field=bindparam("b_field"),
            updated_at=bindparam("b_now"),
        ),
        each=("b_key", "b_error", "b_field"),
        shared=shared,
    )


def _error_row(key: str, result: RecordResult) -> tuple:
    return (key, result.message, result.field)


BINDERS: dict[str, Binder] = {
    "export-products": ProductBinder(),
    "update-products": ProductBinder(),
    "send-shipments": DocumentBinder(schema.shipments, ready=READY, sent=ShipmentStatus.SENT.value),
    "send-receipts": DocumentBinder(schema.receipts, ready=READY, sent=ReceiptStatus.SENT.value),
    "cancel-shipments": CancellationBinder(),
}
