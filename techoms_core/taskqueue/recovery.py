"""Jobs left ``doing`` by a worker that stopped sending heartbeats."""

from __future__ import annotations

import logging

import procrastinate
from procrastinate.exceptions import AlreadyEnqueued, ConnectorException
from procrastinate.jobs import Status

log = logging.getLogger("techoms.worker")


async def recover_stalled_jobs(app: procrastinate.App, *, stalled_after: float) -> list[int]:
    """Queue again each job whose worker sent no heartbeat for ``stalled_after``
    seconds; returns their ids.

    A retry puts the job back to ``todo``, where its queueing lock must be
    free: when a newer job of the same (channel, option) already waits there,
    the retry would collide with it, so the stalled job is marked ``failed``
    instead and the newer one does the work. Either way it leaves ``doing``.
    """
    recovered = []
    for job in await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=stalled_after):
        try:
            await app.job_manager.retry_job(job)
            log.warning("job %s (%s) of a silent worker queued again", job.id, job.call_string)
        except (AlreadyEnqueued, ConnectorException) as exc:
            if not _queueing_lock_taken(exc):
                log.warning("job %s of a silent worker not recovered: %s", job.id, exc)
                continue
            await app.job_manager.finish_job(job, status=Status.FAILED, delete_job=False)
            log.warning(
                "job %s (%s) of a silent worker failed: a newer one waits with its lock",
                job.id,
                job.call_string,
            )
        recovered.append(job.id)
    return recovered


def _queueing_lock_taken(exc: Exception) -> bool:
    if isinstance(exc, AlreadyEnqueued):
        return True
    return "queueing_lock" in (getattr(exc, "constraint_name", None) or "")
