"""A channel's mapping rows: SKU, carrier/service and reference (spec §5).

Rows are only ever added, all of a call's rows or none. A row that repeats one
already there (or an earlier one of the same call) is not added twice; a row
that contradicts one is refused. Every refused row of a call is named, by its
position among the rows given, in one :class:`~techoms_core.mappings.MappingConflict`.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, insert, select, update

from techoms_core.mappings import (
    CarrierMap,
    CarrierRow,
    MappingConflict,
    MappingPlan,
    Mappings,
    ReferenceMap,
    ReferenceRow,
    SkuMap,
    UnmappedPolicy,
    plan_carrier_rows,
    plan_reference_rows,
    plan_sku_rows,
)
from techoms_core.models import sku_key
from techoms_core.store import schema
from techoms_core.store.database import Database
from techoms_core.store.problems import StoreError


class MappingStore(Database):
    """Mappings of the SQLite host's channels."""

    def mappings(self, channel: str) -> Mappings:
        with self._read() as connection:
            self._require_channel(connection, channel)
            policy = connection.execute(
                select(schema.channels.c.carrier_policy).where(schema.channels.c.name == channel)
            ).scalar_one()
            return Mappings(
                skus=SkuMap(_sku_pairs(connection, channel)),
                carriers=CarrierMap(_carrier_rows(connection, channel), UnmappedPolicy(policy)),
                references=ReferenceMap(_reference_rows(connection, channel)),
            )

    def add_sku_mappings(self, channel: str, pairs: Iterable[tuple[str, str]]) -> int:
        """Add (system SKU, channel SKU) rows, all or none.

        A row already present is not added again; a row that contradicts one
        (either side already mapped elsewhere) is refused: ``MappingConflict``
        names every such row. Returns how many rows were added."""
        with self._write() as connection:
            self._require_channel(connection, channel)
            return add_sku_rows(connection, channel, pairs)

    def add_carrier_mappings(self, channel: str, rows: Iterable[CarrierRow]) -> int:
        """Add carrier/service rows, all or none.

        An identical row is not added twice. Refused: a row without carrier
        codes, a wildcard row marked primary (wildcards match inbound codes
        only, and are never sent), and a row that repeats an existing one with
        a different ``primary``."""
        with self._write() as connection:
            self._require_channel(connection, channel)
            return add_carrier_rows(connection, channel, rows)

    def set_carrier_policy(self, channel: str, policy: UnmappedPolicy | str) -> None:
        """What an unmapped carrier does: ``warn`` (pass through) or ``error``."""
        try:
            chosen = UnmappedPolicy(policy)
        except ValueError:
            raise StoreError(f"carrier policy: {policy!r} is not 'warn' or 'error'") from None
        with self._write() as connection:
            self._require_channel(connection, channel)
            connection.execute(
                update(schema.channels)
                .where(schema.channels.c.name == channel)
                .values(carrier_policy=chosen.value)
            )

    def add_reference_mappings(self, channel: str, rows: Iterable[ReferenceRow]) -> int:
        """Add reference rows, all or none. A code already mapped at that level to
        another property is refused (``MappingConflict``); the same row again is ignored."""
        with self._write() as connection:
            self._require_channel(connection, channel)
            return add_reference_rows(connection, channel, rows)

    def sku_mapping_rows(self, channel: str) -> list[tuple[str, str]]:
        with self._read() as connection:
            self._require_channel(connection, channel)
            return _sku_pairs(connection, channel)

    def carrier_mapping_rows(self, channel: str) -> list[CarrierRow]:
        with self._read() as connection:
            self._require_channel(connection, channel)
            return _carrier_rows(connection, channel)

    def reference_mapping_rows(self, channel: str) -> list[ReferenceRow]:
        with self._read() as connection:
            self._require_channel(connection, channel)
            return _reference_rows(connection, channel)


def add_sku_rows(connection: Connection, channel: str, pairs: Iterable[tuple[str, str]]) -> int:
    """:meth:`MappingStore.add_sku_mappings` inside the caller's transaction."""
    plan = plan_sku_rows(_sku_pairs(connection, channel), pairs)
    _refuse(plan, "sku")
    added = plan.added
    if added:
        connection.execute(
            insert(schema.sku_mappings),
            [
                {
                    "channel": channel,
                    "system_key": sku_key(system),
                    "system_sku": system,
                    "channel_key": sku_key(remote),
                    "channel_sku": remote,
                }
                for system, remote in added
            ],
        )
    return len(added)


def add_carrier_rows(connection: Connection, channel: str, rows: Iterable[CarrierRow]) -> int:
    """:meth:`MappingStore.add_carrier_mappings` inside the caller's transaction."""
    plan = plan_carrier_rows(_carrier_rows(connection, channel), rows)
    _refuse(plan, "carrier")
    added = plan.added
    if added:
        connection.execute(
            insert(schema.carrier_mappings),
            [
                {
                    "channel": channel,
                    "carrier_channel": row.carrier_channel,
                    "service_channel": row.service_channel,
                    "carrier_system": row.carrier_system,
                    "service_system": row.service_system,
                    "is_primary": row.primary,
                }
                for row in added
            ],
        )
    return len(added)


def add_reference_rows(connection: Connection, channel: str, rows: Iterable[ReferenceRow]) -> int:
    """:meth:`MappingStore.add_reference_mappings` inside the caller's transaction."""
    plan = plan_reference_rows(_reference_rows(connection, channel), rows)
    _refuse(plan, "reference")
    added = plan.added
    if added:
        connection.execute(
            insert(schema.reference_mappings),
            [
                {
                    "channel": channel,
                    "level": row.level.value,
                    "code": row.code,
                    "property": row.property,
                }
                for row in added
            ],
        )
    return len(added)


def _refuse(plan: MappingPlan, kind: str) -> None:
    if plan.problems:
        raise MappingConflict(kind, plan.problems)


def _sku_pairs(connection: Connection, channel: str) -> list[tuple[str, str]]:
    table = schema.sku_mappings
    rows = connection.execute(
        select(table.c.system_sku, table.c.channel_sku)
        .where(table.c.channel == channel)
        .order_by(table.c.system_key)
    ).all()
    return [(row.system_sku, row.channel_sku) for row in rows]


def _carrier_rows(connection: Connection, channel: str) -> list[CarrierRow]:
    table = schema.carrier_mappings
    rows = connection.execute(
        select(table).where(table.c.channel == channel).order_by(table.c.id)
    ).all()
    return [
        CarrierRow(
            carrier_channel=row.carrier_channel,
            service_channel=row.service_channel,
            carrier_system=row.carrier_system,
            service_system=row.service_system,
            primary=bool(row.is_primary),
        )
        for row in rows
    ]


def _reference_rows(connection: Connection, channel: str) -> list[ReferenceRow]:
    table = schema.reference_mappings
    rows = connection.execute(
        select(table).where(table.c.channel == channel).order_by(table.c.id)
    ).all()
    return [ReferenceRow(level=row.level, code=row.code, property=row.property) for row in rows]
