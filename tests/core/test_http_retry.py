"""Retries: what is retried, how long the session waits, and when it stops."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from techoms_core.http import (
    ClientError,
    OutcomeUnknown,
    RateLimited,
    RetryPolicy,
    ServerError,
    parse_retry_after,
)
from tests.core.http_server import Answer

pytest_plugins = ("tests.core.fixtures_http",)

NOW = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("2", 2.0),
        (" 0.5 ", 0.5),
        ("-3", 0.0),
        (format_datetime(NOW + timedelta(seconds=30), usegmt=True), 30.0),
        (format_datetime(NOW - timedelta(seconds=30), usegmt=True), 0.0),
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after_is_read_as_seconds_or_http_date(value, seconds):
    assert parse_retry_after(value, now=NOW) == seconds


def test_a_read_is_retried_until_it_succeeds(wms, make_session):
    wms.script(Answer(status=503), Answer(status=502))
    session = make_session(retry=RetryPolicy(max_attempts=5))

    assert session.get("items").status_code == 200
    assert len(wms.received("GET")) == 3
    assert (session.stats.requests, session.stats.retries) == (3, 2)


def test_threads_retrying_at_once_each_count_their_own_attempts(wms, make_session):
    wms.default = Answer(status=503, delay=0.01)
    session = make_session(retry=RetryPolicy(max_attempts=3))
    failures: list[ServerError] = []
    started = threading.Barrier(4)

    def fetch() -> None:
        started.wait()
        with pytest.raises(ServerError) as raised:
            session.get("items")
        failures.append(raised.value)

    threads = [threading.Thread(target=fetch) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(failures) == 4
    assert len(wms.received("GET")) == 12
    assert (session.stats.requests, session.stats.retries) == (12, 8)
    assert all("3 attempts" in str(failure) for failure in failures)


def test_a_replaced_retry_policy_is_used_from_the_next_request(wms, make_session):
    wms.default = Answer(status=503)
    session = make_session(retry=RetryPolicy(max_attempts=3))
    with pytest.raises(ServerError):
        session.get("items")

    session.retry = RetryPolicy(max_attempts=2)
    with pytest.raises(ServerError):
        session.get("items")

    assert len(wms.received("GET")) == 5


def test_retries_stop_after_max_attempts(wms, make_session, sleeps):
    wms.default = Answer(status=503)
    session = make_session(retry=RetryPolicy(max_attempts=4))

    with pytest.raises(ServerError) as raised:
        session.get("items")

    assert len(wms.received("GET")) == 4
    assert len(sleeps) == 3
    assert raised.value.attempts == 4
    assert "4 attempts" in str(raised.value)


def test_backoff_grows_exponentially_with_jitter_up_to_its_maximum(wms, make_session, sleeps):
    wms.default = Answer(status=500)
    policy = RetryPolicy(max_attempts=7, backoff_initial=0.1, backoff_max=1.0)

    with pytest.raises(ServerError):
        make_session(retry=policy).get("items")

    floors = [0.1, 0.2, 0.4, 0.8, 1.0, 1.0]
    assert len(sleeps) == len(floors)
    for waited, floor in zip(sleeps, floors, strict=True):
        assert floor <= waited <= min(floor + 0.1, 1.0)


def test_a_create_on_429_waits_retry_after_then_is_sent_again(wms, make_session, sleeps):
    wms.script(Answer(status=429, headers={"Retry-After": "2"}))
    wms.default = Answer(status=201, body={"success": True, "payload": {"_id": "o1"}})
    session = make_session()

    response = session.post("order", json={"primary_reference_number": "SH-1"})

    assert response.status_code == 201
    assert sleeps == [2.0]
    assert len(wms.received("POST")) == 2
    assert session.stats.rate_limited == 1


def test_retry_after_is_capped(wms, make_session, sleeps):
    wms.script(Answer(status=429, headers={"Retry-After": "3600"}))
    session = make_session(retry=RetryPolicy(retry_after_cap=60.0))

    session.get("items")

    assert sleeps == [60.0]


def test_retry_after_as_an_http_date_is_honoured(wms, make_session, sleeps):
    later = datetime.now(UTC) + timedelta(seconds=20)
    wms.script(Answer(status=503, headers={"Retry-After": format_datetime(later, usegmt=True)}))

    make_session().get("items")

    assert len(sleeps) == 1 and 15 <= sleeps[0] <= 20


def test_rate_limiting_that_outlasts_the_retries_raises_rate_limited(wms, make_session, sleeps):
    wms.default = Answer(status=429, headers={"Retry-After": "1"})

    with pytest.raises(RateLimited) as raised:
        make_session(retry=RetryPolicy(max_attempts=3)).post("order", json={})

    assert sleeps == [1.0, 1.0]
    assert raised.value.retry_after == 1.0


def test_a_create_is_never_retried_on_5xx(wms, make_session, sleeps):
    wms.default = Answer(status=500)
    session = make_session(retry=RetryPolicy(max_attempts=5))

    with pytest.raises(OutcomeUnknown):
        session.post("order", json={"primary_reference_number": "SH-1"})

    assert len(wms.received("POST")) == 1
    assert sleeps == []
    assert session.stats.retries == 0


def test_a_post_declared_idempotent_is_retried_like_a_read(wms, make_session):
    wms.script(Answer(status=503))

    response = make_session().post("items/search", json={"sku": ["A"]}, idempotent=True)

    assert response.status_code == 200
    assert len(wms.received("POST")) == 2


def test_a_put_is_retried_as_safe_to_repeat(wms, make_session):
    wms.script(Answer(status=504))

    assert make_session().put("item/A-1", json={"name": "A"}).status_code == 200
    assert len(wms.received("PUT")) == 2


def test_a_4xx_is_never_retried(wms, make_session, sleeps):
    wms.default = Answer(status=400)

    with pytest.raises(ClientError):
        make_session().get("items")

    assert len(wms.received()) == 1 and sleeps == []


def test_each_retry_is_logged_as_a_warning(wms, make_session, caplog):
    wms.script(Answer(status=503, headers={"X-Request-Id": "rq-1"}))

    with caplog.at_level(logging.WARNING, logger="techoms.test.http"):
        make_session().get("items")

    [warning] = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert "temporarily unavailable (HTTP 503)" in warning.getMessage()
    assert "X-Request-Id: rq-1" in warning.getMessage()
    assert "attempt 1 of 3" in warning.getMessage()
