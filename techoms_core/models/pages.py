"""Pages: what a receive hook yields."""

from __future__ import annotations

from typing import Generic, TypeVar

from attrs import field, frozen

from techoms_core.models.results import RecordResult

T = TypeVar("T")


@frozen(kw_only=True)
class Page(Generic[T]):
    """One page of a receive.

    ``records`` are to be applied by the host. ``problems`` are records the
    plugin read but refuses to hand over (a data error such as an over-shipped
    line is ``failed``; a duplicate SKU is ``skipped``), each keyed like the
    record. ``cursor`` is where the next run resumes once this page is committed:
    the host stores it in the same transaction as the page's records, so it must
    cover everything in this page and nothing after it. ``None`` means "no
    cursor" (a full snapshot such as inventory).

    ``empty_confirmed``, for a snapshot: the WMS itself confirms it holds
    nothing at all (its list's metadata counts no row, say). Only then may a
    snapshot without a single readable record replace what the host holds
    (:mod:`techoms_core.snapshot_guard`); any page of the snapshot may say so.
    """

    records: tuple[T, ...] = field(default=(), converter=tuple)
    problems: tuple[RecordResult, ...] = field(default=(), converter=tuple)
    cursor: str | None = None
    empty_confirmed: bool = False
