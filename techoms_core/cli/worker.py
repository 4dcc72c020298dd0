"""``techoms worker``: run recurring jobs on PostgreSQL, as one of many workers."""

from __future__ import annotations

import click

from techoms_core.cli.app import CliState, CommandFailed, pass_state
from techoms_core.store.paths import default_db_target

EXTRA_HINT = "pip install 'techoms-channels[workers]'"
TICK_CHOICES = ["1", "2", "3", "4", "5", "6", "10", "12", "15", "20", "30"]


@click.command("worker")
@click.option(
    "--concurrency",
    type=click.IntRange(1, 64),
    default=4,
    show_default=True,
    help="Jobs this worker runs at once (the dispatcher shares them).",
)
@click.option(
    "--tick",
    type=click.Choice(TICK_CHOICES),
    default="5",
    show_default=True,
    help="Seconds between looks for due jobs.",
)
@click.option(
    "--heartbeat",
    type=click.FloatRange(0.1, 600),
    default=5.0,
    show_default=True,
    help="Seconds between this worker's heartbeats.",
)
@click.option(
    "--stalled-after",
    type=click.FloatRange(0.2, 3600),
    default=20.0,
    show_default=True,
    help="Seconds without a heartbeat after which a worker's jobs are run again elsewhere.",
)
@pass_state
def worker(
    state: CliState, concurrency: int, tick: str, heartbeat: float, stalled_after: float
) -> None:
    """Run the jobs set with ``techoms jobs set``, on PostgreSQL, until SIGTERM.

    Start as many workers as you like, on as many machines, all on one
    PostgreSQL database (``--db postgresql+psycopg://...`` or TECHOMS_DB): a
    job due is run by one of them, and never twice at once. The queue is kept
    by Procrastinate in the same database (its tables are created on first
    start). A worker killed mid-run is noticed after ``--stalled-after``
    seconds without its heartbeat, and its job runs again on another worker;
    the run resumes where the killed one left (nothing sent twice).

    SIGTERM or Ctrl-C: no new job is taken, the runs in progress stop after
    their current batch or page, and the worker exits 0. On a SQLite file use
    ``techoms jobs run`` instead.
    """
    try:
        from techoms_core.taskqueue.app import NotPostgres
        from techoms_core.taskqueue.tasks import WorkerSettings
        from techoms_core.taskqueue.worker import run_worker
    except ImportError as missing:
        raise CommandFailed(f"workers need their extra ({missing.name}): {EXTRA_HINT}") from None
    target = str(state.db or default_db_target())
    try:
        settings = WorkerSettings(tick=int(tick), heartbeat=heartbeat, stalled_after=stalled_after)
    except ValueError as invalid:
        raise click.BadParameter(str(invalid), param_hint="--stalled-after") from None
    out = state.out

    def ready() -> None:
        out.out.print(
            f"Worker running up to {concurrency} job(s) at once; stop with SIGTERM or Ctrl-C.",
            markup=False,
        )
        out.out.file.flush()

    try:
        run_worker(
            target,
            state.registry,
            concurrency=concurrency,
            settings=settings,
            on_ready=ready,
        )
    except NotPostgres as refused:
        raise CommandFailed(str(refused)) from None
    out.out.print("Stopped cleanly.")


def register(group: click.Group) -> None:
    group.add_command(worker)
