"""Fault injection: every kind, per endpoint, deterministic, from Python and HTTP."""

from __future__ import annotations

import pytest
import requests

from plugins.leanafy.sandbox.errors import ApiError


def test_latency_is_added_and_counted(sandbox, sandbox_http):
    sandbox.faults.add("latency", endpoint="GET /v1/me", seconds=0.001)

    assert sandbox_http.get(f"{sandbox.base_url}/me").status_code == 200
    assert sandbox_http.get(f"{sandbox.base_url}/items").status_code == 200

    assert sandbox.counters.snapshot()["injected"] == {"latency": {"GET /v1/me": 1}}


def test_throttle_answers_429_with_retry_after_and_handles_nothing(
    sandbox_demo, sandbox_http, order_body
):
    sandbox_demo.faults.add("throttle", endpoint="POST /v1/order", retry_after=3)

    response = sandbox_http.post(f"{sandbox_demo.base_url}/order", json=order_body("S-9"))

    assert response.status_code == 429
    assert response.headers["Retry-After"] == "3"
    assert response.json()["error"]["code"] == "rate_limited"
    assert sandbox_demo.warehouse.orders() == []
    assert sandbox_demo.counters.creates("order", "S-9") == {"received": 0, "stored": 0}


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (500, "internal_error"),
        (502, "bad_gateway"),
        (503, "service_unavailable"),
        (504, "gateway_timeout"),
    ],
)
def test_server_errors_answer_the_json_envelope(sandbox, sandbox_http, status, code):
    sandbox.faults.add("server_error", endpoint="GET /v1/me", status=status)

    response = sandbox_http.get(f"{sandbox.base_url}/me")

    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert response.headers["X-Request-Id"]


@pytest.mark.parametrize("status", [502, 503, 504])
def test_proxy_errors_answer_an_html_page(sandbox, sandbox_http, status):
    sandbox.faults.add("proxy_error", status=status)

    response = sandbox_http.get(f"{sandbox.base_url}/items")

    assert response.status_code == status
    assert response.headers["Content-Type"].startswith("text/html")
    assert response.text.startswith("<html>")
    with pytest.raises(ValueError):
        response.json()


def test_rate_limit_answers_429_with_retry_after_beyond_rps(sandbox, sandbox_http):
    sandbox.faults.add("rate_limit", rps=1)

    first = sandbox_http.get(f"{sandbox.base_url}/me")
    second = sandbox_http.get(f"{sandbox.base_url}/me")

    assert first.status_code == 200
    assert (first.headers["X-RateLimit-Limit"], first.headers["X-RateLimit-Remaining"]) == (
        "1",
        "0",
    )
    assert second.status_code == 429
    assert second.json()["error"]["code"] == "rate_limited"
    assert int(second.headers["Retry-After"]) >= 1
    assert second.headers["X-RateLimit-Remaining"] == "0"
    assert sandbox.counters.injected_count("rate_limit") == 1


def test_a_rate_limit_can_cover_one_endpoint(sandbox, sandbox_http):
    sandbox.faults.add("rate_limit", endpoint="POST /v1/order", rps=1)

    statuses = {sandbox_http.get(f"{sandbox.base_url}/me").status_code for _ in range(5)}

    assert statuses == {200}


def test_store_then_fail_with_504_keeps_the_order(sandbox_demo, sandbox_http, order_body):
    sandbox_demo.faults.add("store_then_fail", endpoint="POST /v1/order", times=1)

    response = sandbox_http.post(f"{sandbox_demo.base_url}/order", json=order_body("S-1"))

    assert response.status_code == 504
    assert response.headers["Content-Type"].startswith("text/html")
    found = sandbox_http.get(
        f"{sandbox_demo.base_url}/orders", params={"primary_reference_number": "S-1"}
    ).json()
    assert found["meta"]["total"] == 1
    assert sandbox_demo.counters.creates("order", "S-1") == {"received": 1, "stored": 1}
    assert sandbox_demo.counters.injected_count("store_then_fail", "POST /v1/order") == 1


def test_store_then_fail_can_drop_the_connection(sandbox, sandbox_http, item_body):
    sandbox.faults.add("store_then_fail", endpoint="POST /v1/item", mode="drop")

    with pytest.raises(requests.ConnectionError):
        sandbox_http.post(f"{sandbox.base_url}/item", json=item_body("DROPPED"))

    retried = sandbox_http.post(f"{sandbox.base_url}/item", json=item_body("DROPPED"))
    assert retried.status_code == 409
    assert sandbox.counters.creates("item", "dropped") == {"received": 2, "stored": 1}
    assert sandbox.counters.snapshot()["responses"]["POST /v1/item"] == {"0": 1, "409": 1}


def test_store_then_fail_leaves_refused_creates_and_reads_alone(sandbox_demo, sandbox_http):
    sandbox_demo.faults.add("store_then_fail")

    invalid = sandbox_http.post(f"{sandbox_demo.base_url}/order", json={"items": []})
    listed = sandbox_http.get(f"{sandbox_demo.base_url}/orders")

    assert (invalid.status_code, listed.status_code) == (422, 200)
    assert sandbox_demo.counters.injected_count() == 0


def test_malformed_json_cuts_a_success_body_short(sandbox_demo, sandbox_http, arn_body):
    sandbox_demo.faults.add("malformed_json", endpoint="/v1/arn")

    response = sandbox_http.post(f"{sandbox_demo.base_url}/arn", json=arn_body())

    assert response.status_code == 201
    assert response.headers["Content-Type"] == "application/json"
    with pytest.raises(ValueError):
        response.json()
    assert len(sandbox_demo.warehouse.arns()) == 1


def test_slow_answers_pass_a_client_read_timeout(sandbox_demo, sandbox_http, order_body):
    sandbox_demo.faults.add("slow", endpoint="POST /v1/order", seconds=30)

    with pytest.raises(requests.ReadTimeout):
        sandbox_http.post(f"{sandbox_demo.base_url}/order", json=order_body("S-2"), timeout=0.2)

    assert sandbox_demo.wait_until_handled(timeout=30)  # a loaded machine may store late
    assert len(sandbox_demo.warehouse.orders("S-2")) == 1


@pytest.mark.parametrize(
    ("pattern", "hit", "missed"),
    [
        ("POST /v1/order", "POST /order", "GET /orders"),
        ("/v1/order", "GET /order", "GET /orders"),
        ("GET /v1/*", "GET /orders", "POST /order"),
        ("*", "GET /me", None),
    ],
)
def test_rules_apply_per_endpoint(sandbox, sandbox_http, pattern, hit, missed):
    sandbox.faults.add("server_error", endpoint=pattern, status=503)

    def status(call):
        method, path = call.split()
        return sandbox_http.request(method, f"{sandbox.base_url}{path}", json={}).status_code

    assert status(hit) == 503
    if missed:
        assert status(missed) != 503


def test_rates_and_statuses_are_deterministic_for_a_seed(sandbox, sandbox_http):
    def run(seed):
        sandbox.faults.configure(seed=seed, rules=[{"kind": "server_error", "rate": 0.5}])
        return [sandbox_http.get(f"{sandbox.base_url}/me").status_code for _ in range(24)]

    first, again, other = run(7), run(7), run(8)

    assert first == again
    assert first != other
    assert {200} < set(first) <= {200, 500, 502, 503, 504}


def test_times_caps_how_often_a_rule_fires(sandbox, sandbox_http):
    rule = sandbox.faults.add("server_error", status=500, times=2)

    statuses = [sandbox_http.get(f"{sandbox.base_url}/me").status_code for _ in range(4)]

    assert statuses == [500, 500, 200, 200]
    assert sandbox.faults.rules()[0].fired == 2 == rule.fired


def test_first_refusing_rule_wins_and_latency_still_counts(sandbox, sandbox_http):
    sandbox.faults.configure(
        rules=[
            {"kind": "latency", "seconds": 0},
            {"kind": "throttle", "retry_after": 0},
            {"kind": "server_error"},
        ]
    )

    response = sandbox_http.get(f"{sandbox.base_url}/me")

    assert (response.status_code, response.headers["Retry-After"]) == (429, "0")
    assert sandbox.counters.snapshot()["injected"] == {
        "latency": {"GET /v1/me": 1},
        "throttle": {"GET /v1/me": 1},
    }


def test_faults_over_the_admin_api(sandbox, sandbox_http):
    admin = f"{sandbox.url}/_sandbox/faults"

    added = sandbox_http.post(admin, json={"kind": "proxy_error", "endpoint": "GET /v1/me"})
    assert added.status_code == 201
    rule_id = added.json()["payload"]["id"]
    assert sandbox_http.get(f"{sandbox.base_url}/me").status_code in (502, 503, 504)

    listed = sandbox_http.get(admin).json()["payload"]
    assert listed["rules"][0]["fired"] == 1
    assert "store_then_fail" in listed["kinds"]

    replaced = sandbox_http.put(admin, json={"seed": 3, "rules": [{"kind": "throttle"}]})
    assert replaced.json()["payload"]["seed"] == 3
    assert [r["kind"] for r in replaced.json()["payload"]["rules"]] == ["throttle"]
    assert sandbox_http.delete(f"{admin}/{rule_id}").status_code == 200
    assert sandbox_http.delete(f"{admin}/99").status_code == 404
    assert sandbox_http.delete(admin).json()["payload"]["rules"] == []
    assert sandbox_http.get(f"{sandbox.base_url}/me").status_code == 200


@pytest.mark.parametrize(
    ("rule", "field"),
    [
        ({"kind": "earthquake"}, "kind"),
        ({}, "kind"),
        ({"kind": "latency"}, "seconds"),
        ({"kind": "server_error", "rate": 1.5}, "rate"),
        ({"kind": "server_error", "status": 418}, "status"),
        ({"kind": "proxy_error", "status": 500}, "status"),
        ({"kind": "rate_limit"}, "rps"),
        ({"kind": "rate_limit", "rps": 5, "burst": 0}, "burst"),
        ({"kind": "latency", "seconds": 1, "burst": 3}, "burst"),
        ({"kind": "store_then_fail", "mode": "explode"}, "mode"),
        ({"kind": "throttle", "retry_after": -1}, "retry_after"),
        ({"kind": "throttle", "colour": "red"}, "colour"),
    ],
)
def test_invalid_rules_are_422(sandbox, sandbox_http, rule, field):
    response = sandbox_http.post(f"{sandbox.url}/_sandbox/faults", json=rule)

    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]
    with pytest.raises(ApiError):
        sandbox.faults.add(rule.get("kind"), **{k: v for k, v in rule.items() if k != "kind"})


def test_the_admin_api_is_never_faulted(sandbox, sandbox_http):
    sandbox.faults.add("server_error")
    sandbox.faults.add("rate_limit", rps=1)

    statuses = {sandbox_http.get(f"{sandbox.url}/_sandbox/counters").status_code for _ in range(3)}

    assert statuses == {200}


def test_counters_over_the_admin_api(sandbox, sandbox_http, item_body):
    sandbox.faults.add("server_error", endpoint="POST /v1/item", status=503, times=1)
    for _ in range(2):
        sandbox_http.post(f"{sandbox.base_url}/item", json=item_body("C-1"))
    sandbox_http.post(f"{sandbox.base_url}/item", json=item_body("c-1 "))

    counters = sandbox_http.get(f"{sandbox.url}/_sandbox/counters").json()["payload"]

    assert counters["requests"] == {"POST /v1/item": 3}
    assert counters["responses"] == {"POST /v1/item": {"503": 1, "201": 1, "409": 1}}
    assert counters["injected"] == {"server_error": {"POST /v1/item": 1}}
    assert counters["creates"]["item"] == {"C-1": {"received": 2, "stored": 1}}
    zeroed = sandbox_http.delete(f"{sandbox.url}/_sandbox/counters").json()["payload"]
    assert zeroed["requests"] == {}
