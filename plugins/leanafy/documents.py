"""Documents with lines, sent by our number: orders (shipments) and ARNs (receipts).

Both follow one sequence: look the batch up by ``primary_reference_number``
(what Leanafy already has is ``skipped`` with its id), read the base unit of
every line's item, build each body (a record that cannot be built fails alone),
then create the rest with the look-before-create rule of :mod:`idempotency`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from plugins.leanafy.client import LeanafyClient
from plugins.leanafy.idempotency import Draft, Kind, Sender
from plugins.leanafy.products import line_units
from techoms_core.models import RecordResult

#: Builds one document's body from the record and the base unit of each line's SKU.
DraftBuilder = Callable[[Any, dict[str, str]], Draft | RecordResult]


def send_documents(
    client: LeanafyClient, kind: Kind, records: Sequence[Any], build: DraftBuilder
) -> Iterator[RecordResult]:
    """One result per record: existing, unbuildable, created or failed."""
    sender = Sender(client, kind)
    existing, new = sender.split_existing(records, lambda record: record.number)
    yield from existing
    units, unsendable = line_units(client, new)
    if unsendable:
        yield from unsendable
        return
    drafts: list[Draft] = []
    for record in new:
        draft = build(record, units)
        if isinstance(draft, RecordResult):
            yield draft
        else:
            drafts.append(draft)
    yield from sender.create_all(drafts)
