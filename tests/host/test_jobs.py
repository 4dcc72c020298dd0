"""Recurring jobs: periods, the menu rule, due times on an injected clock."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from techoms_core.host import JobPeriod, LockHolder
from techoms_core.jobs import (
    JobRefused,
    due_jobs,
    job_states,
    next_due_after,
    run_due,
    run_forever,
    run_job_if_due,
    set_job,
)
from techoms_core.runner import RunRefused, lock_name
from tests.host import samples
from tests.host.fake_channel import FakeWms, registered


@pytest.fixture
def setup(host):
    host.add_channel(samples.channel(api_key="k"))
    return host, registered(FakeWms())


def test_periods():
    assert [p.value for p in JobPeriod] == ["none", "5m", "15m", "30m", "1h", "4h", "12h", "24h"]
    assert JobPeriod.parse(" 4H ").interval == dt.timedelta(hours=4)
    assert JobPeriod.NONE.interval is None
    with pytest.raises(ValueError, match="5m, 15m"):
        JobPeriod.parse("7m")


def test_only_options_in_the_current_menu_get_jobs(setup, clock):
    host, registry = setup
    job = set_job(host, registry, "wms", "send-shipments", "15m", now=clock())
    assert (job.period, job.next_due_at) == (JobPeriod.M15, clock())
    with pytest.raises(JobRefused, match="not in the Sync menu"):
        set_job(host, registry, "wms", "import-products", "1h", now=clock())
    with pytest.raises(JobRefused, match="not supported by Fake WMS"):
        set_job(host, registry, "wms", "cancel-shipments", "1h", now=clock())
    with pytest.raises(JobRefused, match="period"):
        set_job(host, registry, "wms", "send-shipments", "2m", now=clock())
    with pytest.raises(JobRefused, match="no channel"):
        set_job(host, registry, "nope", "send-shipments", "5m", now=clock())
    off = set_job(host, registry, "wms", "send-shipments", "none", now=clock())
    assert off.next_due_at is None and due_jobs(host, clock.advance(days=1)) == []


def test_product_jobs_follow_the_master_product_source(setup, clock):
    host, registry = setup
    host.set_master_product_source("wms")
    set_job(host, registry, "wms", "import-products", "1h", now=clock())
    host.set_master_product_source("techoms")
    [state] = job_states(host, registry)
    assert not state.runnable and "Master Product Source is 'techoms'" in state.reason
    [outcome] = run_due(host, registry, now=clock())
    assert outcome.status == "not run" and "Sync menu" in outcome.message
    [job] = host.jobs()
    assert job.last_status == "not run" and job.next_due_at == clock() + dt.timedelta(hours=1)
    assert host.runs() == []


def test_a_disabled_channel_runs_no_job(setup, clock):
    host, registry = setup
    set_job(host, registry, "wms", "send-shipments", "5m", now=clock())
    host.update_channel("wms", enabled=False)
    [outcome] = run_due(host, registry, now=clock())
    assert (outcome.status, outcome.message) == ("not run", "not run: channel 'wms' is disabled")
    assert host.runs() == []


def test_due_time_logic(setup, clock):
    host, registry = setup
    start = clock()
    set_job(host, registry, "wms", "send-shipments", "15m", now=start)
    set_job(host, registry, "wms", "receive-shipments", "1h", now=start + dt.timedelta(minutes=5))
    assert [j.option for j in due_jobs(host, start)] == ["send-shipments"]
    [job] = due_jobs(host, start)
    assert next_due_after(job, start) == start + dt.timedelta(minutes=15)
    late = start + dt.timedelta(minutes=47)  # three runs missed: not made up
    assert next_due_after(job, late) == start + dt.timedelta(minutes=60)

    host.load_shipments([samples.shipment("S-1")])
    [outcome] = run_due(host, registry, now=start)
    assert outcome.status == "completed" and outcome.summary.counts["ok"] == 1
    outcomes = run_due(host, registry, now=clock.advance(minutes=10))
    assert [o.option for o in outcomes] == ["receive-shipments"]
    outcomes = run_due(host, registry, now=clock.advance(minutes=5))
    assert [o.option for o in outcomes] == ["send-shipments"]
    jobs = {j.option: j for j in host.jobs()}
    assert jobs["send-shipments"].next_due_at == start + dt.timedelta(minutes=30)
    assert jobs["send-shipments"].last_run_id == host.runs()[0].id
    assert jobs["receive-shipments"].next_due_at == start + dt.timedelta(minutes=65)


def test_a_job_never_overlaps_itself(setup, clock):
    host, registry = setup
    set_job(host, registry, "wms", "send-shipments", "5m", now=clock())
    other = LockHolder(pid=1, hostname="elsewhere.example", token="t")
    host.acquire_lock(lock_name("wms", "send-shipments"), other, dt.timedelta(minutes=5))
    [outcome] = run_due(host, registry, now=clock())
    assert outcome.status == "refused" and "already running" in outcome.message
    assert host.runs() == []


def test_a_job_that_waits_for_the_lock_stays_due_and_says_until_when(setup, clock):
    # A worker's job: the lock may be a dead worker's on another machine, so
    # the job must run once it expires, not wait for its next due time.
    host, registry = setup
    set_job(host, registry, "wms", "send-shipments", "5m", now=clock())
    other = LockHolder(pid=1, hostname="elsewhere.example", token="t")
    host.acquire_lock(lock_name("wms", "send-shipments"), other, dt.timedelta(minutes=2))
    with pytest.raises(RunRefused, match="already running") as refused:
        run_job_if_due(host, registry, "wms", "send-shipments", now=clock(), wait_for_lock=True)
    assert refused.value.locked_until == clock() + dt.timedelta(minutes=2)
    [job] = host.jobs()
    assert (job.last_status, job.next_due_at) == (None, clock())  # still due, nothing recorded
    assert host.runs() == []
    clock.advance(minutes=2)
    outcome = run_job_if_due(
        host, registry, "wms", "send-shipments", now=clock(), wait_for_lock=True
    )
    assert outcome.status == "completed"


def test_run_forever_sleeps_until_the_next_due_time(setup, clock):
    host, registry = setup
    set_job(host, registry, "wms", "send-shipments", "15m", now=clock())
    stop = threading.Event()
    outcomes, sleeps = [], []

    def wait(seconds: float) -> None:
        sleeps.append(seconds)
        clock.advance(seconds=seconds)
        if len(sleeps) == 2:
            stop.set()

    run_forever(
        host, registry, stop, clock=clock, on_outcome=outcomes.append, wait=wait, recheck=3600
    )
    assert sleeps == [900.0, 900.0]
    assert [o.status for o in outcomes] == ["completed", "completed"]


def test_run_forever_returns_when_stopped(setup):
    host, registry = setup
    stop = threading.Event()
    stop.set()
    run_forever(host, registry, stop)  # returns at once: nothing to wait for
