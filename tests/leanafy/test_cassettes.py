"""The happy path of every capability, replayed from cassettes recorded from the sandbox.

Replayed with ``record_mode="none"``: no server runs, and a request the
cassette lacks fails the test. ``LEANAFY_RECORD=1`` records them again from a
sandbox started with the credentials below (see ``vcr_config.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote, quote_plus

import pytest
import yaml

from plugins.leanafy.sandbox.seed import MAIN_WAREHOUSE
from plugins.leanafy.sandbox.server import SandboxServer
from techoms_core.context import ChannelConfig, ChannelContext, open_context
from techoms_core.models import ShipmentOutcome, Status

from .conftest import FAST_SESSION
from .samples import product, receipt, shipment
from .vcr_config import CASSETTES, SECRET_HEADERS, leanafy_vcr, recording

API_KEY = "sbx_cassette_key_5f1c2a9e"
API_SECRET = "cassette-secret-7d3b90c4e1a2f6"
#: Where replays "connect": never reached, and requests match without host or port.
REPLAY_URL = "http://127.0.0.1:9"

VCR = leanafy_vcr([API_KEY, API_SECRET])
CASSETTE_NAMES = (
    "health_check",
    "export_products",
    "import_products",
    "receive_inventory",
    "send_shipments",
    "receive_shipments",
    "send_receipts",
    "receive_receipts",
)


@pytest.fixture(scope="module")
def live() -> Iterator[SandboxServer | None]:
    """The sandbox while recording; ``None`` while replaying."""
    if not recording():
        yield None
        return
    with SandboxServer(api_key=API_KEY, api_secret=API_SECRET, seed="demo") as server:
        yield server


@pytest.fixture
def channel(plugin, live) -> Iterator[ChannelContext]:
    if live is not None:
        live.reset("demo")
    settings = {
        "api_url": live.url if live else REPLAY_URL,
        "api_key": API_KEY,
        "api_secret": API_SECRET,
        "warehouse_id": MAIN_WAREHOUSE.id,
        "throughput": "low",
    }
    config = ChannelConfig(name="leanafy-cassettes", plugin="leanafy", settings=settings)
    with open_context(plugin.declaration, config, session_options=FAST_SESSION) as context:
        yield context


def test_health_check(plugin, channel):
    with VCR.use_cassette("health_check.yaml"):
        report = plugin.health_check(channel)
    assert report.ok, report.message


def test_export_products(plugin, channel):
    with VCR.use_cassette("export_products.yaml"):
        results = list(plugin.export_products(channel, [product("NEW-1"), product("TEE-BLK-M")]))
    statuses = {r.key: r.status for r in results}
    assert statuses == {"NEW-1": Status.OK, "TEE-BLK-M": Status.SKIPPED}


def test_import_products(plugin, channel):
    with VCR.use_cassette("import_products.yaml"):
        pages = list(plugin.import_products(channel))
    skus = {p.sku for page in pages for p in page.records}
    assert {"TEE-BLK-M", "CANDLE-LAV", "MUG-WHT-12OZ"} <= skus
    assert pages[-1].cursor


def test_receive_inventory(plugin, channel):
    with VCR.use_cassette("receive_inventory.yaml"):
        levels = {
            lvl.sku: lvl for page in plugin.receive_inventory(channel) for lvl in page.records
        }
    assert levels["CANDLE-LAV"].on_hand == 156
    assert levels["TEE-BLK-M"].on_hand == 120


def test_send_shipments(plugin, channel):
    with VCR.use_cassette("send_shipments.yaml"):
        (result,) = plugin.send_shipments(channel, [shipment("SH-C1", ("TEE-BLK-M", 2))])
    assert result.status is Status.OK and result.remote_id


def test_receive_shipments(plugin, channel, live):
    if live is not None:
        (sent,) = plugin.send_shipments(channel, [shipment("SH-C2", ("TEE-BLK-M", 2))])
        live.warehouse.ship(sent.remote_id)
    with VCR.use_cassette("receive_shipments.yaml"):
        pages = list(plugin.receive_shipments(channel))
    (update,) = [u for page in pages for u in page.records]
    assert update.shipment_number == "SH-C2"
    assert update.outcome is ShipmentOutcome.SHIPPED
    assert update.lines[0].shipped_quantity == 2 and update.packages[0].tracking_number


def test_send_receipts(plugin, channel):
    with VCR.use_cassette("send_receipts.yaml"):
        (result,) = plugin.send_receipts(channel, [receipt("RC-C1")])
    assert result.status is Status.OK and result.remote_id


def test_receive_receipts(plugin, channel, live):
    if live is not None:
        (sent,) = plugin.send_receipts(channel, [receipt("RC-C2")])
        live.warehouse.close_arn(sent.remote_id)
    with VCR.use_cassette("receive_receipts.yaml"):
        pages = list(plugin.receive_receipts(channel))
    (update,) = [u for page in pages for u in page.records]
    assert update.receipt_number == "RC-C2"
    assert update.lines[0].received_quantity == 24


def test_no_cassette_holds_a_configured_secret():
    files = sorted(CASSETTES.glob("*.yaml"))
    assert {f.stem for f in files} >= set(CASSETTE_NAMES)
    forbidden = {form for s in (API_KEY, API_SECRET) for form in (s, quote(s), quote_plus(s))}
    for cassette in files:
        text = cassette.read_text()
        assert not [s for s in forbidden if s in text], f"{cassette.name} holds a secret"
        for interaction in yaml.safe_load(text)["interactions"]:
            headers = {name.lower() for name in interaction["request"]["headers"]}
            assert not headers & {h.lower() for h in SECRET_HEADERS}, cassette.name
