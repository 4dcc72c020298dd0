"""Changing and removing single mapping rows (the console's mapping tabs).

Adding rows is :class:`~techoms_core.store.mapping_rows.MappingStore`'s job. Here
each row is addressed by a ``row_id`` (a carrier or reference row's id, a SKU
row's techOMS SKU key) and a change is one transaction: the old row goes and
the new one is added under the same rules as any added row, or nothing
changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, delete, select

from techoms_core.channel_changes import MAPPING_KINDS, MappingChanges, row_columns
from techoms_core.mappings import CarrierRow, MappingError, ReferenceRow
from techoms_core.store import schema
from techoms_core.store.database import Database
from techoms_core.store.mapping_rows import add_carrier_rows, add_reference_rows, add_sku_rows

_TABLES = {
    "sku": (schema.sku_mappings, "system_key"),
    "carrier": (schema.carrier_mappings, "id"),
    "reference": (schema.reference_mappings, "id"),
}


class MappingEdits(Database):
    """Mapping rows with their ids; change or remove one at a time."""

    def mapping_table(self, channel: str, kind: str) -> list[dict[str, Any]]:
        """The rows of ``kind`` in display order, each a dict with ``id`` and
        the columns of the kind's CSV file."""
        return [
            {"id": row_id, **row_columns(kind, row)}
            for row_id, row in self.identified_mapping_rows(channel, kind)
        ]

    def identified_mapping_rows(self, channel: str, kind: str) -> list[tuple[str, Any]]:
        """The rows of ``kind`` in display order as (row id, row) pairs, the
        rows as ``add_mappings`` takes them."""
        table, id_column = _table(kind)
        order = table.c.system_key if kind == "sku" else table.c.id
        with self._read() as connection:
            self._require_channel(connection, channel)
            rows = connection.execute(
                select(table).where(table.c.channel == channel).order_by(order)
            ).all()
        return [(str(getattr(row, id_column)), _model_row(kind, row)) for row in rows]

    def mapping_rows_of(self, channel: str, kind: str) -> list[Any]:
        """The rows of ``kind`` as ``sku_mapping_rows`` and its siblings give them."""
        _table(kind)
        readers = {
            "sku": self.sku_mapping_rows,
            "carrier": self.carrier_mapping_rows,
            "reference": self.reference_mapping_rows,
        }
        return readers[kind](channel)

    def add_mappings(self, channel: str, kind: str, rows: Iterable[Any]) -> int:
        """Add rows of ``kind``, all or none (see ``add_sku_mappings`` and its
        siblings); how many were new."""
        _table(kind)
        with self._write() as connection:
            self._require_channel(connection, channel)
            return _ADDERS[kind](connection, channel, rows)

    def remove_mapping(self, channel: str, kind: str, row_id: str) -> None:
        """Remove one row; ``MappingError`` if it is not there (any more)."""
        with self._write() as connection:
            self._require_channel(connection, channel)
            _delete_row(connection, channel, kind, row_id)

    def replace_mapping(self, channel: str, kind: str, row_id: str, new_row: Any) -> None:
        """Replace one row by ``new_row`` (a (system, channel) SKU pair, a
        :class:`CarrierRow` or a :class:`ReferenceRow`), in one transaction.
        A new row that contradicts another row raises ``MappingError`` and
        the old row stays."""
        with self._write() as connection:
            self._require_channel(connection, channel)
            _delete_row(connection, channel, kind, row_id)
            _ADDERS[kind](connection, channel, [new_row])


_ADDERS = {"sku": add_sku_rows, "carrier": add_carrier_rows, "reference": add_reference_rows}


def _table(kind: str) -> tuple[Any, str]:
    try:
        return _TABLES[kind]
    except KeyError:
        raise MappingError(
            f"mapping kind: {kind!r} is not one of {', '.join(MAPPING_KINDS)}"
        ) from None


def _delete_row(connection: Connection, channel: str, kind: str, row_id: str) -> None:
    table, id_column = _table(kind)
    key: Any = row_id
    if id_column == "id":
        try:
            key = int(row_id)
        except ValueError:
            raise MappingError(f"{kind} mapping row {row_id!r} does not exist") from None
    removed = connection.execute(
        delete(table).where(table.c.channel == channel, table.c[id_column] == key)
    )
    if removed.rowcount != 1:
        raise MappingError(f"{kind} mapping row {row_id!r} does not exist (any more)")


def _model_row(kind: str, row: Any) -> Any:
    if kind == "sku":
        return (row.system_sku, row.channel_sku)
    if kind == "carrier":
        return CarrierRow(
            carrier_channel=row.carrier_channel,
            service_channel=row.service_channel,
            carrier_system=row.carrier_system,
            service_system=row.service_system,
            primary=bool(row.is_primary),
        )
    return ReferenceRow(level=row.level, code=row.code, property=row.property)


def apply_mapping_changes(connection: Connection, channel: str, changes: MappingChanges) -> int:
    """Remove, then add, the rows of ``changes`` in the caller's transaction;
    how many rows were added. ``MappingError`` (a removed row that is not
    there) or ``MappingConflict`` (an added row that contradicts another)."""
    for row_id in sorted(changes.removed):
        _delete_row(connection, channel, changes.kind, row_id)
    return _ADDERS[changes.kind](connection, channel, changes.added) if changes.added else 0
