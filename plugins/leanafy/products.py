"""Products: export to Leanafy (create only), import from Leanafy, and item lookups.

Export checks existence by SKU first, with ``GET /v1/items?sku=..`` batched 100
SKUs per request (``docs/leanafy.md`` explains the choice), then creates only
the missing items, concurrently. An item already there is ``skipped``: Leanafy
has no product update.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from plugins.leanafy import contract as wire
from plugins.leanafy.client import LeanafyClient
from plugins.leanafy.cursor import Cursor
from plugins.leanafy.declaration import REQUIRED_EXPORT_FIELDS
from plugins.leanafy.errors import field_named_by
from plugins.leanafy.idempotency import Draft, Kind, Sender, is_fatal_for_run
from plugins.leanafy.mapping import ITEM
from plugins.leanafy.received import received_pages, unplaced_failure
from techoms_core.http.exceptions import ChannelHTTPError
from techoms_core.models import Page, Product, RecordResult, sku_key
from techoms_core.rules import missing_export_fields

EXISTS_MESSAGE = "exists in Leanafy; Leanafy does not support product updates"

ITEMS = Kind(
    noun="item",
    create_path=wire.Path.ITEM,
    list_path=wire.Path.ITEMS,
    identity_param=wire.Query.SKU,
    identity_field=wire.Item.SKU,
    mapper=ITEM,
    normalize=sku_key,
    existing_message=EXISTS_MESSAGE,
    protected_by_conflict=True,
    record_field="sku",
)


def export(client: LeanafyClient, products: Sequence[Product]) -> Iterator[RecordResult]:
    """Create the products Leanafy lacks; one result per product, keyed by SKU."""
    complete: list[Product] = []
    seen: set[str] = set()
    for product in products:
        missing = missing_export_fields(product, REQUIRED_EXPORT_FIELDS)
        if missing:
            yield RecordResult.failed(
                product.sku,
                f"missing required field(s) for Leanafy: {', '.join(missing)}",
                field=",".join(missing),
            )
        elif sku_key(product.sku) in seen:
            yield RecordResult.skipped(product.sku, "duplicate SKU in this batch; sent once")
        else:
            seen.add(sku_key(product.sku))
            complete.append(product)
    sender = Sender(client, ITEMS)
    existing, new = sender.split_existing(complete, lambda product: product.sku)
    yield from existing
    drafts: list[Draft] = []
    for product in new:
        try:
            drafts.append(Draft(product.sku, product.sku, ITEM.to_wire(product)))
        except ValueError as error:
            yield unsendable(product.sku, error)
    yield from sender.create_all(drafts)


def unsendable(key: str, error: ValueError) -> RecordResult:
    """The ``failed`` result of a record with a value Leanafy cannot be sent."""
    return RecordResult.failed(
        key, f"cannot be sent to Leanafy: {error}", field=field_named_by(error)
    )


def import_pages(client: LeanafyClient, cursor: str | None) -> Iterator[Page[Product]]:
    """Leanafy's items changed after ``cursor``, one page per Leanafy page.

    A SKU repeated under another item id within the run is ``skipped`` with a
    warning; an item techOMS cannot accept is ``failed`` naming the field.
    """
    first_id: dict[str, str] = {}
    start = Cursor.decode(cursor)
    yield from received_pages(
        client.pages_after(wire.Path.ITEMS, {}, start),
        start,
        is_ours=lambda item: True,
        outcome=lambda item: _imported(item, first_id),
        unplaced=lambda listed: unplaced_failure(
            listed, _item_key(listed.record), "item", wire.Item.SKU
        ),
    )


def _item_key(item: dict[str, Any]) -> str:
    sku = str(item.get(wire.Item.SKU) or "").strip()
    return sku or f"item {item.get(wire.ID)}"


def _imported(item: dict[str, Any], first_id: dict[str, str]) -> Product | RecordResult:
    sku = str(item.get(wire.Item.SKU) or "").strip()
    item_id = str(item.get(wire.ID))
    if not sku:
        return RecordResult.failed(f"item {item_id}", "Leanafy item without a SKU", field="sku")
    if first_id.setdefault(sku_key(sku), item_id) != item_id:
        return RecordResult.skipped(
            sku, f"duplicate SKU {sku!r} in Leanafy (item {item_id}); imported once"
        )
    try:
        return ITEM.build(item)
    except (ValueError, TypeError) as error:
        return RecordResult.failed(sku, f"Leanafy item {item_id} cannot be imported: {error}")


#: ``context.memo`` key: the base unit of every item read in this run, by SKU
#: key. Leanafy's items cannot be updated, so a base unit read once holds for
#: the run, and later batches need not ask for it again.
BASE_UNITS_MEMO = "leanafy.base_units"


def base_units(client: LeanafyClient, skus: Sequence[str]) -> dict[str, str]:
    """Each known SKU's base unit, by SKU key: one request per 100 SKUs not
    read earlier in the run. A SKU Leanafy did not know is asked again next
    time (it may have been exported since)."""
    known: dict[str, str] = client.context.memo.setdefault(BASE_UNITS_MEMO, {})
    distinct = dict.fromkeys(sku.strip() for sku in skus)
    unread = [sku for sku in distinct if sku_key(sku) not in known]
    if unread:
        for item in client.find(wire.Path.ITEMS, wire.Query.SKU, unread):
            sku, unit = item.get(wire.Item.SKU), item.get(wire.Item.BASE_UNIT)
            if sku and unit:
                known[sku_key(str(sku))] = str(unit)
    return known


def line_units(
    client: LeanafyClient, records: Sequence[Any]
) -> tuple[dict[str, str], list[RecordResult]]:
    """The base unit of every SKU on the records' lines, or, when Leanafy could
    not be asked, a fatal ``failed`` result per record (retried next run)."""
    try:
        return base_units(client, [line.sku for record in records for line in record.lines]), []
    except ChannelHTTPError as error:
        if is_fatal_for_run(error):
            raise
        client.log_failure("reading the base units of the lines' items", error)
        why = f"could not read the lines' units from Leanafy, so not sent: {error}"
        return {}, [RecordResult.failed(record.key, why, fatal=True) for record in records]


def unknown_line_sku(record: Any, units: dict[str, str]) -> RecordResult | None:
    """A ``failed`` result when a line's SKU is not in Leanafy, else ``None``."""
    for index, line in enumerate(record.lines):
        if sku_key(line.sku) not in units:
            return RecordResult.failed(
                record.key,
                f"SKU {line.sku!r} (line {line.line_number}) is not in Leanafy; "
                "export the product first",
                field=f"lines[{index}].sku",
            )
    return None
