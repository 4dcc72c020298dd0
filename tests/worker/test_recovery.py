"""Recovering the jobs of a silent worker, on Procrastinate's real tables."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
from procrastinate.jobs import Job as QueuedJob
from sqlalchemy import text

from techoms_core.host import Job
from techoms_core.taskqueue.app import ensure_schema, make_app
from techoms_core.taskqueue.recovery import recover_stalled_jobs
from techoms_core.taskqueue.tasks import DISPATCH, RUN_JOB, WorkerSettings, job_lock, queue_due_jobs
from tests.stores import raw_transaction
from tests.worker.conftest import queue_jobs

pytestmark = pytest.mark.postgresql
LOCK = job_lock("lean", "send-shipments")


async def _queue(app, channel: str, option: str = "send-shipments") -> None:
    """Queue a run as the dispatcher does: with the (channel, option)'s locks."""
    lock = job_lock(channel, option)
    task = app.tasks[RUN_JOB].configure(lock=lock, queueing_lock=lock)
    await task.defer_async(channel=channel, option=option)


async def _take(app) -> QueuedJob | None:
    """The job a newly registered worker takes next."""
    worker_id = await app.job_manager.register_worker()
    return await app.job_manager.fetch_job(queues=None, worker_id=worker_id)


#: Each cancelled job queued again at once, as a dispatcher would that keeps
#: racing the recovery.
REQUEUE_CANCELLED = """
CREATE FUNCTION requeue_cancelled() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO procrastinate_jobs (queue_name, task_name, lock, queueing_lock, args)
    VALUES (NEW.queue_name, NEW.task_name, NEW.lock, NEW.queueing_lock, NEW.args);
    RETURN NULL;
END $$;
CREATE TRIGGER requeue_cancelled AFTER UPDATE OF status ON procrastinate_jobs
    FOR EACH ROW WHEN (NEW.status = 'cancelled') EXECUTE FUNCTION requeue_cancelled();
"""


async def _stalled_job_and(
    url: str, *, newer_waiting: bool, newer_again: bool = False
) -> tuple[list[int], str | None]:
    """One job taken by a worker that then fell silent (its last heartbeat an
    hour old), the jobs of other channels queued meanwhile, and maybe a newer
    job of the same (channel, option), queued again whenever it is cancelled
    (``newer_again``); then a recovery. Returns what it recovered, and the lock
    of the job a live worker takes next."""
    app = make_app(url, WorkerSettings())
    async with app.open_async():
        await _queue(app, "lean")
        assert await _take(app)
        with raw_transaction(url) as connection:
            connection.execute(
                text("UPDATE procrastinate_workers SET last_heartbeat = now() - interval '1 hour'")
            )
        for channel in ("other-1", "other-2"):
            await _queue(app, channel)
        if newer_waiting:
            await _queue(app, "lean")
        if newer_again:
            with raw_transaction(url) as connection:
                connection.exec_driver_sql(REQUEUE_CANCELLED)
        recovered = await recover_stalled_jobs(app, stalled_after=60)
        return recovered, (await _take(app)).lock


def _in_a_loop_of_its_own(coroutine):
    """Run ``coroutine`` on a thread of its own: a browser test earlier in the
    same test process leaves Playwright's event loop running on the main thread,
    where ``asyncio.run`` refuses to start another."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


def test_a_stalled_job_is_queued_again_ahead_of_the_waiting_ones(pg_url):
    ensure_schema(pg_url)
    recovered, taken_next = _in_a_loop_of_its_own(_stalled_job_and(pg_url, newer_waiting=False))
    stalled = queue_jobs(pg_url)[0]
    assert recovered == [stalled.id] and stalled.status == "doing"  # taken again at once
    assert taken_next == LOCK


def test_a_stalled_job_whose_retry_collides_with_a_newer_one_goes_back_in_its_place(pg_url):
    # The newer job holds the queueing lock the retry needs. Failing the
    # stalled job instead would leave the work to the newer one, behind every
    # job queued meanwhile: a backlog would delay the re-run without bound.
    ensure_schema(pg_url)
    recovered, taken_next = _in_a_loop_of_its_own(_stalled_job_and(pg_url, newer_waiting=True))
    stalled, *_others, newer = queue_jobs(pg_url)
    assert recovered == [stalled.id]
    assert (stalled.status, newer.status) == ("doing", "cancelled")
    assert taken_next == LOCK


def test_a_stalled_job_gives_way_when_newer_ones_keep_being_queued(pg_url):
    # Should each newer job cancelled be followed by another, the stalled job
    # is failed after a few tries and the newest one does the work: it never
    # stays doing.
    ensure_schema(pg_url)
    recovered, taken_next = _in_a_loop_of_its_own(
        _stalled_job_and(pg_url, newer_waiting=True, newer_again=True)
    )
    stalled, *_others, newest = queue_jobs(pg_url)
    assert recovered == [stalled.id]
    assert (stalled.status, newest.status) == ("failed", "todo")
    assert taken_next != LOCK  # the newest waits behind the others, as queued


async def _two_dispatchers_and_a_stalled_job(url: str) -> tuple[list[int], list[int]]:
    """A dispatcher job running on a live worker, a job of a silent worker, and
    a second dispatcher job started meanwhile: what each recovers, the newer
    one first."""
    app = make_app(url, WorkerSettings())
    async with app.open_async():
        await app.tasks[DISPATCH].defer_async(timestamp=0)
        older = await _take(app)
        await _queue(app, "lean")
        silent = await app.job_manager.register_worker()
        assert await app.job_manager.fetch_job(queues=None, worker_id=silent)
        with raw_transaction(url) as connection:
            connection.execute(
                text(
                    "UPDATE procrastinate_workers SET last_heartbeat = now() - interval '1 hour'"
                    " WHERE id = :silent"
                ),
                {"silent": silent},
            )
        await app.tasks[DISPATCH].defer_async(timestamp=1)
        newer = await _take(app)
        by_newer = await recover_stalled_jobs(app, stalled_after=60, dispatcher=newer)
        by_older = await recover_stalled_jobs(app, stalled_after=60, dispatcher=older)
        return by_newer, by_older


def test_one_dispatcher_at_a_time_takes_stalled_jobs_back(pg_url):
    # Two at it: one could queue a job again after a live worker took it back
    # up, and a third worker would take it while the second runs it.
    ensure_schema(pg_url)
    by_newer, by_older = _in_a_loop_of_its_own(_two_dispatchers_and_a_stalled_job(pg_url))
    [stalled] = [job for job in queue_jobs(pg_url) if job.task_name == RUN_JOB]
    assert (by_newer, by_older) == ([], [stalled.id])


async def _fetched_first(url: str) -> str:
    """Runs waiting, then a dispatcher tick: the name of the task a worker takes first."""
    app = make_app(url, WorkerSettings())
    async with app.open_async():
        for channel in ("a", "b", "c"):
            await _queue(app, channel)
        await app.tasks[DISPATCH].defer_async(timestamp=0)
        return (await _take(app)).task_name


def test_the_dispatcher_goes_before_waiting_runs(pg_url):
    # It recovers stalled jobs: behind a backlog, so would their recovery be.
    ensure_schema(pg_url)
    assert _in_a_loop_of_its_own(_fetched_first(pg_url)) == DISPATCH


async def _queue_while_one_runs(url: str) -> int:
    app = make_app(url, WorkerSettings())
    async with app.open_async():
        await _queue(app, "lean")
        assert await _take(app)
        due = [
            Job(channel="lean", option="send-shipments", period="5m"),
            Job(channel="lean", option="receive-inventory", period="5m"),
        ]
        return await queue_due_jobs(app, due)


def test_a_due_job_that_runs_is_not_queued_again_behind_itself(pg_url):
    ensure_schema(pg_url)
    assert _in_a_loop_of_its_own(_queue_while_one_runs(pg_url)) == 1
    locks = [(job.lock, job.status) for job in queue_jobs(pg_url)]
    assert locks == [(LOCK, "doing"), (job_lock("lean", "receive-inventory"), "todo")]


def test_the_schema_is_made_once_and_kept(pg_url):
    ensure_schema(pg_url)
    ensure_schema(pg_url)  # a second worker starting: nothing to do, no error
    assert queue_jobs(pg_url) == []
