"""Every row of the error table, exercised against a real local server."""

from __future__ import annotations

import logging
import ssl

import pytest
import requests
from urllib3.exceptions import MaxRetryError, SSLError

from techoms_core.http import (
    DEFAULT_ERROR_TABLE,
    Action,
    ChannelHTTPError,
    ClientError,
    Conflict,
    ErrorDetail,
    ErrorRule,
    Forbidden,
    InvalidCredentials,
    MalformedResponse,
    NoResponse,
    NotFound,
    OutcomeUnknown,
    RateLimited,
    RetryPolicy,
    ServerError,
    TLSFailure,
    Unreachable,
    ValidationFailed,
)
from techoms_core.http.errors import DEFAULT_RULES
from tests.core.http_server import API_KEY, Answer

pytest_plugins = ("tests.core.fixtures_http",)

TWO_TRIES = RetryPolicy(max_attempts=2)

# status -> (error when safe to repeat, retried?, error for a POST, POST retried?)
STATUS_CASES = {
    400: (ClientError, False, ClientError, False),
    401: (InvalidCredentials, False, InvalidCredentials, False),
    403: (Forbidden, False, Forbidden, False),
    404: (NotFound, False, NotFound, False),
    405: (ClientError, False, ClientError, False),
    408: (NoResponse, True, NoResponse, True),
    409: (Conflict, False, Conflict, False),
    418: (ClientError, False, ClientError, False),
    422: (ValidationFailed, False, ValidationFailed, False),
    429: (RateLimited, True, RateLimited, True),
    500: (ServerError, True, OutcomeUnknown, False),
    501: (ServerError, False, OutcomeUnknown, False),
    502: (ServerError, True, OutcomeUnknown, False),
    503: (ServerError, True, OutcomeUnknown, False),
    504: (ServerError, True, OutcomeUnknown, False),
    302: (ChannelHTTPError, False, ChannelHTTPError, False),
}


def test_every_status_row_has_a_case():
    for rule in DEFAULT_RULES:
        if isinstance(rule.match, int):
            assert rule.match in STATUS_CASES, f"no test for HTTP {rule.match}"
        elif isinstance(rule.match, range):
            assert any(status in rule.match for status in STATUS_CASES if status != rule.match)


@pytest.mark.parametrize("status", sorted(STATUS_CASES))
def test_status_is_classified_for_a_read(status, wms, make_session, sleeps):
    error_class, retried, _, _ = STATUS_CASES[status]
    wms.default = Answer(status=status, body={"success": False})
    session = make_session(retry=TWO_TRIES)

    with pytest.raises(error_class) as raised:
        session.get("items", allow_redirects=False)

    assert type(raised.value) is error_class
    assert raised.value.status == status
    assert raised.value.retriable is retried
    assert len(wms.received("GET")) == (2 if retried else 1)
    assert f"(HTTP {status})" in str(raised.value)


@pytest.mark.parametrize("status", sorted(STATUS_CASES))
def test_status_is_classified_for_a_create(status, wms, make_session):
    _, _, error_class, retried = STATUS_CASES[status]
    wms.default = Answer(status=status, body={"success": False})
    session = make_session(retry=TWO_TRIES)

    with pytest.raises(error_class) as raised:
        session.post("order", json={"primary_reference_number": "SH-1"}, allow_redirects=False)

    assert type(raised.value) is error_class
    assert len(wms.received("POST")) == (2 if retried else 1)


def test_a_success_after_a_retriable_status_is_returned(wms, make_session):
    wms.script(Answer(status=503), Answer(status=503))
    wms.default = Answer(body={"success": True, "payload": {"_id": "abc"}})

    response = make_session().get("items")

    assert response.json()["payload"] == {"_id": "abc"}
    assert len(wms.received("GET")) == 3


def test_the_request_id_is_in_the_message(wms, make_session):
    wms.default = Answer(status=404, headers={"X-Request-Id": "rq-42"})

    with pytest.raises(NotFound) as raised:
        make_session().get("item", params={"sku": "A-1"})

    assert raised.value.request_id == "rq-42"
    assert "X-Request-Id: rq-42" in str(raised.value)
    assert "has no such record" in str(raised.value)


def test_a_tls_failure_is_named_and_not_retried(wms, make_session):
    session = make_session(base_url=wms.url("/v1").replace("http://", "https://"))

    with pytest.raises(TLSFailure) as raised:
        session.get("items")

    assert isinstance(raised.value, Unreachable)
    assert raised.value.retriable is False
    assert "TLS with 127.0.0.1 failed" in str(raised.value)
    assert wms.received() == []


def test_a_tls_failure_leaves_a_creates_outcome_unknown(wms, make_session):
    session = make_session(base_url=wms.url("/v1").replace("http://", "https://"))

    with pytest.raises(OutcomeUnknown, match=r"TLS with 127\.0\.0\.1 failed"):
        session.post("order", json={})


@pytest.mark.parametrize("idempotent", [True, False])
def test_an_untrusted_certificate_fails_every_method_as_tls(idempotent):
    certificate = ssl.SSLCertVerificationError(1, "certificate verify failed: self-signed")
    raised = requests.exceptions.SSLError(
        MaxRetryError(None, "https://wms.example/v1/order", reason=SSLError(certificate))
    )

    rule = DEFAULT_ERROR_TABLE.for_exception(raised)

    assert rule.error is TLSFailure
    assert rule.action_for(idempotent=idempotent) is Action.FAIL


def test_a_refused_connection_is_unreachable_and_retried_even_for_a_create(
    refused_url, make_session, sleeps
):
    session = make_session(base_url=refused_url, retry=TWO_TRIES)

    with pytest.raises(Unreachable) as raised:
        session.post("order", json={})

    assert type(raised.value) is Unreachable
    assert "Connection refused" in str(raised.value)
    assert raised.value.attempts == 2 and len(sleeps) == 1


def test_an_unknown_host_is_unreachable(make_session):
    session = make_session(base_url="http://wms.invalid", retry=RetryPolicy(max_attempts=1))

    with pytest.raises(Unreachable) as raised:
        session.get("items")

    assert "wms.invalid not found (DNS lookup)" in str(raised.value)


def test_a_connect_timeout_is_unreachable_and_retried_even_for_a_create(
    silent_url, make_session, sleeps
):
    session = make_session(base_url=silent_url, timeout=(0.1, 1.0), retry=TWO_TRIES)

    with pytest.raises(Unreachable) as raised:
        session.post("order", json={})

    assert "No connection to 127.0.0.1 in 0.1 s" in str(raised.value)
    assert raised.value.attempts == 2


@pytest.mark.parametrize(
    "answer",
    [
        Answer(hold=True),
        Answer(drop=True),
        Answer(cut=True),
        Answer(body="<html>Bad gateway</html>"),
    ],
    ids=["read-timeout", "dropped", "cut-off", "not-json"],
)
def test_a_lost_answer_is_retried_for_a_read(answer, wms, make_session):
    wms.script(answer)
    session = make_session(timeout=(1.0, 0.2), expect_json=True)

    assert session.get("items").json() == {"success": True, "payload": {}}
    assert len(wms.received("GET")) == 2


@pytest.mark.parametrize(
    ("answer", "error_class"),
    [
        (Answer(hold=True), NoResponse),
        (Answer(drop=True), NoResponse),
        (Answer(cut=True), NoResponse),
        (Answer(body="<html>Bad gateway</html>"), MalformedResponse),
    ],
    ids=["read-timeout", "dropped", "cut-off", "not-json"],
)
def test_a_lost_answer_gives_up_as_its_kind_for_a_read(answer, error_class, wms, make_session):
    wms.default = answer
    session = make_session(timeout=(1.0, 0.2), expect_json=True, retry=TWO_TRIES)

    with pytest.raises(error_class) as raised:
        session.get("items")

    assert raised.value.retriable is True
    assert raised.value.attempts == 2


@pytest.mark.parametrize(
    "answer",
    [
        Answer(hold=True),
        Answer(drop=True),
        Answer(cut=True),
        Answer(status=201, body="<html>Welcome to the proxy</html>"),
        Answer(status=502, body="<html><body>502 Bad Gateway</body></html>"),
    ],
    ids=["read-timeout", "dropped", "cut-off", "not-json", "html-502"],
)
def test_a_create_whose_outcome_is_unknown_is_never_retried(answer, wms, make_session, sleeps):
    wms.default = answer
    session = make_session(timeout=(1.0, 0.2), expect_json=True)

    with pytest.raises(OutcomeUnknown) as raised:
        session.post("order", json={"primary_reference_number": "SH-1"})

    assert len(wms.received("POST")) == 1
    assert sleeps == []
    assert raised.value.retriable is False
    assert "look the record up before sending it again" in str(raised.value)


def test_a_read_timeout_names_the_timeout(wms, make_session):
    wms.default = Answer(hold=True)
    session = make_session(timeout=(1.0, 0.2), retry=RetryPolicy(max_attempts=1))

    with pytest.raises(NoResponse, match=r"No answer from the WMS in 0\.2 s"):
        session.get("items")


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:99999/v1/items?api_key={key}", "http://[::1/v1/items?k={key}"]
)
def test_a_request_that_cannot_be_made_is_not_retried(url, make_session, sleeps):
    session = make_session()

    with pytest.raises(ChannelHTTPError) as raised:
        session.get(url.format(key=API_KEY))

    assert type(raised.value) is ChannelHTTPError
    assert sleeps == []
    assert API_KEY not in str(raised.value)


def test_a_plugin_puts_its_own_rows_first(wms, make_session):
    table = DEFAULT_ERROR_TABLE.extended(
        ErrorRule(404, Action.RETRY, NotFound, "{service} has not indexed it yet.")
    )
    wms.script(Answer(status=404))
    session = make_session(error_table=table, service_name="Leanafy")

    assert session.get("items").status_code == 200
    wms.default = Answer(status=404)
    with pytest.raises(NotFound, match="Leanafy has not indexed it yet"):
        session.get("items")


def leanafy_error(response) -> ErrorDetail:
    error = response.json()["error"]
    return ErrorDetail(error["code"], error["message"], error.get("fields", {}))


def test_the_plugins_error_parser_fills_in_validation_fields(wms, make_session):
    wms.default = Answer(
        status=422,
        body={
            "success": False,
            "error": {
                "code": "validation_error",
                "message": "invalid order",
                "fields": {"items[0].sku": "unknown sku"},
            },
        },
    )
    session = make_session(error_parser=leanafy_error, service_name="Leanafy")

    with pytest.raises(ValidationFailed) as raised:
        session.post("order", json={})

    assert raised.value.fields == {"items[0].sku": "unknown sku"}
    assert raised.value.code == "validation_error"
    assert str(raised.value).startswith(
        "Leanafy rejected the record's data (HTTP 422). "
        "validation_error: invalid order; items[0].sku: unknown sku."
    )


def test_a_failing_error_parser_does_not_hide_the_error(wms, make_session, caplog):
    wms.default = Answer(status=409, body="<html>not json</html>")
    session = make_session(error_parser=leanafy_error)

    with caplog.at_level(logging.WARNING), pytest.raises(Conflict) as raised:
        session.post("item", json={"sku": "A-1"})

    assert raised.value.detail is None
    assert "error parser failed" in caplog.text
