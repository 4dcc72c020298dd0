"""Whether a record given to a load is the one already stored.

A load of a record identical to the stored one changes nothing and counts as
``unchanged``, whatever the record's state (reloading a file of shipments
already sent is harmless); only a record that really differs from one past
``ready`` is a conflict. Records are compared as stored: the document (the
load format without the lines) and each line's stored columns.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, select

from techoms_core.models import Receipt, Shipment
from techoms_core.store import codec, schema
from techoms_core.store.database import rows_for_keys

_NUMBERS = bindparam("b_numbers", expanding=True)


def _shipment_line(line: Any) -> tuple:
    return (line.line_number, line.sku, line.quantity, codec.dumps(dict(line.references)))


def _stored_shipment_line(row: Any) -> tuple:
    return (row.line_number, row.sku, row.quantity, row.references)


def _receipt_line(line: Any) -> tuple:
    return (line.line_number, line.sku, line.quantity, line.unit_cost, line.lot_number)


#: Per kind: (records table, lines table, the lines' parent column, the
#: document of a record, a record's line as stored, a stored line row).
_KINDS = {
    "shipments": (
        schema.shipments,
        schema.shipment_lines,
        "shipment_number",
        codec.shipment_document,
        _shipment_line,
        _stored_shipment_line,
    ),
    "receipts": (
        schema.receipts,
        schema.receipt_lines,
        "receipt_number",
        codec.receipt_document,
        _receipt_line,
        _receipt_line,
    ),
}


def unchanged_numbers(
    connection: Connection, kind: str, records: Sequence[Shipment | Receipt]
) -> set[str]:
    """The numbers of ``records`` whose stored record is identical."""
    if not records:
        return set()
    table, lines_table, parent, document, line_of, stored_line = _KINDS[kind]
    numbers = [record.number for record in records]
    stored = {
        row.number: row.data
        for row in rows_for_keys(
            connection,
            select(table.c.number, table.c.data).where(table.c.number.in_(_NUMBERS)),
            numbers,
            param="b_numbers",
        )
    }
    lines: dict[str, list[tuple]] = defaultdict(list)
    query = (
        select(lines_table)
        .where(lines_table.c[parent].in_(_NUMBERS))
        .order_by(lines_table.c[parent], lines_table.c.line_number)
    )
    for row in rows_for_keys(connection, query, numbers, param="b_numbers"):
        lines[getattr(row, parent)].append(stored_line(row))
    return {
        record.number
        for record in records
        if stored.get(record.number) == codec.dumps(document(record))
        and lines[record.number] == sorted(line_of(line) for line in record.lines)
    }
