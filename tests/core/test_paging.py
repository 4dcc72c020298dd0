"""Keyset paging reads every record once a page asks from the last position,
and the guard stops a list that does not advance."""

from __future__ import annotations

import pytest

from techoms_core.paging import (
    ListPage,
    PagingGuard,
    PagingStuck,
    keyset_pages,
    numbered_pages,
)


def listing(records, limit=2):
    """A WMS list ordered by ``at``, from a position (inclusive), page by number."""
    asked = []

    def fetch(since, number):
        asked.append((since, number))
        after = [r for r in records if since is None or r["at"] >= since]
        page = after[(number - 1) * limit : number * limit]
        return ListPage(page, has_more=len(after) > number * limit)

    return fetch, asked


def read(fetch, since=None, max_pages=50):
    guard = PagingGuard("the WMS listed /orders", max_pages=max_pages)
    pages = keyset_pages(fetch, since, position_of=lambda r: r["at"], order=int, guard=guard)
    return [r["id"] for page in pages for r in page.records]


def test_each_request_asks_from_the_last_position_seen():
    records = [{"id": f"r{i}", "at": str(i)} for i in range(1, 6)]
    fetch, asked = listing(records)

    ids = read(fetch)

    assert ids == ["r1", "r2", "r2", "r3", "r3", "r4", "r4", "r5"]  # boundaries read again
    assert asked == [(None, 1), ("2", 1), ("3", 1), ("4", 1)]


def test_a_run_of_one_position_longer_than_a_page_is_read_by_page_number_once():
    records = [{"id": f"r{i}", "at": "7"} for i in range(1, 6)]
    fetch, asked = listing(records)

    assert read(fetch) == ["r1", "r2", "r3", "r4", "r5"]
    assert asked == [(None, 1), ("7", 2), ("7", 3)]  # from "7" page 1 is the page just read


def test_a_page_repeated_with_more_said_to_follow_stops_the_list():
    stuck = ListPage([{"id": "r1", "at": "1"}], has_more=True)

    with pytest.raises(PagingStuck, match="page 2 holds the same records as the page before"):
        read(lambda since, number: stuck, since="1")


def test_a_list_longer_than_the_cap_stops_naming_it():
    endless = iter(range(1_000))

    def fetch(number):
        n = next(endless)
        return ListPage([{"id": f"r{n}"}], has_more=True)

    guard = PagingGuard("the WMS listed /items", max_pages=3)
    with pytest.raises(PagingStuck, match="the WMS listed /items for more than 3 pages"):
        list(numbered_pages(fetch, guard=guard))


def read_shown(fetch):
    """The ids read when positions are what the WMS shows (``shown``, where a
    record has one, hides or garbles its real ``at``)."""
    guard = PagingGuard("the WMS listed /orders", max_pages=50)
    pages = keyset_pages(
        fetch, None, position_of=lambda r: r.get("shown", r["at"]), order=int, guard=guard
    )
    return [r["id"] for page in pages for r in page.records]


@pytest.mark.parametrize("shown", [None, "soon"], ids=["no position", "unreadable"])
def test_a_page_with_a_record_without_a_position_is_read_on_by_number(shown):
    records = [{"id": f"r{i}", "at": str(i)} for i in range(1, 6)]
    records[1]["shown"] = shown  # listed where it belongs; its position not shown
    fetch, asked = listing(records)

    assert read_shown(fetch) == ["r1", "r2", "r3", "r4", "r4", "r5"]  # nothing lost
    assert asked == [(None, 1), (None, 2), ("4", 1)]
