"""Recurring jobs (spec §7): run a channel's sync options on a period.

A job is (channel, option, period), the period one of ``none`` (off), ``5m``,
``15m``, ``30m``, ``1h``, ``4h``, ``12h`` and ``24h``. Only an option in the
channel's *current* Sync menu can have a job, so product jobs follow the
Master Product Source: a job whose option has left the menu is not run, and
its ``last_message`` says why.

The schedule is a due-time table kept by the host: each job has a
``next_due_at``. :func:`run_due` runs what is due once (``techoms jobs run
--once``, cron-friendly); :func:`run_forever` does that, then sleeps on a
``threading.Event`` until the next due time (no busy loop) and returns as soon
as the Event is set (the CLI sets it on SIGTERM; the run in progress finishes
its batch or page first). Each channel's jobs run in a lane of their own
(:mod:`techoms_core.lanes`): one after another within the channel, side by
side across channels, so one stuck channel never delays another's due job.
A job never overlaps itself: each run takes the run lock of (channel,
option), and every run is in the run log with its counts.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Mapping
from collections.abc import Set as AbstractSet
from typing import TYPE_CHECKING, Any

from attrs import frozen

from techoms_core.channel_changes import JobChange
from techoms_core.host import ChannelsRole, Host, Job, JobPeriod, JobsRole, UnknownChannel
from techoms_core.lanes import ChannelLanes
from techoms_core.menu import sync_menu
from techoms_core.options import option_named
from techoms_core.runner import run_option
from techoms_core.runs import RunRefused, RunSummary

if TYPE_CHECKING:
    from techoms_core.registry import Registry

__all__ = [
    "NOT_RUN",
    "JobOutcome",
    "JobPeriod",
    "JobRefused",
    "JobState",
    "due_jobs",
    "job_changes",
    "job_states",
    "next_due_after",
    "run_due",
    "run_forever",
    "run_job_if_due",
    "set_job",
]

#: ``last_status`` of a job that was due but could not run (its option left the menu).
NOT_RUN = "not run"
#: Longest sleep of :func:`run_forever`, so jobs set meanwhile by another process start.
RECHECK_SECONDS = 60.0
#: Longest wait of :func:`run_forever` while a channel's lane is busy, so a
#: lane that finishes has its next due job started soon after.
LANE_RECHECK = 1.0

log = logging.getLogger("techoms.jobs")


class JobRefused(ValueError):
    """A job that cannot be set: unknown channel, or option not in its menu."""


@frozen(kw_only=True)
class JobState:
    """A job and whether it can run now (its option is in the channel's menu)."""

    job: Job
    runnable: bool
    reason: str | None = None


@frozen(kw_only=True)
class JobOutcome:
    """What happened to one due job: ``status`` is a run status
    (``completed``, ``stopped``, ``failed``, ``refused``) or :data:`NOT_RUN`."""

    channel: str
    option: str
    status: str
    message: str | None = None
    summary: RunSummary | None = None
    next_due_at: dt.datetime | None = None


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def set_job(
    host: Host,
    registry: Registry,
    channel: str,
    option: str,
    period: JobPeriod | str,
    *,
    now: dt.datetime | None = None,
) -> Job:
    """Set the period of a channel's job; a job that is not off is due at once.

    :raises JobRefused: the channel is unknown, the period is not one of
        :class:`JobPeriod`, or the option is not in the channel's Sync menu.
    """
    try:
        chosen = period if isinstance(period, JobPeriod) else JobPeriod.parse(period)
        key = option_named(option).key
        host.channel(channel)
    except (ValueError, KeyError, UnknownChannel) as exc:
        raise JobRefused(str(exc).strip("'\"")) from None
    if chosen is not JobPeriod.NONE:
        reason = _not_in_menu(host, registry, channel, key)
        if reason:
            raise JobRefused(f"no job for {key} on {channel!r}: {reason}")
    due = None if chosen is JobPeriod.NONE else (now or _utc_now())
    return host.set_job(channel, key, chosen, next_due_at=due)


def job_changes(
    host: Host,
    registry: Registry,
    channel: str,
    periods: Mapping[str, str],
    *,
    now: dt.datetime | None = None,
) -> tuple[dict[str, JobChange], list[str]]:
    """What setting ``periods`` (option key -> period) on ``channel`` would
    change, for the host's ``save_channel``: a :class:`JobChange` for each
    option whose period differs from its job's (due at once unless off), and
    every problem (a period not among :class:`JobPeriod`, an option not in the
    channel's Sync menu). Nothing is written."""
    config = host.channel(channel)
    menu = {
        option.key
        for option in sync_menu(registry.get(config.plugin), channel, host.master_product_source())
    }
    current = {job.option: job.period.value for job in host.jobs(channel)}
    changes: dict[str, JobChange] = {}
    problems: list[str] = []
    for option, period in periods.items():
        if period not in {p.value for p in JobPeriod}:
            listed = ", ".join(p.value for p in JobPeriod)
            problems.append(f"Recurring job {option}: {period!r} is not one of {listed}")
        elif option not in menu and period != JobPeriod.NONE.value:
            problems.append(f"Recurring job {option}: not in this channel's Sync menu")
        elif current.get(option, JobPeriod.NONE.value) != period:
            due = None if period == JobPeriod.NONE.value else (now or _utc_now())
            changes[option] = JobChange(period=period, next_due_at=due)
    return changes, problems


def job_states(host: Host, registry: Registry) -> list[JobState]:
    """Every job, with whether its option is in the channel's menu right now."""
    states = []
    for job in host.jobs():
        reason = _not_in_menu(host, registry, job.channel, job.option)
        states.append(JobState(job=job, runnable=reason is None, reason=reason))
    return states


def due_jobs(host: JobsRole, now: dt.datetime) -> list[Job]:
    """Jobs that are on and due at ``now``, the longest overdue first."""
    due = [job for job in host.jobs() if _is_due(job, now)]
    return sorted(due, key=lambda job: (job.next_due_at, job.channel, job.option))


def _is_due(job: Job, now: dt.datetime) -> bool:
    return (
        job.period is not JobPeriod.NONE
        and job.next_due_at is not None
        and (job.next_due_at <= now)
    )


def next_due_after(job: Job, now: dt.datetime) -> dt.datetime | None:
    """The first due time after ``now`` on the job's cadence (runs missed while
    nothing ran are not made up)."""
    interval = job.period.interval
    if interval is None:
        return None
    base = job.next_due_at or now
    if base > now:
        return base
    return base + interval * ((now - base) // interval + 1)


def run_due(
    host: Host,
    registry: Registry,
    *,
    now: dt.datetime | None = None,
    stop: threading.Event | None = None,
    environ: Mapping[str, str] | None = None,
) -> list[JobOutcome]:
    """Run every job due at ``now`` once: each channel's jobs one after another,
    the channels side by side (:mod:`techoms_core.lanes`), so a stuck channel
    delays no other. No job starts once ``stop`` is set. Returns what happened
    to each, in due order."""
    now = now or _utc_now()
    stop = stop or threading.Event()
    due = due_jobs(host, now)
    outcomes: list[JobOutcome] = []
    lanes = _lanes(host, registry, stop, environ, outcomes.append)
    for channel, jobs in _by_channel(due).items():
        lanes.start(channel, [(job, now) for job in jobs])
    lanes.wait_all()
    order = {(job.channel, job.option): n for n, job in enumerate(due)}
    return sorted(outcomes, key=lambda outcome: order[(outcome.channel, outcome.option)])


def _lanes(host, registry, stop, environ, on_outcome) -> ChannelLanes:
    def work(item: tuple[Job, dt.datetime]) -> JobOutcome:
        job, now = item
        return _run_job(host, registry, job, now, stop, environ)

    return ChannelLanes(work, on_outcome, stop)


def _by_channel(jobs: list[Job]) -> dict[str, list[Job]]:
    grouped: dict[str, list[Job]] = {}
    for job in jobs:
        grouped.setdefault(job.channel, []).append(job)
    return grouped


def run_job_if_due(
    host: Host,
    registry: Registry,
    channel: str,
    option: str,
    *,
    now: dt.datetime | None = None,
    stop: threading.Event | None = None,
    environ: Mapping[str, str] | None = None,
    wait_for_lock: bool = False,
) -> JobOutcome | None:
    """Run the job (``channel``, ``option``) once if it is on and due at ``now``;
    ``None`` when it is not (switched off, or already run since it was queued:
    a worker's queued job never runs a job twice for one due time).

    :param wait_for_lock: when another holder has the run lock, record nothing
        and raise the :class:`RunRefused` (its ``locked_until`` says when the
        lock expires), so the job stays due and can be tried again then; by
        default the refusal is recorded and the job waits for its next due time.
    """
    now = now or _utc_now()
    try:
        jobs = host.jobs(channel)
    except UnknownChannel:
        return None  # deleted since the job was queued
    found = [job for job in jobs if job.option == option and _is_due(job, now)]
    if not found:
        return None
    return _run_job(
        host, registry, found[0], now, stop or threading.Event(), environ, wait_for_lock
    )


def _run_job(host, registry, job: Job, now, stop, environ, wait_for_lock=False) -> JobOutcome:
    following = next_due_after(job, now)
    reason = _not_in_menu(host, registry, job.channel, job.option)
    if reason:
        return _record(host, job, now, following, NOT_RUN, f"not run: {reason}")
    try:
        summary = run_option(host, registry, job.channel, job.option, stop=stop, environ=environ)
    except RunRefused as refused:
        if wait_for_lock and refused.locked_until is not None:
            raise
        return _record(host, job, now, following, "refused", str(refused), run_id=refused.run_id)
    except Exception as exc:  # one broken job must not stop the others
        log.exception("job %s %s failed", job.channel, job.option)
        return _record(host, job, now, following, "failed", f"{type(exc).__name__}: {exc}")
    counts = ", ".join(f"{count} {status}" for status, count in summary.counts.items())
    message = summary.message or counts
    return _record(
        host,
        job,
        now,
        following,
        summary.status.value,
        message,
        summary=summary,
        run_id=summary.run_id,
    )


def _record(host, job, now, following, status, message, *, summary=None, run_id=None):
    host.record_job_run(
        job.channel,
        job.option,
        ran_at=now,
        next_due_at=following,
        status=status,
        message=message,
        run_id=run_id,
    )
    return JobOutcome(
        channel=job.channel,
        option=job.option,
        status=status,
        message=message,
        summary=summary,
        next_due_at=following,
    )


def run_forever(
    host: Host,
    registry: Registry,
    stop: threading.Event,
    *,
    clock: Callable[[], dt.datetime] = _utc_now,
    environ: Mapping[str, str] | None = None,
    on_outcome: Callable[[JobOutcome], None] | None = None,
    recheck: float = RECHECK_SECONDS,
    wait: Callable[[float], Any] | None = None,
) -> None:
    """Run due jobs until ``stop`` is set, sleeping on it in between.

    :param on_outcome: told about each job run (the CLI prints a line).
    :param recheck: the longest sleep, so jobs set meanwhile are picked up.
    :param wait: how to sleep (``stop.wait`` by default; tests inject one).
    """
    sleep = wait or stop.wait
    lanes = _lanes(host, registry, stop, environ, on_outcome or (lambda outcome: None))
    while not stop.is_set():
        now = clock()
        busy = lanes.busy()
        for channel, jobs in _by_channel(due_jobs(host, now)).items():
            if channel not in busy:
                lanes.start(channel, [(job, now) for job in jobs])
        busy = lanes.busy()
        if busy:
            # A busy channel's jobs stay due until its lane records them.
            lanes.wait_any(min(LANE_RECHECK, _seconds_to_next(host, clock(), recheck, busy)))
        elif not stop.is_set():
            sleep(_seconds_to_next(host, clock(), recheck))
    lanes.wait_all()


def _seconds_to_next(
    host: JobsRole, now: dt.datetime, recheck: float, busy: AbstractSet[str] = frozenset()
) -> float:
    upcoming = [
        job.next_due_at
        for job in host.jobs()
        if job.period is not JobPeriod.NONE
        and job.next_due_at is not None
        and job.channel not in busy
    ]
    if not upcoming:
        return recheck
    return max(0.0, min(recheck, (min(upcoming) - now).total_seconds()))


def _not_in_menu(host: ChannelsRole, registry: Registry, channel: str, option: str) -> str | None:
    """Why ``option`` cannot run for ``channel`` now, or ``None`` when it can."""
    try:
        config = host.channel(channel)
        plugin = registry.get(config.plugin)
    except LookupError as exc:
        return str(exc).strip("'\"")
    if not config.enabled:
        return f"channel {channel!r} is disabled"
    menu = [item.key for item in sync_menu(plugin, channel, host.master_product_source())]
    if option in menu:
        return None
    label = option_named(option).label
    if not plugin.implements(option_named(option).hook):
        return f"{label} is not supported by {plugin.declaration.display_name}"
    return (
        f"{label} is not in the Sync menu of {channel!r} while the Master Product Source "
        f"is {host.master_product_source()!r}"
    )
