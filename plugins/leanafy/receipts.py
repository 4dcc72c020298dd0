"""Receipts: sent to Leanafy as ARNs, and read back once Leanafy closes them.

Send follows the same look-before-create rule as orders. Receive pulls only
``closed`` ARNs: their received quantities (converted to base units with each
line's ``base_conversion_rate``), lots, unit costs and expiry dates are the
truth, over- and under-receipt included. ``receiving`` (partly received) ARNs
are not pulled.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from plugins.leanafy import contract as wire
from plugins.leanafy.client import LeanafyClient
from plugins.leanafy.cursor import Cursor
from plugins.leanafy.documents import send_documents
from plugins.leanafy.errors import field_named_by
from plugins.leanafy.idempotency import Draft, Kind
from plugins.leanafy.mapping import ARN, RECEIPT_UPDATE
from plugins.leanafy.products import unknown_line_sku, unsendable
from plugins.leanafy.received import received_pages, unplaced_failure
from plugins.leanafy.references import ReferenceProblem, apply_references
from plugins.leanafy.settings_view import ChannelView
from techoms_core.mapper import MapOptions
from techoms_core.models import Page, Receipt, ReceiptUpdate, RecordResult, ReferenceLevel

if TYPE_CHECKING:
    from techoms_core.context import ChannelContext

ARNS = Kind(
    noun="ARN",
    create_path=wire.Path.ARN,
    list_path=wire.Path.ARNS,
    identity_param=wire.Query.PRIMARY_REFERENCE_NUMBER,
    identity_field=wire.Arn.PRIMARY_REFERENCE_NUMBER,
    mapper=ARN,
    existing_message="already in Leanafy as an ARN",
)


def send(
    context: ChannelContext, client: LeanafyClient, receipts: Sequence[Receipt]
) -> Iterator[RecordResult]:
    """Create an ARN per receipt Leanafy does not have yet."""
    view = ChannelView(context)
    return send_documents(
        client, ARNS, receipts, lambda receipt, units: arn_draft(context, view, receipt, units)
    )


def arn_draft(
    context: ChannelContext, view: ChannelView, receipt: Receipt, units: dict[str, str]
) -> Draft | RecordResult:
    """The ARN body for ``receipt``, or the ``failed`` result that stops it."""
    unknown = unknown_line_sku(receipt, units)
    if unknown is not None:
        return unknown
    options = MapOptions(warehouse_id=view.warehouse_id, base_units=units)
    try:
        body = ARN.to_wire(receipt, options)
    except ValueError as error:
        return unsendable(receipt.number, error)
    notes: list[str] = []
    try:
        apply_references(
            body,
            ReferenceLevel.PURCHASE_ORDER,
            receipt.references,
            context.mappings.references,
            notes,
        )
    except ReferenceProblem as problem:
        return RecordResult.failed(receipt.number, str(problem), field="references")
    return Draft(receipt.number, receipt.number, body, notes)


def receive(
    context: ChannelContext, client: LeanafyClient, cursor: str | None
) -> Iterator[Page[ReceiptUpdate]]:
    """Closed ARNs after ``cursor``, one page per Leanafy page."""
    view = ChannelView(context)
    params = {wire.Query.STATUS: [str(s) for s in wire.RECEIVED_ARN_STATUSES]}
    start = Cursor.decode(cursor)
    yield from received_pages(
        client.pages_after(wire.Path.ARNS, params, start),
        start,
        is_ours=lambda arn: view.is_ours(arn, wire.Arn.PRIMARY_REFERENCE_NUMBER),
        outcome=_update,
        unplaced=lambda item: unplaced_failure(item, _number(item.record), "ARN", wire.Arn.CODE),
    )


def _number(arn: dict[str, Any]) -> str:
    return str(arn[wire.Arn.PRIMARY_REFERENCE_NUMBER]).strip()


def _update(arn: dict[str, Any]) -> ReceiptUpdate | RecordResult:
    """The receipt update of a listed ARN, or the ``failed`` result naming why
    not. Only closed ARNs were asked for: any other status (none included) is
    reported, never passed over, since the cursor moves past it."""
    number = _number(arn)
    status = arn.get(wire.Arn.STATUS)
    if status not in wire.RECEIVED_ARN_STATUSES:
        return RecordResult.failed(
            number,
            f"Leanafy listed ARN {arn.get(wire.Arn.CODE)!r:.40} among closed ones with "
            f"{wire.Arn.STATUS} {status!r:.40}; not applied",
            field=wire.Arn.STATUS,
        )
    try:
        return RECEIPT_UPDATE.build(arn)
    except (ValueError, TypeError, ArithmeticError) as error:
        return RecordResult.failed(
            number,
            f"Leanafy ARN {arn.get(wire.Arn.CODE)!r:.40} is not applied, its data is wrong: "
            f"{error}",
            field=field_named_by(error, "lines"),
        )
