"""``techoms log``: the run log, per-record messages and what waits for review."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs
import click
from rich import box
from rich.table import Table
from rich.text import Text

from techoms_core.cli.app import CliState, pass_state
from techoms_core.cli.output import plain
from techoms_core.cli.records import review_line
from techoms_core.cli.sync import MAX_GROUPS, STATUS_STYLE, print_groups
from techoms_core.cli.tables import fitted
from techoms_core.host import RunMessage, RunRecord, RunTraffic
from techoms_core.message_groups import LEVELS, MessageGroup
from techoms_core.models import Status
from techoms_core.reviews import ReviewStatus

LEVEL_STYLE = {"info": "", "warning": "yellow", "error": "red", "fatal": "bold red"}
RUN_STYLE = {"completed": "green", "failed": "red", "refused": "red", "interrupted": "yellow"}


#: Runs listed when ``--limit`` is not given.
RUNS_SHOWN = 10
#: Messages of one run (``--run``) listed when ``--limit`` is not given.
MESSAGES_SHOWN = 50


@click.command("log")
@click.argument("name", required=False)
@click.option("--run", "run_id", type=int, help="Show one run and its per-record messages.")
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    help=f"How many runs [default: {RUNS_SHOWN}]; with --run, how many messages "
    f"[default: {MESSAGES_SHOWN}]; 0 for no limit.",
)
@click.option(
    "--offset", type=click.IntRange(min=0), default=0, help="With --run: skip this many messages."
)
@click.option(
    "--level",
    type=click.Choice(LEVELS),
    help="With --run: only the messages at this level.",
)
@click.option("--all", "show_all", is_flag=True, help="With --run: every message (--limit 0).")
@click.option("--json", "as_json", is_flag=True, help="Print runs, messages and review as JSON.")
@pass_state
def log(
    state: CliState,
    name: str | None,
    run_id: int | None,
    limit: int | None,
    offset: int,
    level: str | None,
    show_all: bool,
    as_json: bool,
) -> None:
    """Show the latest runs (of channel NAME, or all channels), or one run's messages.

    Each run shows how it ended, its counts per status and the requests it
    made to the WMS (with the retries and 429 answers among them).
    Short-shipped shipment updates, which are never applied automatically,
    are listed as kept for review.

    ``--run ID`` shows that run with its per-record messages: first identical
    messages grouped with a count and a few keys, then the messages one by
    one, ``--limit`` at a time from ``--offset`` (``--all``: every one); only
    those at ``--level``, when given.
    """
    host = state.host
    if name is not None:
        host.channel(name)
    if run_id is not None:
        _one_run(state, run_id, _Page(limit, offset, level, show_all), as_json)
        return
    runs = host.runs(name, limit=_limit(limit, RUNS_SHOWN))
    review = host.review_items(name, status=ReviewStatus.PENDING)
    if as_json:
        state.out.json(
            {
                "runs": [_run_json(run) for run in runs],
                "review": [item.as_json() for item in review],
            }
        )
        return
    out = state.out.out
    out.print(fitted(_runs_table(runs), out) if runs else "No runs yet.")
    if runs:
        out.print("[dim]techoms log --run ID shows a run's messages.[/]")
    if review:
        out.print(f"Kept for review ({len(review)}): short-shipped updates, not applied")
        for item in review:
            out.print(plain("  " + review_line(item)))


@attrs.frozen
class _Page:
    """Which of a run's messages ``--run`` shows."""

    limit: int | None
    offset: int
    level: str | None
    show_all: bool


def _limit(given: int | None, default: int) -> int | None:
    """``--limit``: the default when not given, no limit for 0."""
    if given is None:
        return default
    return given or None


def _one_run(state: CliState, run_id: int, page: _Page, as_json: bool) -> None:
    """``log --run ID``: the run, its messages grouped, then one page of them."""
    host = state.host
    run = host.run(run_id)
    limit = None if page.show_all else _limit(page.limit, MESSAGES_SHOWN)
    messages = host.run_messages(run_id, level=page.level, limit=limit, offset=page.offset)
    levels = host.message_levels(run_id)
    total = levels.get(page.level, 0) if page.level else sum(levels.values())
    grouped = host.message_groups(run_id, level=page.level, limit=MAX_GROUPS)
    if as_json:
        document = _run_json(run)
        document.update(
            messages=[_message_json(m) for m in messages],
            messages_total=total,
            message_groups=grouped.rows,
        )
        state.out.json({"runs": [document]})
        return
    out = state.out.out
    out.print(fitted(_runs_table([run]), out))
    if not total:
        out.print("No messages" + (" at this level." if page.level else "."))
        return
    out.print(f"[bold]{total:,} messages[/], by kind:")
    fields = ("status", "field", "message", "count", "examples")
    groups = [MessageGroup(**{name: row[name] for name in fields}) for row in grouped.rows]
    print_groups(out, groups, kinds=grouped.total, records=total, hint="--all")
    if messages:
        out.print(fitted(_messages_table(messages), out))
    shown_to = page.offset + len(messages)
    if shown_to < total or page.offset:
        out.print(
            f"  messages {page.offset + 1 if messages else 0:,}-{shown_to:,} of {total:,}"
            + (f"; --offset {shown_to} for the next" if shown_to < total else "")
        )


def _runs_table(runs: list[RunRecord]) -> Table:
    table = Table(
        "Run",
        "Started (UTC)",
        "Sync",
        "Status",
        "Records",
        "Requests",
        "Message",
        box=box.SIMPLE_HEAD,
        show_edge=False,
    )
    table.columns[0].no_wrap = True
    for run in runs:
        status = run.status.value + (" (dry run)" if run.dry_run else "")
        table.add_row(
            str(run.id),
            run.started_at.strftime("%m-%d %H:%M:%S"),
            plain(f"{run.channel} {run.option}"),
            Text(status, style=RUN_STYLE.get(run.status.value, "")),
            _counts_cell(run.counts),
            _traffic_cell(run.traffic),
            plain(run.message or ""),
        )
    return table


def _counts_cell(counts: Mapping[str, int]) -> Text:
    """``"5 ok, 1 failed"``: the statuses that have records, each in its colour."""
    parts = [(f"{counts.get(s.value, 0):,} {s.value}", STATUS_STYLE[s.value]) for s in Status]
    shown = [part for part in parts if not part[0].startswith("0 ")]
    return Text(", ").join(Text(text, style=style) for text, style in shown) if shown else Text("-")


def _traffic_cell(traffic: RunTraffic | None) -> str:
    """``"120"``, or ``"120 (3 retried, 2 answered 429)"``; empty when not recorded."""
    if traffic is None:
        return ""
    faults = []
    if traffic.retries:
        faults.append(f"{traffic.retries} retried")
    if traffic.rate_limited:
        faults.append(f"{traffic.rate_limited} answered 429")
    return f"{traffic.requests}" + (f" ({', '.join(faults)})" if faults else "")


def _messages_table(messages: list[RunMessage]) -> Table:
    table = Table("Key", "Level", "Field", "Message")
    for message in messages:
        table.add_row(
            plain(message.key),
            Text(message.level, style=LEVEL_STYLE.get(message.level, "")),
            plain(message.field or ""),
            plain(message.message),
        )
    return table


def _run_json(run: RunRecord) -> dict[str, Any]:
    return {
        "id": run.id,
        "channel": run.channel,
        "option": run.option,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "status": run.status.value,
        "counts": {s.value: run.counts.get(s.value, 0) for s in Status},
        "dry_run": run.dry_run,
        "message": run.message,
        "traffic": attrs.asdict(run.traffic) if run.traffic else None,
    }


def _message_json(message: RunMessage) -> dict[str, Any]:
    """``{key, status, level, field, message, at}``."""
    return attrs.asdict(message, filter=lambda attribute, _: attribute.name != "run_id")


def register(group: click.Group) -> None:
    group.add_command(log)
