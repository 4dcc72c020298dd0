"""Limits on what an answer may cost, and redirect checks, against a real
hostile server on loopback."""

from __future__ import annotations

import logging
import resource
import time
from collections.abc import Iterator
from typing import Any

import pytest

from techoms_core.http import (
    ChannelSession,
    ClientError,
    MalformedResponse,
    NoResponse,
    OutcomeUnknown,
    RetryPolicy,
    build_session,
)
from tests.core.http_server import API_KEY, API_SECRET, SECRETS, UNLIMITED
from tests.hostile.wms import (
    HostileWMS,
    endless_chunks,
    gzip_bomb,
    huge_body,
    redirect,
    silent,
    trickle,
    trickle_headers,
)


@pytest.fixture
def hostile() -> Iterator[HostileWMS]:
    with HostileWMS() as server:
        yield server


@pytest.fixture
def session(hostile: HostileWMS) -> Iterator[ChannelSession]:
    made = _session(hostile)
    yield made
    made.close()


def _session(hostile: HostileWMS, **options: Any) -> ChannelSession:
    settings: dict[str, Any] = {
        "profile": UNLIMITED,
        "secrets": SECRETS,
        "logger": logging.getLogger("techoms.test.limits"),
        "base_url": hostile.url + "/v1",
        "timeout": (1.0, 2.0),
        "retry": RetryPolicy(max_attempts=2, backoff_initial=0.001, backoff_max=0.002),
        "headers": {"X-API-Key": SECRETS[0], "X-API-Secret": SECRETS[1]},
        "max_body_bytes": 1 << 20,
        "deadline": 1.5,
        **options,
    }
    return build_session(**settings)


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def test_a_gzip_bomb_is_refused_at_the_cap_without_inflating(hostile, session):
    hostile.behave("GET /v1/items", gzip_bomb(256 << 20))
    before = _peak_rss_mb()

    with pytest.raises(MalformedResponse, match="over 1,048,576 bytes once decoded") as raised:
        session.get("items")

    assert _peak_rss_mb() - before < 50
    assert hostile.count("GET /v1/items") == 1  # never retried
    assert API_SECRET not in str(raised.value)


def test_a_declared_huge_body_is_refused_before_it_is_read(hostile, session):
    hostile.behave("GET /v1/items", huge_body(100 << 20))
    before = _peak_rss_mb()

    with pytest.raises(MalformedResponse, match="declares 104,857,600 bytes"):
        session.get("items")

    assert _peak_rss_mb() - before < 50


def test_an_endless_chunked_body_stops_at_the_cap(hostile, session):
    hostile.behave("GET /v1/items", endless_chunks)

    with pytest.raises(MalformedResponse, match="over 1,048,576 bytes"):
        session.get("items")


def test_a_body_sent_a_byte_at_a_time_ends_at_the_deadline(hostile, session):
    hostile.behave("GET /v1/items", trickle(0.2))
    started = time.monotonic()

    with pytest.raises(
        NoResponse, match=r"too slow: the answer had not arrived in full after 1\.5 s"
    ):
        session.get("items")

    # Two attempts of 1.5 s each, never the read timeout per byte.
    assert time.monotonic() - started < 6
    assert hostile.count("GET /v1/items") == 2


def test_headers_sent_a_byte_at_a_time_end_at_the_deadline(hostile, session):
    hostile.behave("GET /v1/items", trickle_headers(0.1))
    started = time.monotonic()

    with pytest.raises(
        NoResponse, match=r"too slow: the answer had not arrived in full after 1\.5 s"
    ):
        session.get("items")

    # Two attempts of 1.5 s each (the headers alone would take 45 s).
    assert time.monotonic() - started < 10
    assert hostile.count("GET /v1/items") == 2


def test_an_answer_that_never_starts_ends_at_the_deadline_not_the_read_timeout(hostile):
    hostile.behave("GET /v1/items", silent)
    session = _session(hostile, timeout=(1.0, 60.0), deadline=1.0)
    started = time.monotonic()

    with pytest.raises(NoResponse, match=r"too slow: .* after 1 s"):
        session.get("items")

    assert time.monotonic() - started < 20  # two attempts; never the 60 s read timeout
    session.close()


def test_a_slow_post_is_an_unknown_outcome_not_a_retry(hostile, session):
    hostile.behave("POST /v1/order", trickle(0.2))

    with pytest.raises(OutcomeUnknown):
        session.post("order", json={"primary_reference_number": "S-1"})

    assert hostile.count("POST /v1/order") == 1


def test_a_redirect_to_plain_http_elsewhere_is_not_followed(hostile, session):
    hostile.behave("GET /v1/items", redirect("http://198.51.100.7"))

    with pytest.raises(
        ClientError, match=r"redirect to 198\.51\.100\.7 was not followed: it must use https"
    ):
        session.get("items")


def test_a_post_is_never_replayed_to_another_origin(hostile, session):
    with HostileWMS() as elsewhere:
        hostile.behave("POST /v1/order", redirect(elsewhere.url))

        with pytest.raises(OutcomeUnknown, match="never redirected to another origin"):
            session.post("order", json={"shipping_address": {"name": "Ada"}})

        assert elsewhere.count("*") == 0


def test_a_redirect_within_the_rule_is_still_followed(hostile, session):
    with HostileWMS() as elsewhere:
        elsewhere.behave("GET /v1/items", trickle(0))
        hostile.behave("GET /v1/items", redirect(elsewhere.url))

        answer = session.get("items")

        assert answer.json()["success"] is True
        assert elsewhere.count("GET /v1/items") == 1
        # The credentials stayed behind (another port is another origin).
        assert API_KEY not in str(answer.request.headers)
