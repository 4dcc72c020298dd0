"""Shipments: sent to Leanafy as orders, and read back when shipped or cancelled.

Send: the documented order body, carrier and service through the outbound
carrier mappings, references through the SO reference mappings, PII withheld
when Suppress PII is on, our shipment number as ``primary_reference_number``,
and never a duplicate order (:mod:`plugins.leanafy.idempotency`). Line
quantities are base units, sent with the item's ``base_unit`` as ``unit``.

Receive: orders ``shipped``, ``closed`` or ``cancelled`` after the cursor. An
order without a ``primary_reference_number`` was not sent by techOMS and is
ignored, as is an order of another warehouse when the channel names one.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from plugins.leanafy import contract as wire
from plugins.leanafy.client import LeanafyClient
from plugins.leanafy.cursor import Cursor
from plugins.leanafy.documents import send_documents
from plugins.leanafy.errors import field_named_by
from plugins.leanafy.idempotency import Draft, Kind
from plugins.leanafy.mapping import ORDER, SHIPMENT_UPDATE
from plugins.leanafy.products import unknown_line_sku, unsendable
from plugins.leanafy.received import received_pages, unplaced_failure
from plugins.leanafy.references import ReferenceProblem, apply_references
from plugins.leanafy.settings_view import ChannelView
from techoms_core.mapper import MapOptions
from techoms_core.mappings import CarrierMap, CarrierTranslation, MappingError
from techoms_core.models import Page, RecordResult, ReferenceLevel, Shipment, ShipmentUpdate

if TYPE_CHECKING:
    from techoms_core.context import ChannelContext

ORDERS = Kind(
    noun="order",
    create_path=wire.Path.ORDER,
    list_path=wire.Path.ORDERS,
    identity_param=wire.Query.PRIMARY_REFERENCE_NUMBER,
    identity_field=wire.Order.PRIMARY_REFERENCE_NUMBER,
    mapper=ORDER,
    existing_message="already in Leanafy as an order",
)


def send(
    context: ChannelContext, client: LeanafyClient, shipments: Sequence[Shipment]
) -> Iterator[RecordResult]:
    """Create an order per shipment Leanafy does not have yet."""
    view = ChannelView(context)
    return send_documents(
        client,
        ORDERS,
        shipments,
        lambda shipment, units: order_draft(context, view, shipment, units),
    )


def order_draft(
    context: ChannelContext, view: ChannelView, shipment: Shipment, units: dict[str, str]
) -> Draft | RecordResult:
    """The order body for ``shipment``, or the ``failed`` result that stops it."""
    unknown = unknown_line_sku(shipment, units)
    if unknown is not None:
        return unknown
    notes: list[str] = []
    carrier = None
    if shipment.carrier or shipment.service:
        try:
            carrier = context.mappings.carriers.outbound(shipment.carrier, shipment.service)
        except MappingError as error:
            return RecordResult.failed(shipment.number, str(error), field="carrier")
        if carrier.warning:
            notes.append(carrier.warning)
    options = MapOptions(
        suppress_pii=view.suppress_pii,
        warehouse_id=view.warehouse_id,
        carrier=carrier,
        base_units=units,
    )
    try:
        body = ORDER.to_wire(shipment, options)
    except ValueError as error:
        return unsendable(shipment.number, error)
    try:
        apply_references(
            body,
            ReferenceLevel.SALES_ORDER,
            shipment.references,
            context.mappings.references,
            notes,
        )
    except ReferenceProblem as problem:
        return RecordResult.failed(shipment.number, str(problem), field="references")
    return Draft(shipment.number, shipment.number, body, notes)


def receive(
    context: ChannelContext, client: LeanafyClient, cursor: str | None
) -> Iterator[Page[ShipmentUpdate]]:
    """Shipment updates after ``cursor``, one page per Leanafy page."""
    view = ChannelView(context)
    mapped = context.mappings.carriers
    carriers = None if mapped is None else InboundCarriers(mapped)
    params = {wire.Query.STATUS: [str(s) for s in wire.RECEIVED_ORDER_STATUSES]}
    start = Cursor.decode(cursor)
    yield from received_pages(
        client.pages_after(wire.Path.ORDERS, params, start),
        start,
        is_ours=lambda order: view.is_ours(order, wire.Order.PRIMARY_REFERENCE_NUMBER),
        outcome=lambda order: _update(order, carriers),
        unplaced=lambda item: unplaced_failure(
            item, _number(item.record), "order", wire.Order.CODE
        ),
    )


class InboundCarriers(CarrierMap):
    """A channel's carrier mappings whose inbound translations are worked out
    once per receive: every package of every order asks (for its carrier and
    again for its service), and nearly all ask the same few pairs."""

    def __init__(self, carriers: CarrierMap) -> None:
        super().__init__(carriers.rows, carriers.policy)
        self._known: dict[tuple[str | None, str | None], CarrierTranslation] = {}

    def inbound(self, carrier: str | None, service: str | None) -> CarrierTranslation:
        if not (_code(carrier) and _code(service)):
            return super().inbound(carrier, service)  # not codes: nothing worth keeping
        known = self._known.get((carrier, service))
        if known is None:
            # An unmapped pair under the ``error`` policy raises, every time.
            known = self._known[(carrier, service)] = super().inbound(carrier, service)
        return known


def _code(value: Any) -> bool:
    return value is None or type(value) is str


def _number(order: dict[str, Any]) -> str:
    return str(order[wire.Order.PRIMARY_REFERENCE_NUMBER]).strip()


def _update(order: dict[str, Any], carriers: CarrierMap | None) -> ShipmentUpdate | RecordResult:
    number = _number(order)
    status = order.get(wire.Order.STATUS)
    if status not in wire.RECEIVED_ORDER_STATUSES:
        # Only these were asked for; any other status (none included) is
        # reported, never passed over, since the cursor moves past it.
        return RecordResult.failed(
            number,
            f"Leanafy listed order {order.get(wire.Order.CODE)!r:.40} among shipped, closed "
            f"and cancelled ones with {wire.Order.STATUS} {status!r:.40}; not applied",
            field=wire.Order.STATUS,
        )
    notes: list[str] = []
    options = MapOptions(carriers=carriers, notes=notes)
    try:
        update = SHIPMENT_UPDATE.build(order, options)
    except MappingError as error:
        return RecordResult.failed(number, str(error), field="packages")
    except (ValueError, TypeError, ArithmeticError) as error:
        return RecordResult.failed(
            number,
            f"Leanafy order {order.get(wire.Order.CODE)!r:.40} is not applied, its data is "
            f"wrong: {error}",
            field=field_named_by(error, "lines"),
        )
    # What was noticed travels with the update: the host reports it applied as
    # a ``warning``, in the run log (a stderr line would be lost by jobs).
    return attrs.evolve(update, warnings=tuple(notes)) if notes else update
