"""``techoms sync NAME OPTION``: run one sync option of one channel now.

The CLI hands the run to :func:`techoms_core.runner.run_option`, which reads
from the host, calls the plugin in batches and records one result per record;
this module only shows its progress and its summary.
"""

from __future__ import annotations

import math
import signal
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, NoReturn

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from techoms_core.cli.app import CliState, CommandFailed, pass_state
from techoms_core.cli.output import plain
from techoms_core.cli.progress import ProgressBar
from techoms_core.cli.tables import fitted
from techoms_core.http.abort import abort_all
from techoms_core.message_groups import MessageGroup, group_messages
from techoms_core.models import Status
from techoms_core.options import UnknownOption, option_named
from techoms_core.runner import RunRefused, RunSummary, run_option

STATUS_STYLE = {"ok": "green", "skipped": "cyan", "warning": "yellow", "failed": "red"}
#: Runs with more records than this list only the records that were not ``ok``, grouped.
LIST_ALL_UP_TO = 25
#: At most this many groups of identical messages are printed (``--all`` lists every record).
MAX_GROUPS = 20


#: Seconds a run has, after the first SIGTERM or SIGINT, to finish its batch or
#: page before it is interrupted where it stands.
GRACE_SECONDS = 5.0
#: Sets the grace period in seconds instead, e.g. to fit a supervisor's stop timeout.
GRACE_ENV_VAR = "TECHOMS_STOP_GRACE"


def stop_grace(environ: Mapping[str, str]) -> float:
    """The grace period: ``$TECHOMS_STOP_GRACE`` seconds if set, else 5."""
    given = environ.get(GRACE_ENV_VAR, "").strip()
    if not given:
        return GRACE_SECONDS
    try:
        seconds = float(given)
    except ValueError:
        seconds = math.nan
    if not (math.isfinite(seconds) and 0 < seconds <= 3600):
        raise CommandFailed(
            f"{GRACE_ENV_VAR} must be a number of seconds above 0 and at most 3600, not {given!r}"
        )
    return seconds


class Interrupted(KeyboardInterrupt):
    """A second signal, or the grace period over: the run stops where it stands."""


@contextmanager
def stop_on_signals(environ: Mapping[str, str]) -> Iterator[threading.Event]:
    """An Event set by SIGTERM or SIGINT: the runner then finishes its current
    batch or page and returns, instead of dying mid-batch.

    A run waiting on a stuck WMS would never get there, so a second signal,
    or the grace period (:func:`stop_grace` of ``environ``) without the run
    returning, aborts every request on the wire
    (:func:`~techoms_core.http.abort.abort_all`) and raises
    :class:`Interrupted` where the main thread stands: the run is logged
    ``interrupted`` and the command exits with status 130.
    """
    grace = stop_grace(environ)
    stop = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return
    watched = (signal.SIGTERM, signal.SIGINT, signal.SIGALRM)
    previous = {sig: signal.getsignal(sig) for sig in watched}

    def interrupt() -> NoReturn:
        signal.setitimer(signal.ITIMER_REAL, 0)
        abort_all()
        raise Interrupted()

    def request_stop(signum: int, frame: Any) -> None:
        if signum == signal.SIGALRM or stop.is_set():
            interrupt()
        stop.set()
        signal.setitimer(signal.ITIMER_REAL, grace)

    for sig in watched:
        signal.signal(sig, request_stop)
    try:
        yield stop
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def run_with_progress(
    state: CliState, channel: str, option: str, *, dry_run: bool, show_progress: bool
) -> RunSummary:
    """Run ``option`` for ``channel`` through the runner, with a progress bar
    on stderr (unless ``show_progress`` is false) and stop-on-signal."""
    bar = ProgressBar(state.out.err) if show_progress else None
    try:
        with stop_on_signals(state.environ) as stop:
            return run_option(
                state.host,
                state.registry,
                channel,
                option,
                dry_run=dry_run,
                progress=bar,
                stop=stop,
                environ=state.environ,
            )
    finally:
        if bar is not None:
            bar.stop()


def known_option(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """An unknown sync option is a usage error (exit 2), named with the choices."""
    try:
        return option_named(value).key
    except UnknownOption as unknown:
        raise click.BadParameter(str(unknown), ctx=ctx, param=param) from None


@click.command("sync")
@click.argument("name")
@click.argument("option", callback=known_option)
@click.option("--dry-run", is_flag=True, help="Show what would be sent or applied; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON object.")
@click.option("--all", "list_all", is_flag=True, help="List every record, ok ones included.")
@pass_state
def sync(
    state: CliState, name: str, option: str, dry_run: bool, as_json: bool, list_all: bool
) -> None:
    """Run sync OPTION of channel NAME now.

    For example: techoms sync east send-shipments. OPTION is one of the
    channel's Sync menu (techoms menu NAME). Every record ends ok, skipped,
    warning or failed, with the reason; one bad record never stops the
    others. A progress bar runs on stderr, then a summary by status. Ctrl-C or
    SIGTERM finishes the current batch and stops.

    Exit status 1 when the run could not start or stopped early, or when any
    record failed.
    """
    state.channel(name)
    try:
        summary = run_with_progress(state, name, option, dry_run=dry_run, show_progress=not as_json)
    except RunRefused as refused:
        raise CommandFailed(str(refused)) from None
    if as_json:
        state.out.json(summary_json(summary))
    else:
        print_summary(state, summary, list_all=list_all)
    if not summary.succeeded:
        raise click.exceptions.Exit(1)


def summary_json(summary: RunSummary) -> dict[str, Any]:
    """The ``--json`` object of spec §9: channel, option, counts, records."""
    document = dict(summary.as_json())
    document.setdefault("channel", summary.channel)
    document.setdefault("option", summary.option)
    document["counts"] = {status.value: summary.counts.get(status.value, 0) for status in Status}
    return document


def print_summary(state: CliState, summary: RunSummary, *, list_all: bool = False) -> None:
    """The human summary: what ran, how it ended, counts, then the records.

    Up to :data:`LIST_ALL_UP_TO` records (or all with ``list_all``) are listed
    one by one; a larger run lists its records that are not ``ok`` grouped by
    message (:func:`~techoms_core.message_groups.group_messages`), at most
    :data:`MAX_GROUPS` groups, so the output stays short whatever the run's size.
    """
    out = state.out.out
    dry = " (dry run: nothing was written)" if summary.dry_run else ""
    run = f", run {summary.run_id}" if summary.run_id else ""
    out.print(f"[bold]{summary.option}[/] on {summary.channel}: {summary.status}{run}{dry}")
    if summary.message:
        out.print(plain(f"  {summary.message}"))
    counts = Table(show_header=True, box=None, pad_edge=False)
    for status in Status:
        counts.add_column(status.value, justify="right", style=STATUS_STYLE[status.value])
    counts.add_row(*(str(summary.counts.get(status.value, 0)) for status in Status))
    out.print(counts)
    records = summary.records
    if list_all or len(records) <= LIST_ALL_UP_TO:
        if records:
            out.print(fitted(records_table(records), out))
        return
    print_groups(out, group_messages(r for r in records if r.status != Status.OK))
    ok = sum(1 for r in records if r.status == Status.OK)
    if ok:
        out.print(f"  ({ok:,} ok records not listed; --all lists every record)")


def print_groups(
    out: Console,
    groups: list[MessageGroup],
    *,
    kinds: int | None = None,
    records: int | None = None,
    hint: str = "--all",
) -> None:
    """One line per group of identical messages, at most :data:`MAX_GROUPS`, then
    how many more. ``kinds`` and ``records``: how many groups and records there
    are in all, when ``groups`` is not every group."""
    shown = groups[:MAX_GROUPS]
    for group in shown:
        status = Text(f"  {group.status:<8} ", style=STATUS_STYLE.get(group.status, ""))
        out.print(status + plain(group.describe()))
    kinds = len(groups) if kinds is None else kinds
    records = sum(group.count for group in groups) if records is None else records
    if kinds > len(shown):
        rest = records - sum(group.count for group in shown)
        out.print(
            f"  ... {kinds - len(shown):,} more kinds of message ({rest:,} records); "
            f"{hint} lists every record"
        )


def records_table(records: Sequence[Any]) -> Table:
    """Per-record results: key, status, field and message."""
    table = Table("Key", "Status", "Field", "Message")
    for record in records:
        status = str(record.status)
        table.add_row(
            plain(record.key),
            Text(status, style=STATUS_STYLE.get(status, "")),
            plain(getattr(record, "field", None) or ""),
            plain(record.message or ""),
        )
    return table


def register(group: click.Group) -> None:
    group.add_command(sync)
