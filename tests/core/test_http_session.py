"""The channel session: base URL, timeouts, headers, logging, redirects, pooling."""

from __future__ import annotations

import logging
import threading
from decimal import Decimal

import pytest
import requests

from techoms_core.http import ChannelSession, MalformedResponse, NoResponse, RetryPolicy
from techoms_core.http.transport import ChannelResponse
from techoms_core.secrets import Secret
from tests.core.http_server import API_KEY, UNLIMITED, Answer, ScriptedServer

pytest_plugins = ("tests.core.fixtures_http",)


@pytest.mark.parametrize("path", ["items", "/items"])
def test_relative_paths_are_joined_to_the_base_url(path, wms, make_session):
    make_session(base_url=wms.url("/v1/")).get(path, params={"page": 2})

    [request] = wms.received()
    assert (request.path, request.query) == ("/v1/items", {"page": ["2"]})


def test_absolute_urls_are_left_alone(wms, make_session):
    make_session(base_url="https://elsewhere.invalid/v1").get(wms.url("/health"))

    assert wms.received()[0].path == "/health"


def test_every_request_gets_the_default_timeout(wms, make_session):
    wms.default = Answer(hold=True)
    session = make_session(timeout=(1.0, 0.2), retry=RetryPolicy(max_attempts=1))

    with pytest.raises(NoResponse, match=r"in 0\.2 s"):
        session.get("items")


def test_a_request_may_set_its_own_timeout(wms, make_session):
    wms.default = Answer(hold=True)
    session = make_session(timeout=(1.0, 5.0), retry=RetryPolicy(max_attempts=1))

    with pytest.raises(NoResponse, match=r"in 0\.1 s"):
        session.get("items", timeout=0.1)


def test_secret_headers_are_sent_revealed(wms, make_session):
    session = make_session(headers={"X-API-Key": Secret(API_KEY), "Accept": "application/json"})

    session.get("me")

    request = wms.received()[0]
    assert request.header("X-API-Key") == API_KEY
    assert request.header("Accept") == "application/json"


def test_a_success_is_returned_as_the_response(wms, make_session):
    wms.default = Answer(status=201, body={"success": True, "payload": {"_id": "o1"}})

    response = make_session().post("order", json={"items": []})

    assert response.status_code == 201
    assert response.json()["payload"]["_id"] == "o1"


def test_an_answer_is_decoded_once_however_often_it_is_read(wms, make_session):
    wms.default = Answer(body={"success": True, "payload": {"price": 1.5}})

    response = make_session(expect_json=True).get("items")

    assert response.json() is response.json()
    assert response.json()["payload"]["price"] == 1.5
    exact = response.json(parse_float=Decimal)
    assert exact["payload"]["price"] == Decimal("1.5") and exact is not response.json()


def test_the_answer_is_a_requests_response_with_everything_requests_set(wms, make_session):
    wms.default = Answer(body={"success": True, "payload": []}, headers={"X-Request-Id": "r-7"})

    response = make_session().get("items", params={"limit": 2})

    assert isinstance(response, ChannelResponse) and isinstance(response, requests.Response)
    assert type(response) is ChannelResponse
    assert response.status_code == 200 and response.ok and response.reason == "OK"
    assert response.headers["x-request-id"] == "r-7"
    assert response.url.endswith("/items?limit=2") and response.history == []
    assert response.request.method == "GET" and response.elapsed.total_seconds() >= 0
    assert response.raw is not None and response.json() == {"success": True, "payload": []}


def test_a_body_that_is_not_json_fails_every_read(wms, make_session):
    wms.default = Answer(body="plain text")

    response = make_session().get("ping")

    for _ in range(2):
        with pytest.raises(ValueError):
            response.json()


def test_expect_json_can_be_asked_per_request(wms, make_session):
    wms.default = Answer(body="plain text")
    session = make_session()

    assert session.get("ping").text == "plain text"
    with pytest.raises(MalformedResponse):
        session.get("items", expect_json=True)


def test_each_attempt_is_logged_at_debug_with_its_request_id(wms, make_session, caplog):
    wms.script(Answer(status=503, headers={"X-Request-Id": "rq-7"}))

    with caplog.at_level(logging.DEBUG, logger="techoms.test.http"):
        make_session().get("items", params={"page": 1})

    lines = [r.getMessage() for r in caplog.records if r.name == "techoms.test.http"]
    debug = [line for line in lines if " -> " in line]
    assert len(debug) == 2
    assert debug[0].startswith(f"GET {wms.url('/v1/items?page=1')} -> 503 in ")
    assert "attempt 1, request id rq-7" in debug[0]
    assert "-> 200" in debug[1] and "attempt 2, request id req-2" in debug[1]


def test_stats_count_attempts_retries_and_rate_limits(wms, make_session):
    wms.script(Answer(status=429), Answer(status=500), Answer(status=200))
    session = make_session(retry=RetryPolicy(max_attempts=5))

    session.get("items")
    session.get("items")

    assert (session.stats.requests, session.stats.retries, session.stats.rate_limited) == (4, 2, 1)


def test_sensitive_headers_do_not_follow_a_redirect_to_another_host(wms, make_session):
    other = ScriptedServer().start()
    try:
        wms.default = Answer(status=302, headers={"Location": other.url("/landing")}, body="")
        session = make_session(headers={"X-API-Key": Secret(API_KEY), "Accept": "text/plain"})
        session.get(wms.url("/v1/items").replace("127.0.0.1", "localhost"))

        [landed] = other.received()
        assert landed.header("X-API-Key") is None
        assert landed.header("Accept") == "text/plain"
    finally:
        other.stop()


def test_the_pool_is_sized_to_the_profile(make_session):
    session = make_session()

    adapter = session.get_adapter("https://wms.example/v1")
    assert adapter._pool_maxsize == UNLIMITED.max_concurrency
    assert make_session(pool_size=3).get_adapter("http://x")._pool_maxsize == 3


def test_one_session_serves_many_threads(wms, make_session):
    session: ChannelSession = make_session()
    statuses: list[int] = []

    def fetch() -> None:
        for _ in range(5):
            statuses.append(session.get("items").status_code)

    threads = [threading.Thread(target=fetch) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [200] * 20
    assert session.stats.requests == 20
