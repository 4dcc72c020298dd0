"""Run locks: one run per (channel, option), taken over from a crashed holder."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import threading

import pytest

from techoms_core.host import LockHolder, RunLocked
from techoms_core.run_lock import RunLock
from techoms_core.runner import RunRefused, lock_name, run_option
from techoms_core.store import StoreHost
from tests.host import samples
from tests.host.fake_channel import FakeWms, registered

TTL = dt.timedelta(minutes=5)


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_live_holder_keeps_the_lock(host):
    mine = LockHolder.for_this_process()
    host.acquire_lock("run:x", mine, TTL)
    host.acquire_lock("run:x", mine, TTL)  # re-entrant for the same holder
    with pytest.raises(RunLocked, match="already running"):
        host.acquire_lock("run:x", LockHolder.for_this_process(), TTL)
    host.release_lock("run:x", LockHolder.for_this_process())  # not its lock: no effect
    with pytest.raises(RunLocked):
        host.acquire_lock("run:x", LockHolder.for_this_process(), TTL)
    host.release_lock("run:x", mine)
    host.acquire_lock("run:x", LockHolder.for_this_process(), TTL)


def test_a_dead_pid_on_this_host_loses_its_lock_and_its_run_is_interrupted(wms):
    dead = LockHolder(
        pid=_dead_pid(), hostname=LockHolder.for_this_process().hostname, token="dead"
    )
    wms.acquire_lock(lock_name("wms", "send-shipments"), dead, TTL)
    run_id = wms.start_run("wms", "send-shipments", holder=dead)
    taker = LockHolder.for_this_process()
    wms.acquire_lock(lock_name("wms", "send-shipments"), taker, TTL)
    run = wms.run(run_id)
    assert run.status == "interrupted" and "killed or crashed" in run.message
    with pytest.raises(RunLocked):
        wms.refresh_lock(lock_name("wms", "send-shipments"), dead, TTL)


def test_a_silent_holder_on_another_host_loses_its_lock_after_expiry(host, clock):
    remote = LockHolder(pid=1, hostname="elsewhere.example", token="remote")
    host.acquire_lock("run:x", remote, TTL)
    with pytest.raises(RunLocked):
        host.acquire_lock("run:x", LockHolder.for_this_process(), TTL)
    clock.advance(minutes=4)
    host.refresh_lock("run:x", remote, TTL)  # its heartbeat
    clock.advance(minutes=4)
    with pytest.raises(RunLocked):
        host.acquire_lock("run:x", LockHolder.for_this_process(), TTL)
    clock.advance(minutes=2)
    host.acquire_lock("run:x", LockHolder.for_this_process(), TTL)


def test_the_runner_refuses_while_another_run_holds_the_lock(host):
    host.add_channel(samples.channel(api_key="k"))
    registry = registered(FakeWms())
    other = LockHolder(pid=1, hostname="elsewhere.example", token="other")
    host.acquire_lock(lock_name("wms", "send-shipments"), other, TTL)
    with pytest.raises(RunRefused, match="already running"):
        run_option(host, registry, "wms", "send-shipments")
    assert host.runs() == []  # a lock conflict is not a run
    summary = run_option(host, registry, "wms", "send-receipts")
    assert summary.succeeded  # other options of the channel are free
    host.release_lock(lock_name("wms", "send-shipments"), other)
    assert run_option(host, registry, "wms", "send-shipments").succeeded


class _Watched(StoreHost):
    """A host that reports each renewal attempt of a lock."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.renewals = 0
        self.renewed_thrice = threading.Event()
        self.refused = threading.Event()

    def refresh_lock(self, name, holder, ttl) -> None:
        try:
            super().refresh_lock(name, holder, ttl)
        except RunLocked:
            self.refused.set()
            raise
        self.renewals += 1
        if self.renewals == 3:
            self.renewed_thrice.set()


def test_a_heartbeat_renews_the_lock_and_notices_a_takeover(db_target):
    with _Watched(db_target) as host:
        with RunLock(host, "wms", "send-shipments", ttl=dt.timedelta(milliseconds=40)) as lock:
            assert host.renewed_thrice.wait(timeout=30)
            assert lock.lost is None
            with host._write() as connection:  # another holder took it over
                connection.exec_driver_sql("UPDATE locks SET token = 'someone else'")
            assert host.refused.wait(timeout=30)
        assert "already running" in lock.lost
