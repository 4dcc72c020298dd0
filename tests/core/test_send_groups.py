"""Send results wait in a group and are committed a group at a time."""

from __future__ import annotations

import pytest

from techoms_core.models import RecordResult
from techoms_core.send_groups import ResultGroup


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def ok(n: int) -> RecordResult:
    return RecordResult.ok(f"S-{n}", remote_id=f"id-{n}")


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def commits() -> list[list[str]]:
    return []


def group_of(commits, clock, **options) -> ResultGroup:
    return ResultGroup(lambda held: commits.append([r.key for r in held]), clock=clock, **options)


def test_a_full_group_is_committed_in_one_call(commits, clock):
    group = group_of(commits, clock, size=3)

    for n in range(7):
        group.add(ok(n))

    assert commits == [["S-0", "S-1", "S-2"], ["S-3", "S-4", "S-5"]]
    assert len(group) == 1
    group.commit()
    assert commits[-1] == ["S-6"]
    assert len(group) == 0


def test_a_group_is_committed_with_the_first_result_that_arrives_late(commits, clock):
    group = group_of(commits, clock, size=25, seconds=0.2)

    group.add(ok(1))
    clock.now = 100.1
    group.add(ok(2))
    assert commits == []
    clock.now = 100.25
    group.add(ok(3))
    assert commits == [["S-1", "S-2", "S-3"]]

    clock.now = 105.0
    group.add(ok(4))  # a new group's age starts at its first result
    assert commits == [["S-1", "S-2", "S-3"]]


def test_committing_an_empty_group_calls_nothing(commits, clock):
    group = group_of(commits, clock)

    group.commit()

    assert commits == []


def test_a_failed_commit_is_not_retried_by_the_next_one(clock):
    calls: list[int] = []

    def failing(held) -> None:
        calls.append(len(held))
        raise RuntimeError("database is locked")

    group = ResultGroup(failing, size=2, clock=clock)
    group.add(ok(1))
    with pytest.raises(RuntimeError):
        group.add(ok(2))
    group.commit()

    assert calls == [2]


def test_a_group_holds_at_least_one_result(commits, clock):
    with pytest.raises(ValueError, match="at least one result"):
        group_of(commits, clock, size=0)
