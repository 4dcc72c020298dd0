"""The session's stats: CPU time of the HTTP library and of the limiter, summed over threads."""

from __future__ import annotations

import threading

import pytest

from techoms_core.http import RetryPolicy, Unreachable
from tests.core.http_server import Answer

pytest_plugins = ("tests.core.fixtures_http",)


def test_transport_cpu_grows_with_every_request(wms, make_session):
    session = make_session()
    assert session.stats.transport_cpu_seconds == 0.0

    seen = []
    for _ in range(3):
        session.get("items")
        seen.append(session.stats.transport_cpu_seconds)

    assert 0.0 < seen[0] < seen[1] < seen[2]
    assert session.stats.requests == 3


def test_transport_cpu_sums_the_threads_that_send(wms, make_session):
    wms.default = Answer(body={"payload": ["x" * 1000] * 50})
    session = make_session()
    session.get("items")
    one_thread = session.stats.transport_cpu_seconds
    started = threading.Barrier(4)

    def fetch() -> None:
        started.wait()
        for _ in range(3):
            session.get("items")

    threads = [threading.Thread(target=fetch) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert session.stats.requests == 13
    assert session.stats.transport_cpu_seconds > one_thread


def test_a_send_that_fails_still_counts_its_cpu(refused_url, make_session):
    session = make_session(base_url=refused_url, retry=RetryPolicy(max_attempts=1))

    with pytest.raises(Unreachable):
        session.get("items")

    assert session.stats.transport_cpu_seconds > 0.0


def test_sessions_count_apart(wms, make_session):
    first, second = make_session(), make_session()

    first.get("items")

    assert first.stats.transport_cpu_seconds > 0.0
    assert second.stats.transport_cpu_seconds == 0.0


def test_the_limiter_s_share_is_kept_out_of_the_transport_s(wms, make_session):
    session = make_session()

    for _ in range(3):
        session.get("items")

    stats = session.stats
    assert stats.limiter_cpu_seconds > 0.0
    assert stats.request_cpu_seconds > stats.limiter_cpu_seconds
    assert stats.transport_cpu_seconds == pytest.approx(
        stats.request_cpu_seconds - stats.limiter_cpu_seconds
    )
