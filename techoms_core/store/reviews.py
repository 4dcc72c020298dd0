"""The review queue: short-shipped updates listed, accepted or dismissed.

Accepting applies the kept update through the same page applier a receive
uses (:func:`~techoms_core.store.shipment_pages.apply_shipment_page`), as a
full ``shipped`` update of what the warehouse shipped, so an accepted item
leaves the shipment exactly as receiving that update would have. Each decision
is one transaction with its run-log entry (option ``review``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, select, update

from techoms_core.models import Package, RecordResult, ShipmentUpdate, ShippedLine, Status
from techoms_core.reviews import (
    REVIEW_OPTION,
    ReviewDecision,
    ReviewItem,
    ReviewLine,
    ReviewPackage,
    ReviewRefused,
    ReviewStatus,
    UnknownReviewItem,
)
from techoms_core.store import codec, schema
from techoms_core.store.database import Database
from techoms_core.store.runlog import insert_finished_run
from techoms_core.store.shipment_pages import apply_shipment_page

_REVIEWS = schema.reviews


class ReviewStore(Database):
    """Review items: list, accept, dismiss."""

    def review_items(
        self, channel: str | None = None, *, status: ReviewStatus | None = None
    ) -> list[ReviewItem]:
        query = select(_REVIEWS).order_by(_REVIEWS.c.id)
        if channel is not None:
            query = query.where(_REVIEWS.c.channel == channel)
        if status is not None:
            query = query.where(_REVIEWS.c.status == ReviewStatus(status).value)
        with self._read() as connection:
            return [_item(row) for row in connection.execute(query)]

    def review_item(self, item_id: int) -> ReviewItem:
        with self._read() as connection:
            return _item(_row(connection, item_id))

    def accept_review(self, item_id: int) -> ReviewDecision:
        now = self._now()
        with self._write() as connection:
            row = _pending_row(connection, item_id)
            [result] = apply_shipment_page(
                connection, row.channel, [_as_full_update(row)], now, True
            )
            if result.status in (Status.FAILED, Status.SKIPPED):
                # Raising rolls the transaction back: nothing of it is written.
                raise ReviewRefused(
                    item_id, f"{result.message}; nothing applied", field=result.field
                )
            result = RecordResult(
                key=result.key,
                status=result.status,
                field=result.field,
                message=f"review item {item_id} accepted: {result.message}",
            )
            return _decide(connection, row, ReviewStatus.ACCEPTED, result, now)

    def dismiss_review(self, item_id: int) -> ReviewDecision:
        now = self._now()
        with self._write() as connection:
            row = _pending_row(connection, item_id)
            result = RecordResult.skipped(
                row.shipment_number, f"review item {item_id} dismissed; nothing applied"
            )
            return _decide(connection, row, ReviewStatus.DISMISSED, result, now)


def _row(connection: Connection, item_id: int) -> Any:
    row = connection.execute(select(_REVIEWS).where(_REVIEWS.c.id == item_id)).first()
    if row is None:
        raise UnknownReviewItem(item_id)
    return row


def _pending_row(connection: Connection, item_id: int) -> Any:
    row = _row(connection, item_id)
    if row.status != ReviewStatus.PENDING.value:
        raise ReviewRefused(item_id, f"already {row.status}")
    return row


def _decide(
    connection: Connection,
    row: Any,
    status: ReviewStatus,
    result: RecordResult,
    now: dt.datetime,
) -> ReviewDecision:
    connection.execute(update(_REVIEWS).where(_REVIEWS.c.id == row.id).values(status=status.value))
    run_id = insert_finished_run(
        connection, row.channel, REVIEW_OPTION, now, [result], message=result.message
    )
    return ReviewDecision(
        item=_item(_row(connection, row.id)),
        run_id=run_id,
        status=result.status.value,
        message=result.message,
    )


def _as_full_update(row: Any) -> ShipmentUpdate:
    """The kept update as a ``shipped`` one: every line ordered as shipped, so
    it applies what the warehouse shipped and nothing more."""
    document = codec.loads(row.detail)
    return ShipmentUpdate(
        shipment_number=row.shipment_number,
        outcome="shipped",
        remote_id=row.remote_id,
        version=row.version or None,
        shipped_at=document.get("shipped_at"),
        lines=[
            ShippedLine(
                sku=line["sku"],
                line_number=line.get("line_number"),
                ordered_quantity=line["shipped_quantity"],
                shipped_quantity=line["shipped_quantity"],
            )
            for line in document.get("lines", [])
        ],
        packages=[
            Package(
                tracking_number=p.get("tracking_number"),
                carrier=p.get("carrier"),
                service=p.get("service"),
                cost=p.get("cost"),
                currency=p.get("currency"),
            )
            for p in document.get("packages", [])
        ],
    )


def _item(row: Any) -> ReviewItem:
    document = codec.loads(row.detail) or {}
    return ReviewItem(
        id=row.id,
        channel=row.channel,
        shipment_number=row.shipment_number,
        status=row.status,
        reason=row.reason,
        received_at=row.received_at,
        version=row.version or None,
        remote_id=row.remote_id,
        shipped_at=document.get("shipped_at"),
        lines=tuple(
            ReviewLine(
                sku=line["sku"],
                line_number=line.get("line_number"),
                ordered_quantity=line["ordered_quantity"],
                shipped_quantity=line["shipped_quantity"],
            )
            for line in document.get("lines", [])
        ),
        packages=tuple(
            ReviewPackage(
                tracking_number=p.get("tracking_number"),
                carrier=p.get("carrier"),
                service=p.get("service"),
                cost=None if p.get("cost") is None else Decimal(p["cost"]),
                currency=p.get("currency"),
            )
            for p in document.get("packages", [])
        ),
    )
