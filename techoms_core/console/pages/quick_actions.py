"""The channel page's Quick Actions: Health Check, and Sync in the background.

A sync started here is the runner's ``run_option``, the same call ``techoms
sync`` makes; the page polls its progress (``/sync/N``) until it ends, then
links to its run page.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from techoms_core.console.pages.common import console
from techoms_core.console.rendering import render
from techoms_core.health_log import HealthResult, check_channel
from techoms_core.models import Status


async def health(request: Request) -> Response:
    name = request.path_params["name"]
    state = console(request)

    def work() -> HealthResult:
        config, plugin = state.channel(name)
        return check_channel(state.host, plugin, config, environ=state.environ)

    return render(request, "_health.html", health=await run_in_threadpool(work))


async def start_sync(request: Request) -> Response:
    """Start the chosen option of the Sync menu in the background."""
    name = request.path_params["name"]
    option = str((await request.form()).get("option", ""))
    live = console(request).runs.start(name, option)
    return _progress(request, live.number)


async def sync_progress(request: Request) -> Response:
    return await run_in_threadpool(_progress, request, int(request.path_params["number"]))


def _progress(request: Request, number: int) -> Response:
    state = console(request)
    live = state.runs.get(number)
    if live is None or live.channel != request.path_params["name"]:
        return render(request, "_problem.html", problem=f"no sync {number} was started here")
    run_id = live.run_id or state.host.running_run_id(live.channel, live.option)
    counts = dict(live.summary.counts) if live.summary else {}
    if not counts and run_id is not None:
        counts = state.host.message_counts(run_id)
    return render(
        request,
        "_sync_progress.html",
        live=live,
        run_id=run_id,
        counts={status.value: counts.get(status.value, 0) for status in Status},
    )


routes = [
    Route("/channels/{name}/health", health, methods=["POST"]),
    Route("/channels/{name}/sync", start_sync, methods=["POST"]),
    Route("/channels/{name}/sync/{number:int}", sync_progress, methods=["GET"]),
]
