"""Redaction: secret values and sensitive names never reach a log line or an error."""

from __future__ import annotations

import json
import logging
from urllib.parse import quote, quote_plus

import pytest

from techoms_core.http import (
    ChannelHTTPError,
    ErrorDetail,
    OutcomeUnknown,
    Redactor,
    ServerError,
    Unreachable,
    is_sensitive_name,
)
from techoms_core.secrets import MASK, Secret
from tests.core.http_server import API_KEY, API_SECRET, Answer

pytest_plugins = ("tests.core.fixtures_http",)


@pytest.fixture
def redactor() -> Redactor:
    return Redactor([Secret(API_KEY), API_SECRET, ""])


@pytest.mark.parametrize(
    "name",
    ["X-API-Key", "x-api-secret", "Authorization", "Cookie", "Set-Cookie", "access_token",
     "Password", "apiKey"],
)  # fmt: skip
def test_names_holding_a_sensitive_word_are_sensitive(name):
    assert is_sensitive_name(name)


@pytest.mark.parametrize("name", ["Accept", "X-Request-Id", "page", "sku", "Content-Type"])
def test_ordinary_names_are_not_sensitive(name):
    assert not is_sensitive_name(name)


def test_secret_values_are_masked_anywhere_in_text(redactor):
    masked = redactor.text(f"id={API_KEY}; sent {API_SECRET} plus {API_KEY}-suffix")

    assert masked == f"id={MASK}; sent {MASK} plus {MASK}-suffix"


def test_url_encoded_secrets_are_masked(redactor):
    for form in (quote(API_SECRET), quote(API_SECRET, safe=""), quote_plus(API_SECRET)):
        assert redactor.text(f"/v1/items?q={form}") == f"/v1/items?q={MASK}"


def test_named_values_in_text_are_masked_without_being_known_secrets():
    masked = Redactor().text('api_token=abc123 Authorization: Bearer xyz.789 "password": "pw"')

    assert "abc123" not in masked and "xyz.789" not in masked and '"pw"' not in masked
    assert masked == f'api_token={MASK} Authorization: {MASK} "password": "{MASK}"'


def test_a_url_keeps_its_shape_with_sensitive_parts_masked(redactor):
    url = f"https://ops:hunter2@wms.example/v1/items?api_key=zz9&page=2&sku=A%20B&q={API_KEY}"

    assert redactor.url(url) == (
        f"https://ops:{MASK}@wms.example/v1/items?api_key={MASK}&page=2&sku=A%20B&q={MASK}"
    )


def test_headers_are_masked_by_name_and_value(redactor):
    headers = {"X-API-Key": "other", "Accept": "application/json", "X-Echo": API_SECRET}

    assert redactor.headers(headers) == {
        "X-API-Key": MASK,
        "Accept": "application/json",
        "X-Echo": MASK,
    }


def test_a_json_body_keeps_its_shape(redactor):
    body = {
        "client": {"api_secret": "plain", "name": "Acme", "tokens": ["t1", "t2"]},
        "note": f"key was {API_KEY}",
        "password": None,
        "count": 3,
    }

    masked = json.loads(redactor.body(json.dumps(body).encode()))

    assert masked == {
        "client": {"api_secret": MASK, "name": "Acme", "tokens": ["t1", "t2"]},
        "note": f"key was {MASK}",
        "password": None,
        "count": 3,
    }


def test_a_text_body_is_masked(redactor):
    masked = redactor.body(f"<p>token: abc</p><p>{API_KEY}</p>")

    assert masked == f"<p>token: {MASK}</p><p>{MASK}</p>"


def test_a_cut_body_never_shows_part_of_a_secret(redactor):
    body = "x" * 40 + API_KEY + "y" * 40

    excerpt = redactor.body(body, limit=45)

    assert excerpt.startswith("x" * 40) and excerpt.endswith("...")
    assert API_KEY[:5] not in excerpt


def test_a_redactor_never_shows_its_secrets(redactor):
    assert API_KEY not in repr(redactor) and API_SECRET not in repr(redactor)


ECHO_BODY = Answer(
    status=500,
    body=lambda request: json.dumps(
        {"error": {"message": f"bad key {request.header('X-API-Key')}", "echo": request.headers}}
    ).encode(),
)


def assert_no_secret(*texts: object) -> None:
    for text in texts:
        assert API_KEY not in str(text), text
        assert API_SECRET not in str(text), text
        assert "s3cr3t" not in str(text), text


def echo_parser(response) -> ErrorDetail:
    error = response.json()["error"]
    return ErrorDetail("bad", error["message"], {"X-API-Key": error["message"]})


def all_log_text(caplog) -> list[str]:
    return [record.getMessage() for record in caplog.records]


def test_secrets_in_headers_query_and_echoed_body_reach_no_log_or_error(wms, make_session, caplog):
    caplog.set_level(logging.DEBUG)
    wms.default = ECHO_BODY
    session = make_session(
        headers={"X-API-Key": Secret(API_KEY), "X-API-Secret": Secret(API_SECRET)},
        error_parser=echo_parser,
    )

    for send in (session.get, session.post):
        with pytest.raises(ChannelHTTPError) as raised:
            send("items", params={"api_key": API_KEY, "sig": API_SECRET})
        error = raised.value
        assert isinstance(error, ServerError | OutcomeUnknown)
        assert_no_secret(str(error), repr(error), error.url, error.body_excerpt, error.detail)

    assert wms.received()[0].header("X-API-Key") == API_KEY
    assert len(caplog.records) > 5
    assert_no_secret(*all_log_text(caplog))


def test_secrets_in_the_url_of_a_failed_connection_reach_no_log_or_error(
    refused_url, make_session, caplog
):
    caplog.set_level(logging.DEBUG)
    session = make_session(base_url=refused_url)

    with pytest.raises(Unreachable) as raised:
        session.get(f"items/{API_KEY}", params={"token": API_SECRET})

    assert_no_secret(str(raised.value), repr(raised.value), raised.value.url)
    assert_no_secret(*all_log_text(caplog))


def test_the_session_repr_shows_no_secret(make_session):
    session = make_session(headers={"X-API-Key": Secret(API_KEY)})

    assert_no_secret(repr(session), repr(session.redactor))
