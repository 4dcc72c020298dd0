"""Leanafy's settings form against the sandbox: the warehouse dropdown cascaded
from the credentials, and the custom throughput's two fields."""

from __future__ import annotations

import pytest

from plugins.leanafy.declaration import SETTINGS as SCHEMA
from plugins.registry import Registry
from techoms_core.secrets import MASK
from techoms_core.settings import evaluate_form
from tests.leanafy.conftest import FAST_SESSION


@pytest.fixture
def credentials(sandbox):
    return {"api_url": sandbox.url, "api_key": sandbox.api_key, "api_secret": sandbox.api_secret}


@pytest.fixture
def form_choices():
    """The choices of a plugin loaded for this test alone: none are kept yet."""
    plugin = Registry.discover(strict=False).get("leanafy")
    return plugin.form_choices("new-leanafy", session_options=FAST_SESSION)


def test_the_warehouse_is_disabled_until_the_credentials_are_filled_in(
    sandbox, credentials, form_choices
):
    form = evaluate_form(SCHEMA, {"api_url": sandbox.url}, choices=form_choices)
    warehouse = form["warehouse_id"]
    assert warehouse.visible and not warehouse.enabled
    assert warehouse.note == "fill in Api Key and Api Secret to choose"
    assert warehouse.choices is None
    assert sandbox.counters.snapshot()["requests"] == {}


def test_the_warehouse_offers_the_accounts_warehouses_read_from_leanafy(
    sandbox, sandbox_http, credentials, form_choices
):
    form = evaluate_form(SCHEMA, credentials, choices=form_choices)
    assert sandbox.counters.snapshot()["requests"] == {"GET /v1/me": 1}
    me = sandbox_http.get(f"{sandbox.base_url}/me").json()["payload"]
    accounts = [(w["_id"], w["name"]) for w in me["warehouses"]]
    assert len(accounts) == 2
    warehouse = form["warehouse_id"]
    assert warehouse.enabled and form.ok
    assert [(c.value, c.label) for c in warehouse.choices] == [
        (key, f"{name} ({key})") for key, name in accounts
    ]
    assert [c.value for c in warehouse.choices] == sandbox.warehouse_ids

    chosen = evaluate_form(
        SCHEMA, {**credentials, "warehouse_id": sandbox.warehouse_ids[1]}, choices=form_choices
    )
    assert chosen.ok and chosen.settings()["warehouse_id"] == sandbox.warehouse_ids[1]


def test_a_warehouse_of_another_account_is_named_as_a_problem(sandbox, credentials, form_choices):
    other = "f" * 24
    form = evaluate_form(SCHEMA, {**credentials, "warehouse_id": other}, choices=form_choices)
    assert not form.ok
    assert form["warehouse_id"].problems == (
        f"{other!r} is not one of the choices ({', '.join(sandbox.warehouse_ids)})",
    )


def test_refused_credentials_keep_the_warehouse_disabled_and_secret(
    sandbox, credentials, form_choices
):
    wrong = {**credentials, "api_secret": "dummy-wrong-secret-4711"}
    form = evaluate_form(SCHEMA, wrong, choices=form_choices)
    warehouse = form["warehouse_id"]
    assert not warehouse.enabled
    assert "credentials" in warehouse.note
    assert "not-the-secret-4711" not in repr(form)
    assert form["api_secret"].value == MASK


def test_an_unreachable_leanafy_keeps_the_warehouse_disabled(credentials, form_choices):
    form = evaluate_form(
        SCHEMA, {**credentials, "api_url": "http://127.0.0.1:9"}, choices=form_choices
    )
    assert not form["warehouse_id"].enabled
    assert form["warehouse_id"].note


def test_custom_throughput_reveals_its_two_fields(credentials):
    default = evaluate_form(SCHEMA, credentials)
    assert not default["concurrent_requests"].visible
    assert not default["requests_per_second"].visible
    custom = evaluate_form(
        SCHEMA,
        {**credentials, "throughput": "custom", "concurrent_requests": "3"},
    )
    assert custom["concurrent_requests"].visible and custom["requests_per_second"].visible
    assert [str(problem) for problem in custom.problems] == [
        "requests_per_second (Requests per second): is required"
    ]


def test_a_custom_throughput_drives_the_channel(open_channel):
    context = open_channel(throughput="custom", concurrent_requests="3", requests_per_second="11")
    assert context.throughput.key == "custom"
    assert (context.throughput.max_concurrency, context.throughput.requests_per_second) == (3, 11)
    assert context.workers.size == 3


def test_a_form_evaluated_again_reuses_the_warehouses_until_the_credentials_change(
    sandbox, credentials, form_choices
):
    for throughput in ("low", "high", "default"):
        form = evaluate_form(
            SCHEMA, {**credentials, "throughput": throughput}, choices=form_choices
        )
        assert form["warehouse_id"].enabled
    assert sandbox.counters.snapshot()["requests"] == {"GET /v1/me": 1}

    refused = evaluate_form(SCHEMA, {**credentials, "api_key": "k-wrong"}, choices=form_choices)
    assert not refused["warehouse_id"].enabled
    again = evaluate_form(SCHEMA, {**credentials, "api_key": "k-wrong"}, choices=form_choices)
    assert not again["warehouse_id"].enabled
    assert sandbox.counters.snapshot()["requests"] == {"GET /v1/me": 3}
