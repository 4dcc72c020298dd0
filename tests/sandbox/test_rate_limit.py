"""The token bucket behind the ``rate_limit`` fault, and the peak request rate the
counters keep, on a hand-driven clock."""

from __future__ import annotations

from plugins.leanafy.sandbox.counters import Counters
from plugins.leanafy.sandbox.rate_limit import RequestWindow, TokenBucket


class HandClock:
    """A clock that moves only when told."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_of_rps_then_429_until_a_token_refills():
    clock = HandClock()
    bucket = TokenBucket(3, clock=clock)

    burst = [bucket.take() for _ in range(4)]

    assert [d.allowed for d in burst] == [True, True, True, False]
    assert [d.remaining for d in burst] == [2, 1, 0, 0]
    assert burst[-1].retry_after == 1
    clock.now += 0.5
    assert bucket.take().allowed
    assert not bucket.take().allowed


def test_a_burst_lets_more_than_one_seconds_worth_through_at_once():
    clock = HandClock()
    bucket = TokenBucket(2, clock=clock, burst=5)

    burst = [bucket.take() for _ in range(6)]

    assert [d.allowed for d in burst] == [True] * 5 + [False]
    assert burst[0].limit == 2
    clock.now += 0.5  # refills at the rate, not the burst
    assert [bucket.take().allowed for _ in range(2)] == [True, False]


def test_slow_rates_ask_for_longer_waits():
    clock = HandClock()
    bucket = TokenBucket(0.25, clock=clock)

    assert bucket.take().allowed
    refused = bucket.take()

    assert (refused.allowed, refused.limit, refused.retry_after) == (False, 1, 4)
    clock.now += 4
    assert bucket.take().allowed


def test_the_nominal_window_counts_but_never_refuses():
    clock = HandClock()
    window = RequestWindow(limit=2, clock=clock)

    decisions = [window.take() for _ in range(3)]

    assert [d.allowed for d in decisions] == [True, True, True]
    assert [d.remaining for d in decisions] == [1, 0, 0]
    clock.now += 1
    assert window.take().remaining == 1


def test_the_peak_counts_the_busiest_one_second_window():
    clock = HandClock()
    counters = Counters(clock=clock)
    for step in (0.0, 0.5, 0.4, 0.05, 0.1, 2.0, 0.01):
        clock.now += step
        counters.request("GET /v1/me")
    # Arrivals at 100.0, 100.5, 100.9, 100.95, 101.05, 103.05, 103.06: the busiest
    # second holds 100.5 .. 101.05 (four), never 100.0 .. 101.05 (that is longer).
    assert counters.snapshot()["peak_requests_per_second"] == 4
    counters.reset()
    assert counters.peak_requests_per_second() == 0
