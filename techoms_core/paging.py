"""Reading a WMS's lists page by page, safely: keyset paging and a guard.

* :func:`keyset_pages` reads a list ordered by a position (``updated_at``)
  from a given position on: each request asks from the last position seen, so
  a record changed while the list is read moves to a later position and is
  read again there, never lost. Records at the boundary position are read
  again (callers drop them); only a run of one position longer than a page is
  read by page number, and so is the page after one holding a record without
  a position (where it stands in the order is unknown, so no position on
  that page is trusted to start from).
* :class:`PagingGuard` stops a list whose pages do not advance (the same page
  again, with "more follow") or that goes on past a cap, with
  :class:`PagingStuck` naming the list: a WMS answering ``has_more`` for ever
  is not read for ever.

Each page is one request, which the channel's session retries on its own; a
list is never started over.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from attrs import frozen

from techoms_core.http.exceptions import MalformedResponse

Record = dict[str, Any]


@frozen
class ListPage:
    """One page of a WMS list: its records and whether more follow."""

    records: list[Record]
    has_more: bool
    total: int | None = None


class PagingStuck(MalformedResponse):
    """A list that does not end: a page that repeats the one before, or more
    pages than the guard allows."""


class PagingGuard:
    """Stops a list whose pages do not advance, or that goes on past ``max_pages``.

    :param what: how messages name the list (``"Leanafy listed /v1/orders"``).
    """

    def __init__(self, what: str, *, max_pages: int) -> None:
        self.what = what
        self.max_pages = max_pages
        self.pages = 0
        self._previous: Sequence[Record] | None = None

    def check(self, records: Sequence[Record]) -> None:
        """Called with each page's records, in order; raises :class:`PagingStuck`."""
        self.pages += 1
        if self.pages > self.max_pages:
            raise PagingStuck(
                f"{self.what} for more than {self.max_pages:,} pages; stopped reading it"
            )
        if records and records == self._previous:
            raise PagingStuck(
                f"{self.what}: page {self.pages} holds the same records as the page before, "
                "and more are said to follow; stopped reading it"
            )
        self._previous = records


def keyset_pages(
    fetch: Callable[[str | None, int], ListPage],
    since: str | None,
    *,
    position_of: Callable[[Record], str | None],
    order: Callable[[str], Any],
    guard: PagingGuard,
) -> Iterator[ListPage]:
    """The pages of a list from position ``since`` (inclusive; ``None``: the start).

    :param fetch: one request: the page of the list from a position, by number
        (1 for the first page from that position).
    :param position_of: a record's position, as the WMS writes it (sent back
        as the next ``since``), or ``None`` when it has none (it is yielded
        all the same, for the caller to report).
    :param order: what positions are compared by (a timestamp's instant); a
        ``ValueError`` means the position cannot be read (as ``None``).
    :param guard: stops a list that does not advance.
    """
    number = 1
    while True:
        listed = fetch(since, number)
        guard.check(listed.records)
        yield listed  # an empty first page too: its metadata may say the list is empty
        if not listed.records or not listed.has_more:
            return
        positions = [position_of(record) for record in listed.records]
        first, last = _ordered(order, positions[0]), _ordered(order, positions[-1])
        if None in positions or first is None or last is None:
            number += 1
        elif since is None or last > order(since):
            # From ``last`` the list starts with this very page when the page is
            # one run of ``last``: go on with the page after it, not this again.
            since, number = positions[-1], 2 if first == last else 1
        else:
            number += 1


def _ordered(order: Callable[[str], Any], position: str | None) -> Any:
    """What ``position`` is compared by, ``None`` when it has none or ``order``
    cannot read it (a ``ValueError``)."""
    if position is None:
        return None
    try:
        return order(position)
    except ValueError:
        return None


def numbered_pages(fetch: Callable[[int], ListPage], *, guard: PagingGuard) -> Iterator[Record]:
    """Every record of a small list read by page number (a lookup's answer)."""
    number = 1
    while True:
        listed = fetch(number)
        guard.check(listed.records)
        yield from listed.records
        if not listed.has_more or not listed.records:
            return
        number += 1
