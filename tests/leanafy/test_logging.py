"""Failures are logged with Leanafy's X-Request-Id; secrets never reach a log line."""

from __future__ import annotations

import logging

import pytest

from plugins.leanafy.products import _imported
from techoms_core.http.exceptions import InvalidCredentials
from techoms_core.models import Product, Status

from .samples import product, shipment


@pytest.fixture
def channel_log(caplog):
    caplog.set_level(logging.DEBUG, logger="techoms.channel")
    return caplog


def test_every_failure_is_logged_with_its_request_id(plugin, sandbox, open_channel, channel_log):
    bad = product("P-1")
    sandbox.faults.add("server_error", endpoint="GET /v1/items", status=500)
    (result,) = plugin.export_products(open_channel(), [bad])
    assert result.status is Status.FAILED and result.fatal
    warnings = [r.getMessage() for r in channel_log.records if r.levelno >= logging.WARNING]
    assert warnings and all("X-Request-Id: " in message for message in warnings)


def test_secrets_never_reach_the_log(plugin, sandbox_demo, open_channel, channel_log):
    sandbox_demo.faults.add("throttle", endpoint="*", rate=0.5, retry_after=1)
    sandbox_demo.faults.add("store_then_fail", endpoint="POST /v1/order", times=1)
    context = open_channel()
    list(plugin.send_shipments(context, [shipment("SH-1"), shipment("SH-2")]))
    with pytest.raises(InvalidCredentials):
        list(plugin.send_shipments(open_channel(api_secret="wrong-secret-value"), [shipment("X")]))
    text = "\n".join(record.getMessage() for record in channel_log.records)
    assert text, "the run logged its attempts"
    for secret in (sandbox_demo.api_key, sandbox_demo.api_secret, "wrong-secret-value"):
        assert secret not in text


def test_a_sku_met_again_under_another_item_is_skipped_with_a_warning():
    first_id: dict[str, str] = {}
    item = {"_id": "a" * 24, "sku": "A-1", "name": "A", "uom": "EA", "base_unit": "EA"}
    assert isinstance(_imported(item, first_id), Product)
    assert isinstance(_imported(item, first_id), Product)  # the same item, newer version
    again = _imported({**item, "_id": "b" * 24, "sku": " a-1 "}, first_id)
    assert again.status is Status.SKIPPED and "duplicate SKU" in again.message
    broken = _imported({**item, "_id": "c" * 24, "sku": "B-1", "uom": ""}, first_id)
    assert broken.status is Status.FAILED and "uom" in broken.message
