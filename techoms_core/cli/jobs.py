"""``techoms jobs``: recurring syncs per channel and option (spec §7).

The schedule itself is :mod:`techoms_core.jobs`; this module sets jobs, lists
them and runs them, stopping cleanly on SIGTERM or Ctrl-C.
"""

from __future__ import annotations

import datetime as dt

import click
from rich.table import Table
from rich.text import Text

from techoms_core import jobs as schedule
from techoms_core.cli.app import CliState, CommandFailed, pass_state
from techoms_core.cli.output import plain
from techoms_core.cli.sync import known_option, stop_on_signals
from techoms_core.host import JobPeriod

PERIODS = [period.value for period in JobPeriod]
GOOD_ENDINGS = ("completed", "stopped")


@click.group("jobs")
def jobs_group() -> None:
    """Recurring syncs: a period per channel and option.

    \b
      techoms jobs set NAME OPTION PERIOD   PERIOD: none (off), 5m, 15m, 30m, 1h, 4h, 12h, 24h
      techoms jobs list
      techoms jobs run [--once]
    """


@jobs_group.command("set")
@click.argument("name")
@click.argument("option", callback=known_option)
@click.argument("period", type=click.Choice(PERIODS, case_sensitive=False))
@pass_state
def jobs_set(state: CliState, name: str, option: str, period: str) -> None:
    """Run OPTION of channel NAME every PERIOD (``none`` switches it off).

    Only options in the channel's Sync menu can have a job (``techoms menu
    NAME``), so product jobs follow the Master Product Source. A job that is
    switched on is due at once.
    """
    try:
        job = schedule.set_job(state.host, state.registry, name, option, period)
    except schedule.JobRefused as refused:
        raise CommandFailed(str(refused)) from None
    if job.period is JobPeriod.NONE:
        state.out.out.print(f"{name} {job.option}: off")
    else:
        state.out.out.print(
            f"{name} {job.option}: every {job.period.value}, next due {_when(job.next_due_at)}"
        )


@jobs_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@pass_state
def jobs_list(state: CliState, as_json: bool) -> None:
    """List the jobs: period, next due time, last run and whether each can run."""
    states = schedule.job_states(state.host, state.registry)
    if as_json:
        state.out.json(
            [
                {
                    "channel": s.job.channel,
                    "option": s.job.option,
                    "period": s.job.period.value,
                    "next_due_at": s.job.next_due_at,
                    "last_run_at": s.job.last_run_at,
                    "last_status": s.job.last_status,
                    "last_message": s.job.last_message,
                    "last_run_id": s.job.last_run_id,
                    "runnable": s.runnable,
                    "reason": s.reason,
                }
                for s in states
            ]
        )
        return
    if not states:
        state.out.out.print("No jobs. Set one: techoms jobs set NAME OPTION PERIOD")
        return
    table = Table("Channel", "Option", "Every", "Next due (UTC)", "Last run", "Last result")
    for item in states:
        job = item.job
        last = f"{job.last_status or '-'}: {job.last_message}" if job.last_message else "-"
        if not item.runnable:
            last = f"cannot run: {item.reason}"
        table.add_row(
            plain(job.channel),
            plain(job.option),
            job.period.value,
            _when(job.next_due_at) if job.period is not JobPeriod.NONE else "off",
            _when(job.last_run_at),
            Text(last, style="" if item.runnable else "yellow"),
        )
    state.out.out.print(table)


@jobs_group.command("run")
@click.option("--once", is_flag=True, help="Run what is due now, then exit (for cron).")
@pass_state
def jobs_run(state: CliState, once: bool) -> None:
    """Run due jobs until stopped (SIGTERM or Ctrl-C), or once with ``--once``.

    Jobs run one after another; a job never overlaps itself, even across
    processes. On SIGTERM the run in progress finishes its current batch or
    page, and the command exits with status 0. With ``--once`` the exit
    status is 1 when a job that ran failed or was refused.
    """
    out = state.out
    with stop_on_signals(state.environ) as stop:
        if once:
            outcomes = schedule.run_due(
                state.host, state.registry, stop=stop, environ=state.environ
            )
            for outcome in outcomes:
                _print_outcome(state, outcome)
            if not outcomes:
                out.out.print("No job is due.")
            if any(o.status not in GOOD_ENDINGS for o in outcomes):
                raise click.exceptions.Exit(1)
            return
        out.out.print("Running due jobs until stopped (SIGTERM or Ctrl-C).")
        out.out.file.flush()
        schedule.run_forever(
            state.host,
            state.registry,
            stop,
            environ=state.environ,
            on_outcome=lambda outcome: _print_outcome(state, outcome),
        )
    out.out.print("Stopped cleanly.")


def _print_outcome(state: CliState, outcome: schedule.JobOutcome) -> None:
    style = "green" if outcome.status in GOOD_ENDINGS else "red"
    line = Text.assemble(
        f"{_when(dt.datetime.now(dt.UTC))} {outcome.channel} {outcome.option}: ",
        (outcome.status, style),
        f" ({outcome.message or ''}); next due {_when(outcome.next_due_at)}",
    )
    state.out.out.print(line)
    state.out.out.file.flush()


def _when(moment: dt.datetime | None) -> str:
    return "-" if moment is None else moment.strftime("%Y-%m-%d %H:%M:%S")


def register(group: click.Group) -> None:
    group.add_command(jobs_group)
