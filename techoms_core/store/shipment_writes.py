"""The changes a page of shipment updates makes, written a statement at a time.

:class:`ShipmentPageWrites` collects the page's changes as the updates are
decided (new states, shipped quantities, packages, review items) and
:meth:`~ShipmentPageWrites.flush` writes them with one ``executemany`` per
statement, in the order applying the updates one by one would have written
them (rows of one table in page order).

The statements are :class:`~techoms_core.store.prepared.Prepared`: compiled
once per dialect, the page's shared values (channel, time) processed once,
and each row handed to the driver as a plain tuple; SQLAlchemy preparing
every row of an ``executemany`` in Python cost more than SQLite's own work.
The few per-row values whose type processes them (a package's cost, a ship
time) are processed by their column's own type, for the connection's dialect
(:mod:`techoms_core.store.driver_values`), so what is stored is what
SQLAlchemy itself would have stored.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, bindparam, delete, func, insert, update
from sqlalchemy.engine import Dialect

from techoms_core.host import ShipmentStatus
from techoms_core.models import ShipmentUpdate
from techoms_core.store import schema
from techoms_core.store.driver_values import given_as_stored, stored_form
from techoms_core.store.prepared import Prepared

_SHIPMENTS, _LINES, _PACKAGES = schema.shipments, schema.shipment_lines, schema.packages

_SET_SHIPMENT = Prepared(
    update(_SHIPMENTS)
    .where(_SHIPMENTS.c.number == bindparam("b_number"))
    .values(
        status=bindparam("b_status"),
        channel=bindparam("b_channel"),
        applied_version=bindparam("b_version"),
        cancel_requested=False,
        updated_at=bindparam("b_now"),
        # A None remote id, ship time or reason leaves the stored one as it was.
        remote_id=func.coalesce(
            bindparam("b_remote_id", type_=_SHIPMENTS.c.remote_id.type), _SHIPMENTS.c.remote_id
        ),
        shipped_at=func.coalesce(given_as_stored("b_shipped_at"), _SHIPMENTS.c.shipped_at),
        cancelled_reason=func.coalesce(
            bindparam("b_reason", type_=_SHIPMENTS.c.cancelled_reason.type),
            _SHIPMENTS.c.cancelled_reason,
        ),
    ),
    each=("b_number", "b_status", "b_version", "b_remote_id", "b_shipped_at", "b_reason"),
    shared=("b_channel", "b_now"),
)
_SET_SHIPPED_QUANTITY = Prepared(
    update(_LINES)
    .where(
        _LINES.c.shipment_number == bindparam("b_number"),
        _LINES.c.line_number == bindparam("b_line"),
    )
    .values(shipped_quantity=bindparam("b_quantity")),
    each=("b_number", "b_line", "b_quantity"),
)
_CLEAR_PACKAGES = Prepared(
    delete(_PACKAGES).where(_PACKAGES.c.shipment_number == bindparam("b_number")),
    each=("b_number",),
)
_PACKAGE_FIELDS = ("tracking_number", "carrier", "service", "cost", "currency", "shipped_at")
_ADD_PACKAGES = Prepared(
    insert(_PACKAGES).values(
        shipment_number=bindparam("b_number"),
        position=bindparam("b_position"),
        tracking_number=bindparam("b_tracking_number"),
        carrier=bindparam("b_carrier"),
        service=bindparam("b_service"),
        cost=given_as_stored("b_cost"),
        currency=bindparam("b_currency"),
        shipped_at=given_as_stored("b_shipped_at"),
    ),
    each=("b_number", "b_position", *(f"b_{name}" for name in _PACKAGE_FIELDS)),
)
_ADD_REVIEWS = insert(schema.reviews)


class ShipmentPageWrites:
    """A page's changes, one list of rows per statement, written by :meth:`flush`.

    ``channel`` is the receiving channel and ``now`` the page's time;
    ``dialect`` the connection's, for the values its types process.
    """

    def __init__(self, channel: str, now: dt.datetime, dialect: Dialect) -> None:
        self.channel, self.now = channel, now
        self._shipped_at = stored_form(_SHIPMENTS.c.shipped_at, dialect)
        self._package_time = stored_form(_PACKAGES.c.shipped_at, dialect)
        self._package_cost = stored_form(_PACKAGES.c.cost, dialect)
        self.shipments: list[tuple] = []
        self.quantities: list[tuple] = []
        self.cleared: list[tuple] = []
        self.packages: list[tuple] = []
        self.reviews: list[dict[str, Any]] = []

    def cancel(self, change: ShipmentUpdate) -> None:
        """Cancelled, with the WMS's reason (``None`` keeps the stored one)."""
        self._set_shipment(change, ShipmentStatus.CANCELLED, None, change.cancelled_reason)

    def ship(self, change: ShipmentUpdate, quantities: dict[int, int]) -> None:
        """Shipped: the new state, every line's shipped quantity, the packages replaced."""
        key = change.shipment_number
        self._set_shipment(change, ShipmentStatus.SHIPPED, change.shipped_at, None)
        self.quantities.extend((key, number, quantity) for number, quantity in quantities.items())
        self.cleared.append((key,))
        time, cost = self._package_time, self._package_cost
        self.packages.extend(
            (
                key,
                position,
                package.tracking_number,
                package.carrier,
                package.service,
                cost(package.cost),
                package.currency,
                time(package.shipped_at),
            )
            for position, package in enumerate(change.packages, start=1)
        )

    def keep_for_review(self, values: dict[str, Any]) -> None:
        """A short-shipped report for the review queue (a ``reviews`` row)."""
        self.reviews.append(values)

    def _set_shipment(
        self,
        change: ShipmentUpdate,
        status: ShipmentStatus,
        shipped_at: dt.datetime | None,
        reason: str | None,
    ) -> None:
        self.shipments.append(
            (
                change.shipment_number,
                status.value,
                change.version,
                change.remote_id,
                self._shipped_at(shipped_at),
                reason,
            )
        )

    def flush(self, connection: Connection) -> None:
        """Run each statement once for all of its rows."""
        _SET_SHIPMENT.run(connection, self.shipments, b_channel=self.channel, b_now=self.now)
        _SET_SHIPPED_QUANTITY.run(connection, self.quantities)
        _CLEAR_PACKAGES.run(connection, self.cleared)
        _ADD_PACKAGES.run(connection, self.packages)
        if self.reviews:
            connection.execute(_ADD_REVIEWS, self.reviews)
