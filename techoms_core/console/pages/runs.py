"""``/runs``: the run log, filtered and paged; ``/runs/ID``: one run's messages.

A run's messages are grouped in SQL: identical messages (same level, status,
field and text) are one row with their count and a few example records, the
most frequent first, so a run with 50,000 warnings opens at once.
"""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from techoms_core.console.pages.common import PAGE_SIZE, console, offset_of
from techoms_core.console.rendering import render
from techoms_core.host import RunStatus
from techoms_core.options import SYNC_OPTIONS

#: The levels of run messages (see ``RecordResult.level``), in rising order.
LEVELS = ("info", "warning", "error", "fatal")


def _filters(request: Request, names: tuple[str, ...]) -> dict[str, str]:
    return {name: request.query_params.get(name, "").strip() for name in names}


def _link(path: str, filters: dict[str, str], offset: int) -> str:
    query = {key: value for key, value in filters.items() if value}
    if offset:
        query["offset"] = str(offset)
    return f"{path}?{urlencode(query)}" if query else path


def _runs_page(request: Request) -> Response:
    state = console(request)
    filters = _filters(request, ("channel", "option", "status"))
    offset = offset_of(request)
    page = state.host.run_page(
        channel=filters["channel"] or None,
        option=filters["option"] or None,
        status=filters["status"] or None,
        offset=offset,
        limit=PAGE_SIZE,
    )
    return render(
        request,
        "runs.html",
        title="Runs",
        page=page,
        filters=filters,
        channels=[config.name for config in state.host.channels()],
        options=SYNC_OPTIONS,
        statuses=[status.value for status in RunStatus],
        previous=_link("/runs", filters, max(0, offset - PAGE_SIZE)),
        next=_link("/runs", filters, offset + PAGE_SIZE),
    )


async def runs_page(request: Request) -> Response:
    return await run_in_threadpool(_runs_page, request)


def _run_page(request: Request, run_id: int) -> Response:
    host = console(request).host
    run = host.run(run_id)
    level = request.query_params.get("level", "").strip()
    offset = offset_of(request)
    groups = host.message_groups(run_id, level=level or None, offset=offset, limit=PAGE_SIZE)
    path = f"/runs/{run_id}"
    return render(
        request,
        "run.html",
        title=f"Run {run_id}",
        run=run,
        groups=groups,
        level=level,
        levels=LEVELS,
        level_counts=host.message_levels(run_id),
        previous=_link(path, {"level": level}, max(0, offset - PAGE_SIZE)),
        next=_link(path, {"level": level}, offset + PAGE_SIZE),
    )


async def run_page(request: Request) -> Response:
    return await run_in_threadpool(_run_page, request, request.path_params["run_id"])


routes = [
    Route("/runs", runs_page, methods=["GET"]),
    Route("/runs/{run_id:int}", run_page, methods=["GET"]),
]
