"""Recovering the jobs of a silent worker, on Procrastinate's real tables."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import text

from techoms_core.taskqueue.app import ensure_schema, make_app
from techoms_core.taskqueue.recovery import recover_stalled_jobs
from techoms_core.taskqueue.tasks import RUN_JOB, WorkerSettings, job_lock
from tests.stores import raw_transaction
from tests.worker.conftest import queue_jobs

pytestmark = pytest.mark.postgresql
LOCK = job_lock("lean", "send-shipments")


async def _stalled_job_and(url: str, *, newer_waiting: bool) -> list[int]:
    """One job taken by a worker that then fell silent (its last heartbeat an
    hour old), and maybe a newer job of the same (channel, option) queued
    meanwhile; then a recovery. Returns what it recovered."""
    app = make_app(url, WorkerSettings())
    async with app.open_async():
        run_job = app.tasks[RUN_JOB].configure(lock=LOCK, queueing_lock=LOCK)
        await run_job.defer_async(channel="lean", option="send-shipments")
        worker_id = await app.job_manager.register_worker()
        assert await app.job_manager.fetch_job(queues=None, worker_id=worker_id)
        with raw_transaction(url) as connection:
            connection.execute(
                text("UPDATE procrastinate_workers SET last_heartbeat = now() - interval '1 hour'")
            )
        if newer_waiting:
            await run_job.defer_async(channel="lean", option="send-shipments")
        return await recover_stalled_jobs(app, stalled_after=60)


def _in_a_loop_of_its_own(coroutine):
    """Run ``coroutine`` on a thread of its own: a browser test earlier in the
    same test process leaves Playwright's event loop running on the main thread,
    where ``asyncio.run`` refuses to start another."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


def test_a_stalled_job_is_queued_again(pg_url):
    ensure_schema(pg_url)
    recovered = _in_a_loop_of_its_own(_stalled_job_and(pg_url, newer_waiting=False))
    [job] = queue_jobs(pg_url)
    assert recovered == [job.id] and job.status == "todo"


def test_a_stalled_job_whose_retry_collides_with_a_newer_one_is_failed(pg_url):
    ensure_schema(pg_url)
    recovered = _in_a_loop_of_its_own(_stalled_job_and(pg_url, newer_waiting=True))
    stalled, newer = queue_jobs(pg_url)
    assert recovered == [stalled.id]
    assert (stalled.status, newer.status) == ("failed", "todo")


def test_the_schema_is_made_once_and_kept(pg_url):
    ensure_schema(pg_url)
    ensure_schema(pg_url)  # a second worker starting: nothing to do, no error
    assert queue_jobs(pg_url) == []
