"""Kill -9 a real sync process mid-send and mid-receive, against the Leanafy
sandbox and the Leanafy plugin, and prove that the next run neither duplicates
nor loses anything (the sandbox counts every create it stores).

The sandbox runs in this process, so the test knows exactly when the worker is
mid-flight: a hook on the sandbox's counters installs a ``slow`` fault (the
answer is held after the create is stored) and sets an Event; the test then
kills the worker while that answer is held, then waits until the sandbox has
handled every request the worker sent (a killed client's last requests are
still stored after it is gone) before it looks at anything or runs again.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path

import pytest

from plugins.registry import Registry
from techoms_core.context import ChannelConfig
from techoms_core.mappings import CarrierRow
from techoms_core.runner import WOULD_BE_SENT, run_option
from techoms_core.store import StoreHost
from tests.host import samples
from tests.stores import store_content

pytestmark = pytest.mark.slow
WORKER = Path(__file__).with_name("crash_worker.py")
SKU = "SKU-000001"
HOLD_SECONDS = 60
UPS_GROUND = CarrierRow(
    carrier_channel="UPS", service_channel="Ground", carrier_system="UPS", service_system="Ground"
)


@pytest.fixture
def leanafy(sandbox, db_target):
    """A host with a Leanafy channel ``lean`` on the sandbox, and one item there."""
    sandbox.warehouse.generate_items(1, "SKU-")
    with StoreHost(db_target) as host:
        host.add_channel(
            ChannelConfig(
                name="lean",
                plugin="leanafy",
                settings=sandbox.channel_settings(throughput="high"),
                warehouse=samples.WAREHOUSE,
            )
        )
        # The samples' carrier, mapped both ways: every record then ends ``ok``.
        host.add_carrier_mappings("lean", [UPS_GROUND])
        yield host


def _hold_after(sandbox, monkeypatch, method: str, endpoint: str, count: int):
    """An Event set once the ``count``-th ``method`` has happened; from then on
    the answers of ``endpoint`` are held (after the request was handled)."""
    reached = threading.Event()
    seen = [0]
    original = getattr(sandbox.counters, method)

    def counted(*args):
        original(*args)
        if method == "request" and args[0] != endpoint:
            return
        if method == "create_stored" and args[0] != "order":
            return
        seen[0] += 1
        if seen[0] == count:
            sandbox.faults.add("slow", endpoint=endpoint, seconds=HOLD_SECONDS)
            reached.set()

    monkeypatch.setattr(sandbox.counters, method, counted)
    return reached


def _kill_worker_when(
    reached: threading.Event, db_target: str | Path, option: str, sandbox
) -> None:
    worker = subprocess.Popen(
        [sys.executable, str(WORKER), str(db_target), "lean", option],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert reached.wait(timeout=60), worker.communicate(timeout=5)
        os.kill(worker.pid, signal.SIGKILL)
    finally:
        worker.communicate(timeout=30)
    assert worker.returncode == -signal.SIGKILL
    assert sandbox.wait_until_handled(timeout=60), "the sandbox is still handling requests"


def test_kill_mid_send_then_rerun_creates_no_duplicate_and_loses_nothing(
    leanafy,
    sandbox,
    db_target,
    monkeypatch,
):
    numbers = [f"S-{i:03}" for i in range(40)]
    leanafy.load_shipments([samples.shipment(n, (SKU, 1)) for n in numbers])
    reached = _hold_after(sandbox, monkeypatch, "create_stored", "POST /v1/order", 12)

    _kill_worker_when(reached, db_target, "send-shipments", sandbox)
    sandbox.faults.clear()

    in_wms = {n for n in numbers if sandbox.warehouse.orders(primary_reference_number=n)}
    sent = {r["number"] for r in leanafy.shipment_rows() if r["status"] == "sent"}
    assert sent < in_wms < set(numbers)  # some created in the WMS but never bound
    assert leanafy.runs()[0].status == "running"

    summary = run_option(leanafy, Registry.discover(strict=True), "lean", "send-shipments")
    assert summary.status == "completed" and summary.counts["failed"] == 0
    already = {r.key for r in summary.records if r.status == "skipped"}
    # Created before the kill but never bound: found by the plugin's lookup, then
    # bound; nothing the killed worker sent is stored after in_wms was read.
    assert already == in_wms - sent

    for row in leanafy.shipment_rows():
        [order] = sandbox.warehouse.orders(primary_reference_number=row["number"])
        assert (row["status"], row["remote_id"]) == ("sent", order["_id"])
        assert sandbox.counters.creates("order", row["number"])["stored"] == 1
    assert [run.status for run in leanafy.runs()] == ["completed", "interrupted"]
    _assert_counts_match_messages(leanafy, leanafy.runs()[1])
    assert leanafy.runs()[1].counts["ok"] == len(sent)


def test_kill_mid_receive_then_rerun_applies_everything_once(
    leanafy,
    sandbox,
    db_target,
    monkeypatch,
):
    numbers = [f"S-{i:03}" for i in range(130)]  # three pages of 50 (see crash_worker)
    leanafy.load_shipments([samples.shipment(n, (SKU, 1)) for n in numbers])
    registry = Registry.discover(strict=True)
    assert run_option(leanafy, registry, "lean", "send-shipments").counts["failed"] == 0
    for order in sandbox.warehouse.orders():
        sandbox.warehouse.ship(order["_id"])
    # The third page is asked for once the first is applied (pages are read one ahead).
    reached = _hold_after(sandbox, monkeypatch, "request", "GET /v1/orders", 3)

    _kill_worker_when(reached, db_target, "receive-shipments", sandbox)
    sandbox.faults.clear()

    shipped = [r["number"] for r in leanafy.shipment_rows() if r["status"] == "shipped"]
    assert 0 < len(shipped) < len(numbers)
    assert leanafy.cursor("lean", "receive-shipments") is not None

    summary = run_option(leanafy, registry, "lean", "receive-shipments")
    assert summary.status == "completed" and summary.counts["failed"] == 0
    rows = leanafy.shipment_rows()
    assert {r["status"] for r in rows} == {"shipped"}
    assert all(len(r["packages"]) == 1 and r["lines"][0]["shipped_quantity"] == 1 for r in rows)
    crashed, rerun = leanafy.runs()[1], leanafy.runs()[0]
    applied = [
        m.key for run in (crashed, rerun) for m in leanafy.run_messages(run.id) if m.status == "ok"
    ]
    assert sorted(applied) == numbers  # each update applied exactly once
    assert crashed.status == "interrupted"
    _assert_counts_match_messages(leanafy, crashed)
    assert crashed.counts["ok"] == len(shipped)


def _assert_counts_match_messages(host, run) -> None:
    """A killed run's counts are those of the messages it committed."""
    committed = Counter(message.status for message in host.run_messages(run.id))
    assert {key: run.counts[key] for key in committed} == dict(committed)
    assert sum(run.counts.values()) == sum(committed.values())


def _content(db_target: str | Path) -> object:
    """The database as a whole: closing the host folds a SQLite WAL into the file."""
    return store_content(db_target)


def test_dry_runs_write_nothing_anywhere(leanafy, sandbox, db_target):
    registry = Registry.discover(strict=True)
    leanafy.load_shipments([samples.shipment("S-1", (SKU, 1)), samples.shipment("S-2", (SKU, 1))])
    leanafy.load_products([samples.product("NEW-1")])
    leanafy.close()
    before = _content(db_target)

    for option in ("send-shipments", "export-products"):
        summary = run_option(leanafy, registry, "lean", option, dry_run=True)
        assert summary.counts["ok"] and {r.message for r in summary.records} == {WOULD_BE_SENT}
    posts = {k: v for k, v in sandbox.counters.snapshot()["requests"].items() if "POST" in k}
    assert posts == {}
    leanafy.close()
    assert _content(db_target) == before

    run_option(leanafy, registry, "lean", "send-shipments")
    for order in sandbox.warehouse.orders():
        sandbox.warehouse.ship(order["_id"])
    leanafy.close()
    before = _content(db_target)
    summary = run_option(leanafy, registry, "lean", "receive-shipments", dry_run=True)
    assert sorted((r.key, r.status) for r in summary.records) == [("S-1", "ok"), ("S-2", "ok")]
    leanafy.close()
    assert _content(db_target) == before
    assert leanafy.cursor("lean", "receive-shipments") is None
    assert {r["status"] for r in leanafy.shipment_rows()} == {"sent"}
