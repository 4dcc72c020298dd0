"""Review items: updates a WMS reported that the runner does not apply on its own.

A short-shipped shipment update (the warehouse shipped less than was ordered)
is kept as a :class:`ReviewItem` instead of being applied (spec §6, §11). A
person then decides, through the host (:meth:`techoms_core.host.Host.accept_review`
and :meth:`~techoms_core.host.Host.dismiss_review`), the CLI
(``techoms review``) or the console:

* **accept**: what the warehouse shipped is applied, exactly as a receive applies
  a full update (the shipment becomes ``shipped`` with the shipped quantities and
  the packages);
* **dismiss**: the item is closed and nothing is applied.

Both decisions are one transaction with their entry in the run log (option
``review``), so the log shows who-did-what alongside the runs.
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import Any

from attrs import field, frozen

from techoms_core.host import HostError

#: The option name under which decisions appear in the run log.
REVIEW_OPTION = "review"


class ReviewStatus(enum.StrEnum):
    """Where a review item stands."""

    PENDING = "pending"  # waiting for a person
    ACCEPTED = "accepted"  # what the warehouse shipped was applied
    DISMISSED = "dismissed"  # closed, nothing applied


class UnknownReviewItem(HostError, LookupError):
    """No review item with that id."""

    def __init__(self, item_id: int) -> None:
        super().__init__(f"no review item {item_id}")
        self.item_id = item_id


class ReviewRefused(HostError, ValueError):
    """The decision cannot be made: the item is already decided, or its update
    no longer applies to the shipment (the message says why; nothing changed)."""

    def __init__(self, item_id: int, message: str, field: str | None = None) -> None:
        super().__init__(f"review item {item_id}: {message}")
        self.item_id = item_id
        self.field = field


@frozen(kw_only=True)
class ReviewLine:
    """One line of the reported update: what was ordered and what left."""

    sku: str
    ordered_quantity: int
    shipped_quantity: int
    line_number: int | None = None

    @property
    def short_by(self) -> int:
        return max(self.ordered_quantity - self.shipped_quantity, 0)


@frozen(kw_only=True)
class ReviewPackage:
    """A package of the reported update."""

    tracking_number: str | None = None
    carrier: str | None = None
    service: str | None = None
    cost: Decimal | None = None
    currency: str | None = None


@frozen(kw_only=True)
class ReviewItem:
    """A short-shipped update kept for a person to accept or dismiss.

    :ivar id: the item's id (``techoms review accept ID``).
    :ivar channel: the channel that reported it.
    :ivar shipment_number: the techOMS shipment it is about.
    :ivar version: the WMS's change marker of the update (``None`` if it gave none).
    :ivar reason: why it waits (the short lines, in words).
    :ivar lines: every reported line, ordered against shipped, in the WMS's order.
    :ivar packages: the packages the warehouse shipped.
    """

    id: int
    channel: str
    shipment_number: str
    status: ReviewStatus = field(converter=ReviewStatus)
    reason: str
    received_at: dt.datetime
    version: str | None = None
    remote_id: str | None = None
    shipped_at: str | None = None
    lines: tuple[ReviewLine, ...] = ()
    packages: tuple[ReviewPackage, ...] = ()

    @property
    def short_lines(self) -> tuple[ReviewLine, ...]:
        return tuple(line for line in self.lines if line.short_by)

    def as_json(self) -> dict[str, Any]:
        """The item as ``--json`` prints it (decimals as strings, times ISO 8601)."""
        return {
            "id": self.id,
            "channel": self.channel,
            "shipment_number": self.shipment_number,
            "status": self.status.value,
            "reason": self.reason,
            "received_at": self.received_at.isoformat(),
            "version": self.version,
            "remote_id": self.remote_id,
            "shipped_at": self.shipped_at,
            "lines": [
                {
                    "line_number": line.line_number,
                    "sku": line.sku,
                    "ordered_quantity": line.ordered_quantity,
                    "shipped_quantity": line.shipped_quantity,
                }
                for line in self.lines
            ],
            "packages": [
                {
                    "tracking_number": p.tracking_number,
                    "carrier": p.carrier,
                    "service": p.service,
                    "cost": None if p.cost is None else str(p.cost),
                    "currency": p.currency,
                }
                for p in self.packages
            ],
        }


@frozen(kw_only=True)
class ReviewDecision:
    """What accepting or dismissing an item did.

    :ivar item: the item as it now stands (``accepted`` or ``dismissed``).
    :ivar run_id: the run-log entry that records the decision.
    :ivar status: the record's result (``ok``, ``warning`` or ``skipped`` for a dismissal).
    :ivar message: what was applied, in words.
    """

    item: ReviewItem
    run_id: int
    status: str
    message: str

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": True,
            "run_id": self.run_id,
            "status": self.status,
            "message": self.message,
            "item": self.item.as_json(),
        }
