"""Changes to a channel, written all together or not at all.

A channel page collects changes (settings, warehouse, enabled, recurring jobs,
mapping rows, the unmapped-carrier policy) and nothing is written until Save;
Save hands one :class:`ChannelChanges` to the host's ``save_channel``, which
writes all of it in ONE transaction: a refusal anywhere (a warehouse another
channel serves, a mapping row that contradicts another, a row removed
meanwhile) writes nothing.

:class:`MappingChanges` are the unsaved changes to one kind of mapping rows:
stored rows removed (by row id) and rows added. Rows are the models the store
takes (a (system SKU, channel SKU) pair, a
:class:`~techoms_core.mappings.CarrierRow`, a
:class:`~techoms_core.mappings.ReferenceRow`); they are checked with the same
rules the store adds rows by (``techoms_core.mappings.plan_*_rows``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from attrs import evolve, field, frozen

from techoms_core.host import JobPeriod
from techoms_core.mappings import (
    MappingError,
    MappingProblem,
    UnmappedPolicy,
    plan_carrier_rows,
    plan_reference_rows,
    plan_sku_rows,
)

#: Mapping kinds, as the CLI and the console name them.
MAPPING_KINDS = ("sku", "carrier", "reference")
#: The row id of an added, unsaved row starts with this.
NEW_ROW = "new-"
#: How rows of each kind are added to the rows already there (the store's rules).
PLANNERS = {"sku": plan_sku_rows, "carrier": plan_carrier_rows, "reference": plan_reference_rows}


class Keep:
    """The value of a :class:`ChannelChanges` field that keeps what is stored."""

    def __repr__(self) -> str:
        return "KEEP"


KEEP: Any = Keep()


@frozen(kw_only=True)
class JobChange:
    """A recurring job's new period and when it is next due (``None``: off)."""

    period: JobPeriod = field(converter=JobPeriod)
    next_due_at: dt.datetime | None = None


@frozen(kw_only=True)
class MappingChanges:
    """Unsaved changes to the rows of one mapping ``kind`` of a channel.

    :ivar removed: ids of stored rows to remove (a carrier or reference row's
        id, a SKU row's techOMS SKU key).
    :ivar added: rows to add after the removals, in order; the added row at
        position ``i`` has the row id ``new-i`` until it is saved.
    """

    kind: str
    removed: frozenset[str] = field(default=frozenset(), converter=frozenset)
    added: tuple[Any, ...] = field(default=(), converter=tuple)

    def __attrs_post_init__(self) -> None:
        if self.kind not in MAPPING_KINDS:
            raise ValueError(f"mapping kind: {self.kind!r} is not one of {MAPPING_KINDS}")

    @property
    def empty(self) -> bool:
        return not self.removed and not self.added

    def adding(self, rows: Sequence[Any]) -> MappingChanges:
        return evolve(self, added=(*self.added, *rows))

    def removing(self, row_id: str) -> MappingChanges:
        """Without the row ``row_id``: an added row is dropped, a stored one
        removed (``MappingError`` for an added row that is not there)."""
        position = self._position(row_id)
        if position is None:
            return evolve(self, removed=self.removed | {row_id})
        added = list(self.added)
        del added[position]
        return evolve(self, added=added)

    def replacing(self, row_id: str, row: Any) -> MappingChanges:
        """``row`` instead of the row ``row_id`` (an added row keeps its place)."""
        position = self._position(row_id)
        if position is None:
            return evolve(self, removed=self.removed | {row_id}, added=(*self.added, row))
        added = list(self.added)
        added[position] = row
        return evolve(self, added=added)

    def _position(self, row_id: str) -> int | None:
        """The position of the added row ``row_id``, ``None`` for a stored
        row's id; ``MappingError`` for an added row that is not there (the
        page showed a draft since saved or changed)."""
        position = new_row_position(row_id)
        if position is not None and not 0 <= position < len(self.added):
            raise MappingError(f"{self.kind} mapping row {row_id!r} is not there (any more)")
        return position

    def problems(self, stored: Sequence[tuple[str, Any]]) -> tuple[MappingProblem, ...]:
        """What saving would refuse, given the ``stored`` (row id, row) pairs:
        a removed row that is not there, and each added row that contradicts
        a row kept or an earlier added one (``index`` is its position in
        ``added``, ``-1`` for a missing row)."""
        ids = {row_id for row_id, _ in stored}
        missing = [
            MappingProblem(index=-1, message=f"{self.kind} mapping row {row_id!r} is not there")
            for row_id in sorted(self.removed - ids)
        ]
        kept = [row for row_id, row in stored if row_id not in self.removed]
        return (*missing, *PLANNERS[self.kind](kept, self.added).problems)

    def rows(self, stored: Sequence[tuple[str, Any]]) -> list[tuple[str, Any]]:
        """The (row id, row) pairs the kind would hold once saved: the stored
        rows kept, then the added ones (ids ``new-i``)."""
        kept = [(row_id, row) for row_id, row in stored if row_id not in self.removed]
        return kept + [(f"{NEW_ROW}{n}", row) for n, row in enumerate(self.added)]


def new_row_position(row_id: str) -> int | None:
    """The position in ``added`` of the row ``new-i``; ``None`` for a stored row's id."""
    if not row_id.startswith(NEW_ROW):
        return None
    try:
        return int(row_id.removeprefix(NEW_ROW))
    except ValueError:
        return None


def row_columns(kind: str, row: Any) -> dict[str, Any]:
    """A row as the columns of its kind's CSV file."""
    if kind == "sku":
        system, channel = row
        return {"system_sku": system, "channel_sku": channel}
    if kind == "carrier":
        return {
            "carrier_channel": row.carrier_channel,
            "service_channel": row.service_channel,
            "carrier_system": row.carrier_system,
            "service_system": row.service_system,
            "primary": "true" if row.primary else "false",
        }
    return {"level": row.level.value, "code": row.code, "property": row.property}


@frozen(kw_only=True)
class ChannelChanges:
    """Everything Save writes to one channel, in one transaction.

    :ivar settings: the settings replacing the stored ones wholesale
        (``ChannelSettings.raw_for_storage()``), or :data:`KEEP`.
    :ivar warehouse: the techOMS warehouse (``None`` clears it), or :data:`KEEP`.
    :ivar enabled: ``True`` / ``False``, or :data:`KEEP`.
    :ivar carrier_policy: what an unmapped carrier does, or :data:`KEEP`.
    :ivar jobs: the recurring jobs to set, by option key (checked against the
        Sync menu by the caller: :func:`techoms_core.jobs.job_changes`).
    :ivar mappings: the mapping changes, at most one per kind.
    """

    settings: Mapping[str, Any] | Keep = KEEP
    warehouse: str | Keep | None = KEEP
    enabled: bool | Keep = KEEP
    carrier_policy: UnmappedPolicy | Keep = field(
        default=KEEP, converter=lambda v: v if isinstance(v, Keep) else UnmappedPolicy(v)
    )
    jobs: Mapping[str, JobChange] = field(factory=dict)
    mappings: tuple[MappingChanges, ...] = field(default=(), converter=tuple)
