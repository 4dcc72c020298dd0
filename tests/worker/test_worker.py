"""``techoms worker`` processes on PostgreSQL: jobs set with ``techoms jobs
set`` run once on one of them, a SIGKILLed worker's job runs again on another
within a bounded time, and SIGTERM lets the current batch finish."""

from __future__ import annotations

import datetime as dt
import os
import signal
import time

import pytest
from sqlalchemy import select

from techoms_core import jobs as schedule
from techoms_core.host import LockHolder
from techoms_core.registry import Registry
from techoms_core.run_lock import lock_name
from techoms_core.store import schema
from techoms_core.taskqueue.tasks import RUN_JOB
from tests.host import samples
from tests.worker.conftest import SKU, queue_jobs, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.postgresql]
SEND = "send-shipments"


def _load(store, count: int) -> list[str]:
    numbers = [f"S-{i:03}" for i in range(count)]
    store.load_shipments([samples.shipment(n, (SKU, 1)) for n in numbers])
    return numbers


def _job(store, option: str = SEND):
    [job] = [job for job in store.jobs("lean") if job.option == option]
    return job


def _each_stored_once(sandbox, numbers: list[str]) -> None:
    for number in numbers:
        assert sandbox.counters.creates("order", number)["stored"] <= 1, number


def test_jobs_set_run_once_each_on_one_of_two_workers(store, workers, sandbox):
    numbers = _load(store, 20)
    workers.start()
    workers.start()
    registry = Registry.discover()
    schedule.set_job(store, registry, "lean", SEND, "5m")
    schedule.set_job(store, registry, "lean", "receive-inventory", "5m")

    for option in (SEND, "receive-inventory"):
        wait_for(lambda o=option: _job(store, o).last_status, timeout=120, what=f"{option} ran")
        assert _job(store, option).last_status == "completed", _job(store, option)
    time.sleep(3)  # three more dispatcher ticks: nothing more is due, nothing runs
    runs = [(run.option, run.status) for run in store.runs()]
    assert sorted(runs) == [("receive-inventory", "completed"), (SEND, "completed")]
    assert {r["status"] for r in store.shipment_rows()} == {"sent"}
    _each_stored_once(sandbox, numbers)
    assert sum(sandbox.counters.creates("order", n)["stored"] for n in numbers) == 20
    wait_for(lambda: not _runs_doing(workers.url), timeout=60, what="no job run left doing")


def test_a_killed_workers_job_runs_again_on_another_within_bounds(store, workers, sandbox):
    numbers = _load(store, 40)
    sandbox.faults.add("slow", endpoint="POST /v1/order", seconds=0.3)
    workers.start()
    workers.start()
    schedule.set_job(store, Registry.discover(), "lean", SEND, "5m")

    holder = wait_for(
        lambda: (
            sum(sandbox.counters.creates("order", n)["stored"] for n in numbers) >= 3
            and store_lock_pid(store)
        ),
        timeout=120,
        what="the job running",
    )
    os.kill(holder, signal.SIGKILL)
    killed_at = time.monotonic()
    killed = next(p for p in workers.processes if p.pid == holder)
    killed.wait(timeout=10)
    sandbox.faults.clear()

    wait_for(lambda: _job(store).last_status, timeout=120, what="the job run again")
    again_after = time.monotonic() - killed_at
    assert _job(store).last_status == "completed", _job(store)
    assert again_after < 60  # stalled after 2 s of silence; dispatcher every second

    statuses = [run.status for run in store.runs()]
    assert statuses == ["completed", "interrupted"]  # newest first
    assert {r["status"] for r in store.shipment_rows()} == {"sent"}
    assert sandbox.wait_until_handled(timeout=30)
    _each_stored_once(sandbox, numbers)
    # The killed worker's job itself was queued again and ran (no newer one
    # was queued behind it while it ran): nothing it held stays doing, and
    # nothing of this (channel, option) is left failed or waiting.
    wait_for(lambda: not _runs_doing(workers.url), timeout=60, what="no job run left doing")
    assert [job for job in queue_jobs(workers.url) if job.task_name == RUN_JOB] == []

    restarted = workers.start()  # the killed worker comes back and takes part again
    assert restarted.poll() is None


def test_a_job_whose_run_lock_a_dead_machine_holds_runs_once_the_lock_expires(
    store, workers, sandbox
):
    # A worker killed on another machine leaves its run lock until the lock
    # expires (its pid cannot be checked from here). The job taken back from
    # it must run then, not be recorded as refused and wait for its next due
    # time (5 minutes here, up to a day).
    numbers = _load(store, 3)
    workers.start()
    elsewhere = LockHolder(pid=1, hostname="another-machine", token="dead-worker")
    store.acquire_lock(lock_name("lean", SEND), elsewhere, dt.timedelta(seconds=20))
    schedule.set_job(store, Registry.discover(), "lean", SEND, "5m")

    wait_for(
        lambda: _job(store).last_status or _tried(workers.url),
        timeout=20,
        what="the job tried while the lock is held",
    )
    assert _job(store).last_status is None, _job(store)  # still due, nothing recorded
    wait_for(lambda: _job(store).last_status, timeout=120, what="the job run")
    assert _job(store).last_status == "completed", _job(store)
    assert [run.status for run in store.runs()] == ["completed"]
    assert store_lock_pid(store) is None  # taken over once expired, then released
    assert {r["status"] for r in store.shipment_rows()} == {"sent"}
    _each_stored_once(sandbox, numbers)


def _tried(url: str) -> bool:
    """A job run was tried once and waits to be tried again."""
    jobs = queue_jobs(url)
    return any(job.task_name == RUN_JOB and job.status == "todo" and job.attempts for job in jobs)


def test_sigterm_lets_the_current_batch_finish(store, workers, sandbox):
    numbers = _load(store, 60)
    sandbox.faults.add("slow", endpoint="POST /v1/order", seconds=0.3)
    worker = workers.start()
    schedule.set_job(store, Registry.discover(), "lean", SEND, "5m")
    wait_for(
        lambda: sum(sandbox.counters.creates("order", n)["stored"] for n in numbers) >= 3,
        timeout=120,
        what="the job running",
    )
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=60) == 0, workers.output(worker)
    assert "Stopped cleanly" in worker.stdout.read()

    [run] = store.runs()
    assert run.status == "stopped", run
    assert sandbox.wait_until_handled(timeout=30)
    sent = {r["number"] for r in store.shipment_rows() if r["status"] == "sent"}
    created = {n for n in numbers if sandbox.counters.creates("order", n)["stored"]}
    assert 0 < len(sent) < len(numbers)
    assert sent == created  # every order the batch created is bound: nothing half-done
    assert _job(store).last_status == "stopped"
    assert [job for job in queue_jobs(workers.url) if job.status == "doing"] == []


def _runs_doing(url: str) -> list:
    """Job runs in progress (the live workers' dispatcher, every second, is left out)."""
    return [job for job in queue_jobs(url) if job.status == "doing" and job.task_name == RUN_JOB]


def store_lock_pid(store) -> int | None:
    """The pid of the process holding the run lock of lean's send, if any."""
    with store._read() as connection:
        return connection.execute(
            select(schema.locks.c.pid).where(schema.locks.c.name == lock_name("lean", SEND))
        ).scalar()
