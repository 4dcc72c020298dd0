"""A whole Leanafy list read at once, its pages concurrently, checked afterwards.

A snapshot (inventory) needs every row of a list exactly once. Read page after
page, it waits out Leanafy's latency once per page; read by page number
concurrently, it is only right if the list did not change meanwhile: a row
updated or deleted before a page not yet read shifts that page by one, and a
row is skipped or read twice. Leanafy lists are ordered by ``updated_at``
[model], so any insert or update lands at the list's end, after everything
that was there when the read began. Hence the optimistic read:

1. the first page, with the list's ``total``; a list of one page is done.
   Then the state: the list's last page, whose last row gives the newest
   ``updated_at`` (``newest``), and the rows from ``newest`` on
   (``updated_from`` is inclusive: usually just that one row), which must be
   the rows the last page ends with (else the list changed in between);
2. every other page by number (page 1 again: it was read before the state),
   concurrently within the channel's throughput profile, a window sliding
   over them;
3. the ``total`` again and the rows from the same ``newest`` on again, both
   at once. If both are as they were, nothing was inserted, updated or
   deleted while the pages were read (an insert or update would be among the
   rows from ``newest`` on, a deletion would lower the total or leave those
   rows), and the pages are a true snapshot. Otherwise what was read is void
   (:data:`READ_AGAIN`) and the list is read again one page after another
   (:meth:`~plugins.leanafy.client.LeanafyClient.pages_since`, keyset paging
   that no change can fool).

A list of more than one page costs four requests more than its pages, in
three round trips before the pages and one after. One without a ``total``,
or one whose newest timestamp is shared by more rows than a page holds, is
read one page after another, as is one that changes before its pages are read.
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
    pages = math.ceil(first.total / limit) if isinstance(first.total, int) else 0
    state = None
    if 1 < pages <= wire.MAX_LIST_PAGES:  # the serial read stops an endless list
        last = client.page(path, params, page=pages, limit=limit)
        state = _state(client, path, params, first.total, last)
    if state is None:
        yield from _serially(client, path, params, limit)
        return
    yield pages, last
    # At most a window of pages answered and not yet used, so that pages
    # answered faster than they are consumed do not pile up in memory.
    window = WINDOW_PER_REQUEST_SLOT * client.context.throughput.max_concurrency
    yield from client.context.concurrently(
        lambda number: (number, client.page(path, params, page=number, limit=limit)),
        range(1, pages),
        ahead=window,
    )
    if _unchanged(client, path, params, state):
        return
    client.log.info(f"{path} changed while it was read by page number; reading it again")
    yield READ_AGAIN
    yield from _serially(client, path, params, limit)


class _ListState:
    """What the check compares: the list's total, and its rows from ``stamp`` on."""

    def __init__(self, total: int, stamp: str, newest: frozenset[str]) -> None:
        self.total = total
        self.stamp = stamp
        self.newest = newest


def _state(
    client: LeanafyClient, path: str, params: Mapping[str, Any], total: int, last: ListPage
) -> _ListState | None:
    """The list's state as its last page shows it, with the rows from its
    newest ``updated_at`` on read right after. ``None`` when the list changed
    meanwhile (another total, or rows from ``newest`` on that the last page
    does not end with), when the page is empty, or when its newest rows are
    more than a page or begin on an earlier page."""
    stamp = last.records[-1].get(wire.UPDATED_AT) if last.records else None
    if not stamp or last.total != total:
        return None
    newest = _newest(client, path, params, stamp)
    tail = frozenset(
        json.dumps(r, sort_keys=True) for r in last.records if r.get(wire.UPDATED_AT) == stamp
    )
    return _ListState(total, stamp, newest) if newest == tail else None


def _newest(
    client: LeanafyClient, path: str, params: Mapping[str, Any], stamp: str
) -> frozenset[str] | None:
    """The rows from ``stamp`` on, each as canonical JSON; ``None`` if more than a page."""
    since = {**params, wire.Query.UPDATED_FROM: stamp}
    newest = client.page(path, since, page=1, limit=wire.MAX_PAGE_SIZE)
    if newest.has_more:
        return None
    return frozenset(json.dumps(r, sort_keys=True) for r in newest.records)


def _unchanged(
    client: LeanafyClient, path: str, params: Mapping[str, Any], state: _ListState
) -> bool:
    """Whether the list's total and its rows from the state's ``stamp`` on are
    as they were (both read at once)."""
    checks = (
        lambda: client.page(path, params, page=1, limit=1).total == state.total,
        lambda: _newest(client, path, params, state.stamp) == state.newest,
    )
    return all(list(client.context.concurrently(lambda check: check(), checks)))


def _serially(
    client: LeanafyClient, path: str, params: Mapping[str, Any], limit: int
) -> Iterator[tuple[int, ListPage]]:
    yield from enumerate(client.pages_since(path, params, None, limit=limit), start=1)
