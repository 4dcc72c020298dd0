"""One sandbox, many accounts: each API key has its own records, counters and
rate limit, over real HTTP on loopback."""

from __future__ import annotations

import json
import stat

import pytest
import requests

from plugins.leanafy.sandbox import SandboxServer
from plugins.leanafy.sandbox.seed import MAIN_WAREHOUSE
from plugins.leanafy.sandbox.server import banner


def _admin(sandbox, headers, method, path, body=None):
    return requests.request(
        method, f"{sandbox.url}/_sandbox/{path}", json=body, headers=headers, timeout=10
    )


def _add_account(sandbox, **body):
    answer = _admin(sandbox, sandbox.headers, "POST", "accounts", body)
    assert answer.status_code == 201, answer.text
    payload = answer.json()["payload"]
    return {"X-API-Key": payload["api_key"], "X-API-Secret": payload["api_secret"]}, payload


def test_two_accounts_keep_their_own_client_warehouses_and_records(sandbox_demo, order_body):
    other, added = _add_account(sandbox_demo, seed="demo", client_name="Second Shop")
    base = sandbox_demo.base_url

    mine = requests.get(f"{base}/me", headers=sandbox_demo.headers, timeout=10).json()["payload"]
    theirs = requests.get(f"{base}/me", headers=other, timeout=10).json()["payload"]
    assert theirs == {"client": added["client"], "warehouses": added["warehouses"]}
    assert theirs["client"]["name"] == "Second Shop"
    assert mine["client"]["_id"] != theirs["client"]["_id"]
    assert not {w["_id"] for w in mine["warehouses"]} & {w["_id"] for w in theirs["warehouses"]}

    own = requests.post(f"{base}/order", json=order_body("S-0"), headers=sandbox_demo.headers)
    first = requests.post(f"{base}/order", json=order_body("S-1"), headers=other, timeout=10)
    assert first.status_code == 201
    assert own.json()["payload"]["code"] == first.json()["payload"]["code"] == 1001
    assert first.json()["payload"]["warehouse_id"] == theirs["warehouses"][0]["_id"]
    elsewhere = order_body("S-2", warehouse_id=MAIN_WAREHOUSE.id)
    refused = requests.post(f"{base}/order", json=elsewhere, headers=other, timeout=10)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "forbidden_warehouse"

    listed = requests.get(f"{base}/orders", headers=sandbox_demo.headers, timeout=10).json()
    assert [order["primary_reference_number"] for order in listed["payload"]] == ["S-0"]
    floor = sandbox_demo.account(other["X-API-Key"]).warehouse
    assert [order["primary_reference_number"] for order in floor.orders()] == ["S-1"]
    stock = requests.get(f"{base}/inventory", params={"sku": "SOAP-OAT"}, headers=other, timeout=10)
    assert [row["warehouse_id"] for row in stock.json()["payload"]] == [
        theirs["warehouses"][1]["_id"]
    ]


def test_counters_and_admin_calls_act_on_the_callers_account(sandbox, item_body):
    other, _ = _add_account(sandbox)
    base = sandbox.base_url
    for _ in range(3):
        requests.get(f"{base}/me", headers=other, timeout=10)
    requests.post(f"{base}/item", json=item_body("W-1"), headers=other, timeout=10)
    requests.get(f"{base}/me", headers=sandbox.headers, timeout=10)

    theirs = _admin(sandbox, other, "GET", "counters").json()["payload"]
    mine = _admin(sandbox, sandbox.headers, "GET", "counters").json()["payload"]
    assert theirs["requests"] == {"GET /v1/me": 3, "POST /v1/item": 1}
    assert theirs["creates"]["item"] == {"W-1": {"received": 1, "stored": 1}}
    assert mine["requests"] == {"GET /v1/me": 1}
    assert mine["creates"]["item"] == {}

    assert _admin(sandbox, other, "DELETE", "counters").ok
    assert _admin(sandbox, other, "GET", "counters").json()["payload"]["requests"] == {}
    assert sandbox.counters.snapshot()["requests"] == {"GET /v1/me": 1}
    assert _admin(sandbox, other, "GET", "state").json()["payload"]["items"][0]["sku"] == "W-1"
    assert _admin(sandbox, sandbox.headers, "GET", "state").json()["payload"]["items"] == []


def test_each_account_has_its_own_rate_limit(sandbox):
    slow, _ = _add_account(sandbox)
    fast, _ = _add_account(sandbox)
    rule = {"kind": "rate_limit", "endpoint": "/v1/*", "rps": 1}
    assert _admin(sandbox, slow, "POST", "faults", rule).status_code == 201

    me = f"{sandbox.base_url}/me"
    slow_answers = [requests.get(me, headers=slow, timeout=10) for _ in range(3)]
    fast_answers = [requests.get(me, headers=fast, timeout=10) for _ in range(6)]

    assert [a.status_code for a in slow_answers] == [200, 429, 429]
    assert slow_answers[0].headers["X-RateLimit-Limit"] == "1"
    assert {a.status_code for a in fast_answers} == {200}
    assert fast_answers[0].headers["X-RateLimit-Limit"] == "1000"
    assert _admin(sandbox, fast, "GET", "faults").json()["payload"]["rules"] == []
    slow_counted = _admin(sandbox, slow, "GET", "counters").json()["payload"]
    fast_counted = _admin(sandbox, fast, "GET", "counters").json()["payload"]
    assert slow_counted["injected"] == {"rate_limit": {"GET /v1/me": 2}}
    assert fast_counted["injected"] == {}
    # Each peak counts its own account's requests only (shared, one would exceed).
    assert 1 <= slow_counted["peak_requests_per_second"] <= 3
    assert 1 <= fast_counted["peak_requests_per_second"] <= 6


def test_an_unknown_key_or_another_accounts_secret_is_refused(sandbox):
    other, _ = _add_account(sandbox)
    crossed = {"X-API-Key": sandbox.api_key, "X-API-Secret": other["X-API-Secret"]}
    unknown = {"X-API-Key": "nobody", "X-API-Secret": other["X-API-Secret"]}

    for headers in (crossed, unknown, {}):
        answer = requests.get(f"{sandbox.base_url}/me", headers=headers, timeout=10)
        assert answer.status_code == 401
        assert answer.json()["error"]["code"] == "invalid_credentials"
        assert _admin(sandbox, headers, "GET", "counters").status_code == 401
    # An unknown key is counted where it always was: on the primary account.
    assert sandbox.counters.snapshot()["responses"] == {"GET /v1/me": {"401": 3}}
    assert sandbox.account(other["X-API-Key"]).counters.snapshot()["requests"] == {}


def test_only_the_primary_account_adds_and_lists_accounts(sandbox):
    other, added = _add_account(sandbox, api_key="second-key", api_secret="second-secret")

    assert added["api_key"] == "second-key" and added["api_secret"] == "second-secret"
    assert _admin(sandbox, other, "POST", "accounts", {}).status_code == 403
    assert _admin(sandbox, other, "GET", "accounts").json()["error"]["code"] == "forbidden"
    taken = _admin(sandbox, sandbox.headers, "POST", "accounts", {"api_key": "second-key"})
    assert (taken.status_code, taken.json()["error"]["code"]) == (409, "conflict")
    bad = {"api_key": "two words", "seed": "full", "colour": "red"}
    refused = _admin(sandbox, sandbox.headers, "POST", "accounts", bad)
    assert refused.status_code == 422
    assert set(refused.json()["error"]["fields"]) == {"api_key", "seed", "colour"}
    listed = _admin(sandbox, sandbox.headers, "GET", "accounts").json()["payload"]
    assert [a["api_key"] for a in listed] == [sandbox.api_key, "second-key"]
    assert "second-secret" not in json.dumps(listed)
    assert sandbox.api_secret not in json.dumps(listed)


def test_resetting_an_account_leaves_the_others_and_a_server_reset_removes_them(sandbox, item_body):
    other, _ = _add_account(sandbox)
    for headers in (sandbox.headers, other):
        item = requests.post(f"{sandbox.base_url}/item", json=item_body("W-1"), headers=headers)
        assert item.status_code == 201

    assert _admin(sandbox, other, "POST", "reset", {"seed": "empty"}).ok
    assert sandbox.warehouse.item("W-1") is not None
    assert sandbox.account(other["X-API-Key"]).warehouse.item("W-1") is None

    sandbox.reset("empty")
    assert [account.api_key for account in sandbox.accounts] == [sandbox.api_key]
    assert requests.get(f"{sandbox.base_url}/me", headers=other, timeout=10).status_code == 401


def test_every_account_survives_a_restart_in_a_private_state_file(tmp_path, order_body):
    state_file = tmp_path / "sandbox.json"
    with SandboxServer(seed="demo", state_path=state_file, api_key="k1", api_secret="s1") as first:
        second = first.add_account("k2", "s2", seed="demo", client_name="Second Shop")
        created = requests.post(
            f"{first.base_url}/order", json=order_body("S-9"), headers=second.headers, timeout=10
        ).json()["payload"]
        warehouses = second.warehouse_ids

    assert stat.S_IMODE(state_file.stat().st_mode) == 0o600
    with SandboxServer(state_path=state_file) as again:
        assert [a.api_key for a in again.accounts] == ["k1", "k2"]
        assert again.api_secret == "s1"
        found = requests.get(
            f"{again.base_url}/orders", params={"primary_reference_number": "S-9"},
            headers={"X-API-Key": "k2", "X-API-Secret": "s2"}, timeout=10,
        ).json()["payload"]  # fmt: skip
        assert [order["_id"] for order in found] == [created["_id"]]
        assert again.account("k2").warehouse_ids == warehouses
        assert again.account("k2").state.client.name == "Second Shop"
        assert again.warehouse.orders() == []
        assert "Accounts:     1 more" in banner(again, secret_given=True)


def test_a_key_of_another_account_cannot_become_the_primarys_at_start(tmp_path):
    state_file = tmp_path / "sandbox.json"
    with SandboxServer(state_path=state_file, api_key="k1", api_secret="s1") as first:
        first.add_account("k2", "s2")

    with pytest.raises(ValueError, match="another account"):
        SandboxServer(state_path=state_file, api_key="k2")
