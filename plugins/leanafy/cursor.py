"""The receive cursor: the ``(updated_at, _id)`` of the last record of a committed page.

Leanafy lists are ordered by ``(updated_at, _id)`` and ``updated_from`` is
inclusive [model], so a run resumes with ``updated_from = cursor.updated_at``
and skips every record at or before the cursor. The timestamp travels exactly
as Leanafy wrote it, so the filter sent back is one Leanafy understands;
comparisons use the parsed instant.

Encoded as ``v1|<updated_at>|<_id>``; anything else is refused with a clear
error rather than read as "start from the beginning".

A listed record without a readable ``updated_at`` or ``_id`` has no place in
that order (:class:`Unplaced`). A receive reports it failed and holds its
cursor (:class:`ResumePoint`) at the last record before it, so that the
record, listed correctly later, is read again: a cursor never passes it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from attrs import field, frozen

from plugins.leanafy import contract as wire
from techoms_core.models.fields import to_datetime

_VERSION = "v1"
_SEPARATOR = "|"


class BadCursor(ValueError):
    """A stored cursor this plugin did not write."""


class Unplaced(BadCursor):
    """A listed record whose ``field`` (``updated_at`` or ``_id``) is missing
    or unreadable: it cannot be placed in the list's order."""

    def __init__(self, field: str, value: object, wanted: str) -> None:
        missing = value is None or value == ""
        super().__init__(f"no {field}" if missing else f"{field} {value!r:.40} is not {wanted}")
        self.field = field


@frozen(order=False)
class Cursor:
    """A position in a Leanafy list: after the record ``(updated_at, _id)``."""

    updated_at: str
    record_id: str
    instant: dt.datetime = field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "instant", instant_of(self.updated_at))

    @classmethod
    def of(cls, record: Mapping[str, Any]) -> Cursor:
        """The position of a record as Leanafy sent it; :class:`Unplaced` when
        it has none."""
        updated_at, record_id = record.get(wire.UPDATED_AT), record.get(wire.ID)
        timestamp = "an RFC 3339 timestamp"
        if not isinstance(updated_at, str) or not updated_at:
            raise Unplaced(wire.UPDATED_AT, updated_at, timestamp)
        if not isinstance(record_id, str) or not record_id.strip():
            raise Unplaced(wire.ID, record_id, "a string")
        try:
            return cls(updated_at, record_id)
        except BadCursor:
            raise Unplaced(wire.UPDATED_AT, updated_at, timestamp) from None

    @classmethod
    def decode(cls, text: str | None) -> Cursor | None:
        """The cursor a page stored, or ``None`` for "from the beginning"."""
        if text is None:
            return None
        version, _, rest = text.partition(_SEPARATOR)
        updated_at, _, record_id = rest.rpartition(_SEPARATOR)
        if version != _VERSION or not updated_at or not record_id:
            raise BadCursor(f"not a Leanafy cursor: {text!r}")
        return cls(updated_at, record_id)

    def encode(self) -> str:
        return _SEPARATOR.join((_VERSION, self.updated_at, self.record_id))

    def key(self) -> tuple[dt.datetime, str]:
        return (self.instant, self.record_id)

    def is_after(self, other: Cursor | None) -> bool:
        """Whether this position comes strictly after ``other`` (``None`` = the start)."""
        return other is None or self.key() > other.key()


class ResumePoint:
    """Where the next receive starts, moved on record by record as a run
    passes them (applied, reported, or not ours), and held for the rest of
    the run once a record it must report cannot be placed
    (:class:`Unplaced`): every record after the hold is read again next time
    (one already applied is then ``skipped`` as a repeat)."""

    def __init__(self, start: Cursor | None) -> None:
        self.cursor = start
        self.held = False

    def passed(self, position: Cursor | None) -> None:
        if position is not None and not self.held:
            self.cursor = position

    def hold(self) -> None:
        self.held = True

    def encode(self) -> str | None:
        return None if self.cursor is None else self.cursor.encode()


def instant_of(updated_at: str) -> dt.datetime:
    """The instant of a Leanafy timestamp; :class:`BadCursor` if it is not one."""
    try:
        instant = to_datetime(updated_at)
    except ValueError:
        raise BadCursor(f"not an RFC 3339 timestamp: {updated_at!r}") from None
    assert instant is not None
    return instant
