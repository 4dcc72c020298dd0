"""The loop every Leanafy receive shares: listed records to pages of updates.

Each listed record is either not ours (passed over), unplaced (no
``updated_at`` or ``_id``: reported ``failed`` naming the record and the
field, and the cursor held before it, :class:`~plugins.leanafy.cursor.ResumePoint`),
or turned into an update or a per-record failure by the receive's own rules.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from plugins.leanafy import contract as wire
from plugins.leanafy.client import Listed, Record
from plugins.leanafy.cursor import Cursor, ResumePoint
from techoms_core.models import Page, RecordResult

T = TypeVar("T")


def received_pages(
    listed_pages: Iterable[list[Listed]],
    start: Cursor | None,
    *,
    is_ours: Callable[[Record], bool],
    outcome: Callable[[Record], T | RecordResult],
    unplaced: Callable[[Listed], RecordResult],
) -> Iterator[Page[T]]:
    """One :class:`~techoms_core.models.Page` per listed page, its cursor
    never past a record that could not be placed."""
    resume = ResumePoint(start)
    for listed in listed_pages:
        records: list[Any] = []
        problems: list[RecordResult] = []
        for item in listed:
            if not is_ours(item.record):
                resume.passed(item.position)
                continue
            if item.position is None:
                problems.append(unplaced(item))
                resume.hold()
                continue
            result = outcome(item.record)
            (problems if isinstance(result, RecordResult) else records).append(result)
            resume.passed(item.position)
        yield Page(records=records, problems=problems, cursor=resume.encode())


def unplaced_failure(item: Listed, key: str, noun: str, code_field: str) -> RecordResult:
    """The ``failed`` result of a listed record that has no place in the
    list's order, naming it by ``key``, its Leanafy code and ``_id`` where it
    has them, and its index in the page."""
    assert item.unplaced is not None
    record = item.record
    names = [f"{noun} {record[code_field]!r:.40}" if record.get(code_field) else noun]
    if item.unplaced.field != wire.ID and record.get(wire.ID):
        names.append(f"{wire.ID} {record[wire.ID]!r:.40}")
    return RecordResult.failed(
        key,
        f"Leanafy listed {', '.join(names)} (record {item.index} of its page) with "
        f"{item.unplaced}: it has no place in the list's order, so it is not applied, and "
        "each receive reads the list again from the record before it until Leanafy lists "
        "it whole",
        field=item.unplaced.field,
    )
