"""Secrets are masked where messages are made, in every form they may take:
echoed by a WMS in a header, JSON-escaped, URL-encoded, cut short."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest

from plugins.leanafy.client import LeanafyClient
from plugins.registry import Registry
from techoms_core.context import ChannelConfig, open_context
from techoms_core.http import MalformedResponse, Redactor
from techoms_core.secrets import MASK
from tests.core.http_server import Answer

pytest_plugins = ("tests.core.fixtures_http",)

API_KEY = "key-echoed-4b1d"
#: Quotes and backslashes change in JSON and in a repr; signs change in a URL.
API_SECRET = 'se"cr\\et+/é-9c2e'


def test_a_secret_echoed_by_the_wms_never_reaches_the_health_report(wms):
    wms.script(
        Answer(status=401, headers={"X-Request-Id": f"req-{API_SECRET}-{API_KEY}"}),
    )
    plugin = Registry.discover().get("leanafy")
    settings = {"api_url": wms.url(), "api_key": API_KEY, "api_secret": API_SECRET}
    config = ChannelConfig(name="east", plugin="leanafy", settings=settings)
    with open_context(plugin.declaration, config, environ={}) as context:
        report = plugin.health_check(context)
    assert wms.received()[0].header("X-Request-Id") is None  # the echo came back, not sent
    assert not report.ok
    assert f"X-Request-Id: req-{MASK}-{MASK}" in report.message
    shown = report.message + repr(report) + json.dumps([c.message for c in report.checks])
    for value in (API_SECRET, API_KEY, json.dumps(API_SECRET)[1:-1]):
        assert value not in shown


def _leanafy_client(wms):
    plugin = Registry.discover().get("leanafy")
    settings = {"api_url": wms.url(), "api_key": API_KEY, "api_secret": API_SECRET}
    config = ChannelConfig(name="east", plugin="leanafy", settings=settings)
    return plugin, config


def _everything_about(error: BaseException) -> str:
    """What any code holding ``error`` could print: message, repr, attributes."""
    return "\n".join([str(error), repr(error), repr(error.args), repr(vars(error))])


def test_a_secret_echoed_in_an_answer_that_is_not_leanafys_stays_off_the_error(wms):
    echoed = {"X-Request-Id": f"req-{API_SECRET}"}
    wms.script(
        Answer(status=200, headers=echoed, body={"echo": API_SECRET, "key": API_KEY}),
        Answer(status=200, headers=echoed, body={"success": True, "payload": [API_SECRET]}),
    )
    plugin, config = _leanafy_client(wms)
    with open_context(plugin.declaration, config, environ={}) as context:
        client = LeanafyClient(context)
        with pytest.raises(MalformedResponse, match="without a success envelope") as answered:
            client.get("/me")
        with pytest.raises(MalformedResponse, match="with record 0 not an object") as listed:
            client.page("/orders", {}, page=1, limit=10)

    assert answered.value.request_id == f"req-{MASK}"
    for error in (answered.value, listed.value):
        shown = _everything_about(error)
        for value in (API_SECRET, API_SECRET[:5], json.dumps(API_SECRET)[1:-1], API_KEY):
            assert value not in shown, shown


def test_every_written_form_of_a_secret_is_masked():
    redactor = Redactor([API_SECRET])
    forms = {
        "plain": API_SECRET,
        "json": json.dumps({"x": API_SECRET}),
        "json ascii": json.dumps({"x": API_SECRET}, ensure_ascii=True),
        "repr": repr({"x": API_SECRET}),
        "url": quote(API_SECRET, safe=""),
        "cut": f"refused {API_SECRET[:7]}...",
        "cut in a cell": f"| {API_SECRET[:5]}… |",
    }
    for name, text in forms.items():
        masked = redactor.text(text)
        assert MASK in masked, name
        assert API_SECRET[:4] not in masked, (name, masked)
    assert redactor.text("a plain sentence... and more…") == "a plain sentence... and more…"
