"""The dispatcher and the job task, registered on a worker's Procrastinate app."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import threading

import procrastinate
from attrs import frozen
from procrastinate.exceptions import AlreadyEnqueued

from techoms_core import jobs as schedule
from techoms_core.host import Host
from techoms_core.taskqueue.recovery import recover_stalled_jobs

log = logging.getLogger("techoms.worker")

RUN_JOB = "techoms.run_job"
DISPATCH = "techoms.dispatch"
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

    @app.task(name=RUN_JOB, pass_context=True)
    def run_job(context: procrastinate.JobContext, channel: str, option: str) -> str:
        shared = context.additional_context
        host: Host = shared["host"]
        stop: threading.Event = shared["stop"]
        outcome = schedule.run_job_if_due(host, shared["registry"], channel, option, stop=stop)
        if outcome is None:
            return "not due"
        log.info("%s %s: %s %s", channel, option, outcome.status, outcome.message or "")
        return outcome.status

    @app.periodic(cron=f"* * * * * */{settings.tick}", periodic_id="dispatch")
    @app.task(name=DISPATCH, pass_context=True)
    async def dispatch(context: procrastinate.JobContext, timestamp: int) -> int:
        shared = context.additional_context
        await recover_stalled_jobs(app, stalled_after=settings.stalled_after)
        now = dt.datetime.now(dt.UTC)
        due = await asyncio.to_thread(schedule.due_jobs, shared["host"], now)
        queued = 0
        for job in due:
            lock = job_lock(job.channel, job.option)
            try:
                await run_job.configure(lock=lock, queueing_lock=lock).defer_async(
                    channel=job.channel, option=job.option
                )
                queued += 1
            except AlreadyEnqueued:
                pass  # one already waits for this (channel, option)
        return queued


__all__ = ["DISPATCH", "RUN_JOB", "TICKS", "WorkerSettings", "job_lock", "register_tasks"]
