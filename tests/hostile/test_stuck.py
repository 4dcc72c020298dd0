"""A stuck WMS holds neither the process nor the other channels."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from plugins.registry import Registry
from techoms_core.context import ChannelConfig
from techoms_core.http.abort import abort_all
from techoms_core.jobs import JobOutcome, run_forever, set_job
from techoms_core.store import SqliteHost
from tests.hostile.conftest import CHANNEL
from tests.hostile.wms import trickle
from tests.soak.records import WAREHOUSE

TECHOMS = str(Path(sys.executable).with_name("techoms"))


def _until(condition, timeout: float = 10.0) -> None:
    ends = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < ends, "timed out"
        time.sleep(0.02)


@pytest.fixture
def stuck(host, hostile, sandbox_demo) -> SqliteHost:
    """The hostile channel's orders list trickles a byte per second."""
    hostile.behave("GET /v1/orders", trickle(1.0))
    return host


def _sync(db: Path, sandbox, *args: str, grace: float) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "TECHOMS_DB": str(db),
        "HOSTILE_KEY": sandbox.api_key,
        "HOSTILE_SECRET": sandbox.api_secret,
        "TECHOMS_STOP_GRACE": str(grace),
    }
    return subprocess.Popen(
        [TECHOMS, "sync", CHANNEL, "receive-shipments", "--json", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


@pytest.fixture
def db(tmp_path: Path, hostile, sandbox_demo) -> Path:
    """A database whose channel reads its credentials from the environment."""
    path = tmp_path / "stuck.db"
    with SqliteHost(path) as store:
        settings = {
            "api_url": hostile.url,
            "api_key": "env:HOSTILE_KEY",
            "api_secret": "env:HOSTILE_SECRET",
            "warehouse_id": sandbox_demo.warehouse_ids[0],
        }
        store.add_channel(
            ChannelConfig(name=CHANNEL, plugin="leanafy", settings=settings, warehouse=WAREHOUSE)
        )
    hostile.behave("GET /v1/orders", trickle(1.0))
    return path


# Bounds of 30 s leave a loaded machine room to start, log and exit. The
# second signal is told apart from the grace period by making the grace
# longer than that bound: only an abort on the second signal ends in time.
@pytest.mark.parametrize(
    ("signals", "grace"),
    [((signal.SIGTERM,), 2.0), ((signal.SIGINT, signal.SIGINT), 600.0)],
    ids=["grace-over", "second-signal"],
)
def test_a_signal_ends_a_sync_stuck_on_a_slow_answer_within_seconds(
    db, hostile, sandbox_demo, signals, grace
):
    process = _sync(db, sandbox_demo, grace=grace)
    _until(lambda: hostile.count("GET /v1/orders") > 0)
    time.sleep(0.3)  # the request is on the wire, its answer trickling in
    for sig in signals:
        process.send_signal(sig)
        time.sleep(0.1)

    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        pytest.fail(f"still running 30 s after {signals}, grace {grace} s")
    finally:
        process.kill()

    errors = process.stderr.read().decode()
    assert process.returncode == 130, errors
    with SqliteHost(db) as store:
        [run] = store.runs(CHANNEL)
        assert run.status == "interrupted"


def test_a_stuck_channel_never_delays_another_channels_due_job(stuck, sandbox_demo):
    good = ChannelConfig(
        name="good",
        plugin="leanafy",
        settings=sandbox_demo.channel_settings(),
        warehouse="OTHER",
    )
    stuck.add_channel(good)
    registry = Registry.discover(strict=True)
    now = dt.datetime.now(dt.UTC)
    set_job(stuck, registry, CHANNEL, "receive-shipments", "5m", now=now - dt.timedelta(minutes=1))
    set_job(stuck, registry, "good", "receive-inventory", "5m", now=now)
    outcomes: list[JobOutcome] = []
    stop = threading.Event()
    runner = threading.Thread(
        target=run_forever, args=(stuck, registry, stop), kwargs={"on_outcome": outcomes.append}
    )
    started = time.monotonic()
    runner.start()
    try:
        _until(lambda: any(o.channel == "good" for o in outcomes), timeout=20)
        took = time.monotonic() - started
        assert [o.channel for o in outcomes] == ["good"]  # the stuck one is still running
        assert took < 10
    finally:
        stop.set()
        abort_all()
        runner.join(timeout=30)
    assert not runner.is_alive()
