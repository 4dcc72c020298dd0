"""The throughput cap, observed where it matters: concurrency and start rate.

The bounds asserted are the cap's, not our speed. Start times are compared in
windows a little shorter than a second (``WINDOW``) so that the few
milliseconds between a request leaving the limiter and the server noting its
arrival cannot make a correct limiter look wrong.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from pyrate_limiter import Rate

from techoms_core.context import ChannelConfig, open_context
from techoms_core.http import RetryPolicy, ServerError, ThroughputLimiter
from techoms_core.http.limiter import rates_for
from techoms_core.models import PluginDeclaration
from techoms_core.settings import FieldType, SettingsField, SettingsSchema
from techoms_core.throughput import CustomLimits, ThroughputProfile, throughput_settings
from tests.core.http_server import Answer

pytest_plugins = ("tests.core.fixtures_http",)

WINDOW = 0.9
SMALL = ThroughputProfile("small", "Small", max_concurrency=2, requests_per_second=20)


def run_in_threads(count: int, work: Callable[[], None]) -> None:
    threads = [threading.Thread(target=work) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)


def most_within(times: list[float], window: float) -> int:
    times = sorted(times)
    most, first = 0, 0
    for last, moment in enumerate(times):
        while moment - times[first] >= window:
            first += 1
        most = max(most, last - first + 1)
    return most


@pytest.mark.parametrize(
    ("per_second", "rates"),
    [
        (20, [(20, 1000)]),
        (120, [(120, 1000)]),
        (2.5, [(3, 1000), (5, 2000)]),
        (0.5, [(1, 2000)]),
        (0.3, [(1, 1000), (3, 10_000)]),
    ],
)
def test_rates_never_admit_more_than_the_profile_per_second(per_second, rates):
    assert [(r.limit, r.interval) for r in rates_for(per_second)] == rates
    assert all(isinstance(r, Rate) for r in rates_for(per_second))


def test_the_limiter_caps_concurrency_and_start_rate():
    starts: list[float] = []
    in_slot = 0
    most_in_slot = 0
    lock = threading.Lock()

    with ThroughputLimiter(ThroughputProfile("t", "T", 3, 30)) as limiter:

        def work() -> None:
            nonlocal in_slot, most_in_slot
            for _ in range(7):
                with limiter.slot():
                    with lock:
                        starts.append(time.monotonic())
                        in_slot += 1
                        most_in_slot = max(most_in_slot, in_slot)
                    time.sleep(0.005)
                    with lock:
                        in_slot -= 1

        run_in_threads(6, work)

    assert len(starts) == 42
    assert most_in_slot == 3
    assert most_within(starts, WINDOW) <= 30


def test_a_session_keeps_to_its_profile_as_seen_by_the_server(wms, make_session):
    wms.default = Answer(delay=0.02)
    session = make_session(profile=SMALL)

    def work() -> None:
        for _ in range(5):
            session.get("items")

    run_in_threads(6, work)

    assert len(wms.received()) == 30
    assert wms.max_in_flight == SMALL.max_concurrency
    assert wms.max_started_within(WINDOW) <= SMALL.requests_per_second


def test_retries_count_against_the_cap(wms, make_session):
    wms.default = Answer(status=503)
    profile = ThroughputProfile("one", "One", max_concurrency=1, requests_per_second=4)
    session = make_session(profile=profile, retry=RetryPolicy(max_attempts=6))

    with pytest.raises(ServerError):
        session.get("items")

    assert len(wms.received()) == 6
    assert wms.max_started_within(WINDOW) <= 4


def booked_starts(profile: ThroughputProfile, count: int) -> list[float]:
    """When each of ``count`` slots taken one after the other would start, in
    seconds from the first, as the limiter books them: its sleeps are recorded,
    not slept, against a clock that stands still, so every wait is measured
    from the same moment however slowly the machine runs the loop."""
    waits: list[float] = []
    starts: list[float] = []
    with ThroughputLimiter(profile, sleep=waits.append, clock=lambda: 1_000_000) as limiter:
        for _ in range(count):
            before = len(waits)
            with limiter.slot():
                starts.append(waits[-1] if len(waits) > before else 0.0)
    return starts


def test_a_second_s_worth_starts_at_once_and_each_next_waits_for_its_turn():
    starts = booked_starts(ThroughputProfile("five", "Five", 1, 5), 11)

    assert starts[:5] == [0.0] * 5
    assert all(0.9 < start <= 1.006 for start in starts[5:10])
    assert 1.9 < starts[10] <= 2.012


@pytest.mark.parametrize("per_second", [2.5, 0.5, 40])
def test_booked_starts_keep_to_every_window_of_the_rate(per_second):
    starts = booked_starts(ThroughputProfile("r", "R", 1, per_second), 12)

    assert starts == sorted(starts)
    for rate in rates_for(per_second):
        assert most_within(starts, rate.interval / 1000) <= rate.limit


CUSTOM_SCHEMA = SettingsSchema(
    (
        SettingsField(key="api_url", label="Api Url", type=FieldType.URL, required=True),
        *throughput_settings(custom=CustomLimits(max_concurrency=8, max_requests_per_second=100)),
    )
)
CUSTOM_DECLARATION = PluginDeclaration(
    key="customwms", display_name="Custom WMS", version="1", settings=CUSTOM_SCHEMA
)


def test_a_custom_throughput_is_enforced_like_any_profile(wms):
    wms.default = Answer(delay=0.02)
    settings = {
        "api_url": wms.url("/v1"),
        "throughput": "custom",
        "concurrent_requests": "3",
        "requests_per_second": "12",
    }
    config = ChannelConfig(name="custom", plugin="customwms", settings=settings)
    with open_context(CUSTOM_DECLARATION, config) as context:
        assert (context.throughput.max_concurrency, context.throughput.requests_per_second) == (
            3,
            12,
        )

        def work() -> None:
            for _ in range(4):
                context.http.get(wms.url("/v1/items"))

        run_in_threads(6, work)

    assert len(wms.received()) == 24
    assert wms.max_in_flight == 3
    assert wms.max_started_within(WINDOW) <= 12
