"""Jobs left ``doing`` by a worker that stopped sending heartbeats."""

from __future__ import annotations

import logging

import procrastinate
from procrastinate.exceptions import AlreadyEnqueued, ConnectorException
from procrastinate.jobs import Job, Status

log = logging.getLogger("techoms.worker")

#: The priority of a job queued again after its worker fell silent: it goes
#: before the jobs queued since (Procrastinate runs higher priorities first).
RECOVERED_PRIORITY = 10
#: Tries at putting a stalled job back before it gives way to a newer one.
REQUEUE_TRIES = 3


async def recover_stalled_jobs(
    app: procrastinate.App, *, stalled_after: float, dispatcher: Job | None = None
) -> list[int]:
    """Take back each job whose worker sent no heartbeat for ``stalled_after``
    seconds; returns their ids. Each leaves ``doing``.

    ``dispatcher`` is the dispatcher job calling: while an older dispatcher job
    of a live worker runs too, that one takes the jobs back and this one leaves
    them (two at it could queue a job again after a worker took it back up).

    A stalled job is queued again ahead of the waiting ones
    (:data:`RECOVERED_PRIORITY`). Back in ``todo`` it needs its queueing lock,
    which a newer job of the same (channel, option) may hold already: that
    newer job is cancelled, since the stalled one does its work. Should newer
    ones keep appearing, the stalled job is marked ``failed`` instead and the
    newest one does the work.
    """
    stalled = list(await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=stalled_after))
    if not stalled or (dispatcher and await _older_dispatcher_runs(app, dispatcher, stalled)):
        return []
    recovered = []
    for job in stalled:
        if await _take_back(app, job):
            recovered.append(job.id)
    return recovered


async def _older_dispatcher_runs(app: procrastinate.App, me: Job, stalled: list[Job]) -> bool:
    """Whether a dispatcher job older than ``me`` runs on a live worker."""
    dead = {job.id for job in stalled}
    running = await app.job_manager.list_jobs_async(task=me.task_name, status="doing")
    return any(job.id < me.id and job.id not in dead for job in running)


async def _take_back(app: procrastinate.App, job: Job) -> bool:
    for _ in range(REQUEUE_TRIES):
        try:
            await app.job_manager.retry_job(job, priority=RECOVERED_PRIORITY)
        except (AlreadyEnqueued, ConnectorException) as exc:
            if not _queueing_lock_taken(exc):
                log.warning("job %s of a silent worker not recovered: %s", job.id, exc)
                return False
            await _cancel_waiting(app, job)
            continue
        log.warning("job %s (%s) of a silent worker queued again", job.id, job.call_string)
        return True
    try:
        await app.job_manager.finish_job(job, status=Status.FAILED, delete_job=False)
    except ConnectorException as exc:  # left doing meanwhile: taken back by another dispatcher
        log.warning("job %s of a silent worker not recovered: %s", job.id, exc)
        return False
    log.warning(
        "job %s (%s) of a silent worker failed: a newer one waits with its lock",
        job.id,
        job.call_string,
    )
    return True


async def _cancel_waiting(app: procrastinate.App, job: Job) -> None:
    """Cancel the jobs waiting with ``job``'s queueing lock."""
    waiting = await app.job_manager.list_jobs_async(queueing_lock=job.queueing_lock, status="todo")
    for newer in waiting:
        if await app.job_manager.cancel_job_by_id_async(newer.id):
            log.info("job %s cancelled: the stalled job %s does its work", newer.id, job.id)


def _queueing_lock_taken(exc: Exception) -> bool:
    if isinstance(exc, AlreadyEnqueued):
        return True
    return "queueing_lock" in (getattr(exc, "constraint_name", None) or "")
