"""Fixtures for the hostile-WMS tests: the Leanafy sandbox behind a
:class:`~tests.hostile.wms.HostileWMS`, and a techOMS store whose channel
talks to the hostile server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from plugins.leanafy.sandbox.testing import sandbox, sandbox_demo, sandbox_server  # noqa: F401
from plugins.registry import Registry
from techoms_core.context import ChannelConfig
from techoms_core.http.retry import RetryPolicy
from techoms_core.loading import read_load_file
from techoms_core.runner import run_option
from techoms_core.runs import RunSummary
from techoms_core.store import SqliteHost
from tests.hostile.wms import HostileWMS
from tests.soak.records import CATALOGUE_SIZE, WAREHOUSE, receipt, shipment

CHANNEL = "hostile"
#: Short retries and deadline, so a stuck answer costs seconds (not so short
#: that an honest answer misses it on a busy machine).
FAST = {
    "retry": RetryPolicy(
        max_attempts=2, backoff_initial=0.001, backoff_max=0.002, retry_after_cap=0
    ),
    "timeout": (2.0, 4.0),
    "deadline": 8.0,
}


@pytest.fixture
def hostile(sandbox_demo) -> Iterator[HostileWMS]:  # noqa: F811
    with HostileWMS(sandbox_demo.url) as server:
        yield server


@pytest.fixture
def host(tmp_path: Path, sandbox_demo, hostile: HostileWMS) -> Iterator[SqliteHost]:  # noqa: F811
    """A store with a Leanafy channel on the hostile server: 3 shipments and
    2 receipts loaded, none sent yet."""
    sandbox_demo.warehouse.generate_items(CATALOGUE_SIZE)
    store = SqliteHost(tmp_path / "hostile.db")
    settings = {
        "api_url": hostile.url,
        "api_key": sandbox_demo.api_key,
        "api_secret": sandbox_demo.api_secret,
        "warehouse_id": sandbox_demo.warehouse_ids[0],
    }
    store.add_channel(
        ChannelConfig(name=CHANNEL, plugin="leanafy", settings=settings, warehouse=WAREHOUSE)
    )
    file = tmp_path / "records.json"
    file.write_text(json.dumps([shipment(n) for n in (1, 2, 3)]))
    store.load_shipments(read_load_file("shipments", file))
    file.write_text(json.dumps([receipt(1), receipt(2)]))
    store.load_receipts(read_load_file("receipts", file))
    yield store
    store.close()


def run(host: SqliteHost, option: str, **session: object) -> RunSummary:
    return run_option(
        host, Registry.discover(strict=True), CHANNEL, option, session_options={**FAST, **session}
    )
