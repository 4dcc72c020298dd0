"""The dispatcher and the job task, registered on a worker's Procrastinate app."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import threading
from collections.abc import Iterable

import procrastinate
from attrs import frozen
from procrastinate.exceptions import AlreadyEnqueued
from procrastinate.jobs import Job as QueuedJob
from procrastinate.retry import BaseRetryStrategy, RetryDecision

from techoms_core import jobs as schedule
from techoms_core.host import Host, Job
from techoms_core.runs import RunRefused
from techoms_core.taskqueue.recovery import recover_stalled_jobs

log = logging.getLogger("techoms.worker")

RUN_JOB = "techoms.run_job"
DISPATCH = "techoms.dispatch"
#: The dispatcher's priority: it goes before the waiting runs (Procrastinate
#: runs higher priorities first), so a backlog never delays the recovery of a
#: silent worker's jobs, which the dispatcher does.
DISPATCH_PRIORITY = 20
#: The longest wait before a job refused for its run lock is tried again.
LOCK_RECHECK = dt.timedelta(seconds=30)
#: The seconds between dispatcher ticks that ``--tick`` accepts (a cron seconds step).
TICKS = (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30)


@frozen(kw_only=True)
class WorkerSettings:
    """How a worker dispatches and when a silent worker's jobs are taken back.

    :param tick: seconds between dispatcher runs (one of :data:`TICKS`).
    :param heartbeat: seconds between a worker's heartbeats.
    :param stalled_after: seconds without a heartbeat after which a worker is
        taken for dead and its jobs are queued again (a few heartbeats).
    """

    tick: int = 5
    heartbeat: float = 5.0
    stalled_after: float = 20.0

    def __attrs_post_init__(self) -> None:
        if self.tick not in TICKS:
            raise ValueError(f"tick {self.tick}: one of {', '.join(map(str, TICKS))} seconds")
        if self.stalled_after < 2 * self.heartbeat:
            raise ValueError("stalled_after must be at least two heartbeats")


def job_lock(channel: str, option: str) -> str:
    """The Procrastinate lock and queueing lock of one (channel, option)."""
    return f"techoms:{channel}:{option}"


def register_tasks(app: procrastinate.App, settings: WorkerSettings) -> None:
    """Register the job task and the periodic dispatcher on ``app``. The
    worker's host, registry and stop Event reach them through the worker's
    ``additional_context`` (:func:`techoms_core.taskqueue.worker.run_worker`)."""

    @app.task(name=RUN_JOB, pass_context=True, retry=UntilTheRunLockFrees())
    def run_job(context: procrastinate.JobContext, channel: str, option: str) -> str:
        shared = context.additional_context
        host: Host = shared["host"]
        stop: threading.Event = shared["stop"]
        outcome = schedule.run_job_if_due(
            host, shared["registry"], channel, option, stop=stop, wait_for_lock=True
        )
        if outcome is None:
            return "not due"
        log.info("%s %s: %s %s", channel, option, outcome.status, outcome.message or "")
        return outcome.status

    @app.periodic(cron=f"* * * * * */{settings.tick}", periodic_id="dispatch")
    @app.task(name=DISPATCH, pass_context=True, priority=DISPATCH_PRIORITY, queueing_lock=DISPATCH)
    async def dispatch(context: procrastinate.JobContext, timestamp: int) -> int:
        await recover_stalled_jobs(
            app, stalled_after=settings.stalled_after, dispatcher=context.job
        )
        now = dt.datetime.now(dt.UTC)
        due = await asyncio.to_thread(schedule.due_jobs, context.additional_context["host"], now)
        return await queue_due_jobs(app, due)


async def queue_due_jobs(app: procrastinate.App, due: Iterable[Job]) -> int:
    """Queue one ``techoms.run_job`` for each due (channel, option) that has no
    job waiting (its queueing lock) or running; returns how many were queued.

    A running job stays due until its run is recorded; queueing another behind
    it would only find it no longer due. The waiting ones are read first too:
    with many channels, trying to queue each of them again every tick would
    cost a refused insert apiece.
    """
    busy = set()
    for status in ("todo", "doing"):
        busy |= {
            job.lock for job in await app.job_manager.list_jobs_async(task=RUN_JOB, status=status)
        }
    queued = 0
    for job in due:
        lock = job_lock(job.channel, job.option)
        if lock in busy:
            continue
        try:
            await (
                app.tasks[RUN_JOB]
                .configure(lock=lock, queueing_lock=lock)
                .defer_async(channel=job.channel, option=job.option)
            )
            queued += 1
        except AlreadyEnqueued:
            pass  # one already waits for this (channel, option)
    return queued


class UntilTheRunLockFrees(BaseRetryStrategy):
    """Try a job again when its run was refused because another holder has
    the run lock: a run started by hand, or the lock of a worker that died on
    another machine, which expires :data:`~techoms_core.run_lock.LOCK_TTL`
    after its last renewal. Tried again when the lock expires, and at least
    every :data:`LOCK_RECHECK` (a run by hand may end sooner). Nothing else is
    tried again: the job's run records any other failure.
    """

    def get_retry_decision(
        self, *, exception: BaseException, job: QueuedJob
    ) -> RetryDecision | None:
        if not isinstance(exception, RunRefused) or exception.locked_until is None:
            return None
        now = dt.datetime.now(dt.UTC)
        return RetryDecision(retry_at=min(max(exception.locked_until, now), now + LOCK_RECHECK))


__all__ = [
    "DISPATCH",
    "RUN_JOB",
    "TICKS",
    "UntilTheRunLockFrees",
    "WorkerSettings",
    "job_lock",
    "queue_due_jobs",
    "register_tasks",
]
