"""A whole Leanafy list read at once, its pages concurrently, checked afterwards.

A snapshot (inventory) needs every row of a list exactly once. Read page after
page, it waits out Leanafy's latency once per page; read by page number
concurrently, it is only right if the list did not change meanwhile: a row
updated or deleted before a page not yet read shifts that page by one, and a
row is skipped or read twice. Leanafy lists are ordered by ``updated_at``
[model], so any insert or update lands at the list's end, after everything
that was there when the read began. Hence the optimistic read:

1. the first page, with the list's ``total``; a list of one page is done. Then
   the newest row's ``updated_at`` (``newest``), and the rows from ``newest`` on
   (``updated_from`` is inclusive: usually just that one row);
2. every page by number, concurrently, within the channel's throughput profile;
3. the ``total`` again and the rows from ``newest`` on again. If both are as
   they were, nothing was inserted, updated or deleted while the pages were
   read, and the pages are a true snapshot. Otherwise what was read is void
   (:data:`READ_AGAIN`) and the list is read again one page after another
   (:meth:`~plugins.leanafy.client.LeanafyClient.pages_since`, keyset paging
   that no change can fool).

A list of more than one page costs six requests more than its pages. One
without a ``total``, or one whose newest timestamp is shared by more rows than
a page holds, is read one page after another.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping
from typing import Any, Final

from plugins.leanafy import contract as wire
from plugins.leanafy.client import LeanafyClient, ListPage

#: Pages asked for at a time, per request the throughput profile lets run at once.
WINDOW_PER_REQUEST_SLOT = 2
#: Yielded when the rows yielded so far are void: the list changed while it was
#: read by page number, and it is read again from its start.
READ_AGAIN: Final = "read again"


def whole_list(
    client: LeanafyClient, path: str, params: Mapping[str, Any], *, limit: int
) -> Iterator[tuple[int, ListPage] | str]:
    """Every page of the list at ``path`` with its number, in no particular
    order, or :data:`READ_AGAIN` once, after which the pages come again, from
    the start."""
    first = client.page(path, params, page=1, limit=limit)
    if not first.has_more:  # one page: one answer, which no change can split
        yield 1, first
        return
    state = _state(client, path, params, first.total)
    pages = math.ceil(state.total / limit) if state else 0
    if state is None or pages > wire.MAX_LIST_PAGES:  # the serial read stops an endless list
        yield from _serially(client, path, params, limit)
        return
    # Page 1 again: it was read before the state the check compares with.
    numbers = range(1, pages + 1)
    # A window of pages at a time, so that pages answered faster than they are
    # consumed do not pile up in memory.
    window = WINDOW_PER_REQUEST_SLOT * client.context.throughput.max_concurrency
    for start in range(0, len(numbers), window):
        yield from client.context.concurrently(
            lambda number: (number, client.page(path, params, page=number, limit=limit)),
            numbers[start : start + window],
        )
    if _state(client, path, params) == state:
        return
    client.log.info(f"{path} changed while it was read by page number; reading it again")
    yield READ_AGAIN
    yield from _serially(client, path, params, limit)


class _ListState:
    """What the check compares: the list's total and its newest rows."""

    def __init__(self, total: int, newest: frozenset[str]) -> None:
        self.total = total
        self.newest = newest

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _ListState) and (self.total, self.newest) == (
            other.total,
            other.newest,
        )

    __hash__ = None  # type: ignore[assignment]


def _state(
    client: LeanafyClient, path: str, params: Mapping[str, Any], total: int | None = None
) -> _ListState | None:
    """The list's total (read unless given) and its rows at its newest
    timestamp; ``None`` when the list gives no total or is empty, or its
    newest rows are more than a page."""
    if total is None:
        total = client.page(path, params, page=1, limit=1).total
    if not total:
        return None
    last = client.page(path, params, page=total, limit=1).records
    stamp = last[-1].get(wire.UPDATED_AT) if last else None
    if not stamp:
        return None
    since = {**params, wire.Query.UPDATED_FROM: stamp}
    newest = client.page(path, since, page=1, limit=wire.MAX_PAGE_SIZE)
    if newest.has_more:
        return None
    return _ListState(total, frozenset(json.dumps(r, sort_keys=True) for r in newest.records))


def _serially(
    client: LeanafyClient, path: str, params: Mapping[str, Any], limit: int
) -> Iterator[tuple[int, ListPage]]:
    yield from enumerate(client.pages_since(path, params, None, limit=limit), start=1)
