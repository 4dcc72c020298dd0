"""Pages read one ahead: the next page is fetched while the current one is applied."""

from __future__ import annotations

import threading

import pytest

from techoms_core.read_ahead import ReadAhead


def test_the_next_page_is_fetched_while_the_current_one_is_applied():
    asked = {n: threading.Event() for n in (1, 2, 3)}
    closed = threading.Event()

    def pages():
        try:
            for number in (1, 2, 3):
                asked[number].set()
                yield number
        finally:
            closed.set()

    reading = ReadAhead(pages())
    assert next(reading) == 1
    assert asked[2].wait(timeout=10)  # asked for while page 1 is still being applied
    assert not asked[3].is_set()  # one page ahead, no more
    assert next(reading) == 2
    assert asked[3].wait(timeout=10)
    reading.close()
    assert closed.is_set()


def test_everything_comes_in_order_and_an_error_at_its_page():
    def pages():
        yield from ("a", "b")
        raise RuntimeError("page 3 is unreadable")

    reading = ReadAhead(pages())
    assert [next(reading), next(reading)] == ["a", "b"]
    with pytest.raises(RuntimeError, match="page 3"):
        next(reading)
    reading.close()


def test_closing_early_waits_for_the_page_in_flight_and_drops_it():
    release = threading.Event()
    finished = []

    def pages():
        try:
            yield 1
            release.wait(timeout=10)
            yield 2
        finally:
            finished.append("generator closed")

    reading = ReadAhead(pages())
    assert next(reading) == 1
    release.set()
    reading.close()
    assert finished == ["generator closed"]
    assert list(ReadAhead(iter([]))) == []
