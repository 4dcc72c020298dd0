"""Conventions of leanafy-api.md: authentication, envelopes, headers, /v1/me."""

from __future__ import annotations

import re

import pytest
import requests

RFC3339_MICROS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")


def test_me_names_the_client_and_its_warehouses(sandbox, sandbox_http):
    response = sandbox_http.get(f"{sandbox.base_url}/me")

    assert response.status_code == 200
    body = response.json()
    assert body["success"] is True
    assert body["payload"]["client"] == {"_id": "65f1c0de0000000000000001", "name": "Demo Client"}
    assert [w["_id"] for w in body["payload"]["warehouses"]] == sandbox.warehouse_ids
    assert all(set(w) == {"_id", "name"} for w in body["payload"]["warehouses"])


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-API-Key": "wrong"},
        {"X-API-Secret": "wrong"},
        "wrong key",
        "wrong secret",
    ],
)
def test_missing_or_wrong_credentials_are_401(sandbox, headers):
    if headers == "wrong key":
        headers = {**sandbox.headers, "X-API-Key": "sbx_nope"}
    elif headers == "wrong secret":
        headers = {**sandbox.headers, "X-API-Secret": "nope"}

    response = requests.get(f"{sandbox.base_url}/me", headers=headers)

    assert response.status_code == 401
    assert response.json() == {
        "success": False,
        "error": {"code": "invalid_credentials", "message": "invalid API key or secret"},
    }


def test_the_admin_api_takes_the_same_credentials(sandbox):
    assert requests.get(f"{sandbox.url}/_sandbox/counters").status_code == 401
    answer = requests.get(f"{sandbox.url}/_sandbox/counters", headers=sandbox.headers)
    assert answer.status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/me", 200),
        ("GET", "/nowhere", 404),
        ("PUT", "/item", 405),
        ("GET", "/item", 422),
        ("POST", "/order", 400),
    ],
)
def test_every_answer_carries_request_id_and_rate_limit_headers(
    sandbox, sandbox_http, method, path, status
):
    response = sandbox_http.request(method, f"{sandbox.base_url}{path}")

    assert response.status_code == status
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-Id"])
    assert int(response.headers["X-RateLimit-Limit"]) > 0
    assert (
        0
        <= int(response.headers["X-RateLimit-Remaining"])
        < int(response.headers["X-RateLimit-Limit"])
    )


def test_request_ids_differ_and_401_carries_them_too(sandbox):
    first = requests.get(f"{sandbox.base_url}/me")
    second = requests.get(f"{sandbox.base_url}/me")

    assert first.status_code == second.status_code == 401
    assert first.headers["X-Request-Id"] != second.headers["X-Request-Id"]
    assert "X-RateLimit-Remaining" in first.headers


def test_unknown_endpoint_is_404_not_found(sandbox, sandbox_http):
    response = sandbox_http.get(f"{sandbox.base_url}/warehouses")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert "fields" not in response.json()["error"]


@pytest.mark.parametrize("data", [b"", b"not json", b"[1, 2]", b'"text"', b"{"])
def test_a_body_that_is_not_a_json_object_is_400_bad_request(sandbox, sandbox_http, data):
    response = sandbox_http.post(
        f"{sandbox.base_url}/item", data=data, headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"


def test_timestamps_are_rfc3339_utc_with_microseconds(sandbox_demo, sandbox_http):
    rows = sandbox_http.get(f"{sandbox_demo.base_url}/inventory").json()["payload"]
    items = sandbox_http.get(f"{sandbox_demo.base_url}/items").json()["payload"]

    stamps = [row["updated_at"] for row in rows] + [item["created_at"] for item in items]
    assert stamps
    assert all(RFC3339_MICROS.match(stamp) for stamp in stamps)
    assert len(set(stamps)) == len(stamps)
