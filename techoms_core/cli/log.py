"""``techoms log``: the run log, per-record messages and what waits for review."""

from __future__ import annotations

from typing import Any

import attrs
import click
from rich.table import Table
from rich.text import Text

from techoms_core.cli.app import CliState, pass_state
from techoms_core.cli.output import plain
from techoms_core.cli.records import review_line
from techoms_core.cli.sync import STATUS_STYLE
from techoms_core.host import RunMessage, RunRecord, RunTraffic
from techoms_core.models import Status
from techoms_core.reviews import ReviewStatus

LEVEL_STYLE = {"info": "", "warning": "yellow", "error": "red", "fatal": "bold red"}
RUN_STYLE = {"completed": "green", "failed": "red", "refused": "red", "interrupted": "yellow"}


@click.command("log")
@click.argument("name", required=False)
@click.option("--run", "run_id", type=int, help="Show one run with every record's message.")
@click.option("--limit", default=10, show_default=True, help="How many of the latest runs.")
@click.option("--all", "show_all", is_flag=True, help="Include the messages of ok records.")
@click.option("--json", "as_json", is_flag=True, help="Print runs, messages and review as JSON.")
@pass_state
def log(
    state: CliState,
    name: str | None,
    run_id: int | None,
    limit: int,
    show_all: bool,
    as_json: bool,
) -> None:
    """Show the latest runs (of channel NAME, or all channels) and their messages.

    Each run shows how it ended, its counts per status and the requests it
    made to the WMS (with the retries and 429 answers among them); below, the
    per-record messages of those runs (records that were skipped, warned or
    failed; ``--all`` adds the ok ones). Short-shipped shipment updates, which are never
    applied automatically, are listed as kept for review.
    """
    host = state.host
    if name is not None:
        host.channel(name)
    runs = [host.run(run_id)] if run_id is not None else host.runs(name, limit=limit)
    everything = show_all or run_id is not None
    messages = {
        run.id: [m for m in host.run_messages(run.id) if everything or m.status != Status.OK]
        for run in runs
    }
    review = host.review_items(name, status=ReviewStatus.PENDING)
    if as_json:
        state.out.json(
            {
                "runs": [_run_json(run, messages[run.id]) for run in runs],
                "review": [item.as_json() for item in review],
            }
        )
        return
    out = state.out.out
    out.print(_runs_table(runs) if runs else "No runs yet.")
    for run in runs:
        if messages[run.id]:
            out.print(_messages_table(run, messages[run.id]))
    if review:
        out.print(f"Kept for review ({len(review)}): short-shipped updates, not applied")
        for item in review:
            out.print(plain("  " + review_line(item)))


def _runs_table(runs: list[RunRecord]) -> Table:
    table = Table(
        "Run", "Started (UTC)", "Channel", "Option", "Status", *Status, "Requests", "Message"
    )
    for column in table.columns[:5]:
        column.no_wrap = True
    for run in runs:
        status = run.status.value + (" (dry run)" if run.dry_run else "")
        table.add_row(
            str(run.id),
            run.started_at.strftime("%m-%d %H:%M:%S"),
            plain(run.channel),
            plain(run.option),
            Text(status, style=RUN_STYLE.get(run.status.value, "")),
            *(Text(str(run.counts.get(s.value, 0)), style=STATUS_STYLE[s.value]) for s in Status),
            _traffic_cell(run.traffic),
            plain(run.message or ""),
        )
    return table


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


def _messages_table(run: RunRecord, messages: list[RunMessage]) -> Table:
    table = Table(
        "Key", "Level", "Field", "Message", title=f"Run {run.id}: {run.option} on {run.channel}"
    )
    table.title_justify = "left"
    for message in messages:
        table.add_row(
            plain(message.key),
            Text(message.level, style=LEVEL_STYLE.get(message.level, "")),
            plain(message.field or ""),
            plain(message.message),
        )
    return table


def _run_json(run: RunRecord, messages: list[RunMessage]) -> dict[str, Any]:
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
        "messages": [
            {
                "key": m.key,
                "status": m.status,
                "level": m.level,
                "field": m.field,
                "message": m.message,
                "at": m.at,
            }
            for m in messages
        ],
    }


def register(group: click.Group) -> None:
    group.add_command(log)
