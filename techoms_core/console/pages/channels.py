"""``/``: Fulfillment Channels: the account's channels, the installed plugins
(the channel master list) and the account's Master Product Source."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from techoms_core.console.pages.common import console
from techoms_core.console.rendering import redirect, render
from techoms_core.console.state import ConsoleState
from techoms_core.menu import TECHOMS
from techoms_core.models import Feature
from techoms_core.registry import UnknownPlugin
from techoms_core.store import StoreError


def channel_rows(state: ConsoleState) -> list[dict[str, Any]]:
    """One row per channel: its config, plugin name, last run per option
    (in the plugin's option order) and last health check."""
    rows = []
    health = state.host.last_health_checks()
    for config in state.host.channels():
        try:
            plugin = state.registry.get(config.plugin)
        except UnknownPlugin:
            plugin = None
        last = state.host.last_runs(config.name)
        options = plugin.implemented_options() if plugin else ()
        ordered = [(o.label, last[o.key]) for o in options if o.key in last]
        ordered += [(key, run) for key, run in last.items() if key not in {o.key for o in options}]
        rows.append(
            {
                "config": config,
                "plugin": plugin.declaration.display_name if plugin else None,
                "last_runs": ordered,
                "health": health.get(config.name),
            }
        )
    return rows


def plugin_rows(state: ConsoleState) -> list[dict[str, Any]]:
    """The channel master list: one row per installed plugin."""
    return [
        {
            "declaration": plugin.declaration,
            "features": [f for f in Feature if f in plugin.declaration.features],
            "options": plugin.implemented_options(),
        }
        for plugin in state.registry.plugins()
    ]


def _page(request: Request, *, problem: str | None = None, status_code: int = 200) -> Response:
    state = console(request)
    return render(
        request,
        "channels.html",
        title="Fulfillment Channels",
        channels=channel_rows(state),
        plugins=plugin_rows(state),
        broken=state.registry.problems,
        features=list(Feature),
        source=state.host.master_product_source(),
        techoms=TECHOMS,
        problem=problem,
        status_code=status_code,
    )


async def channels_page(request: Request) -> Response:
    return await run_in_threadpool(_page, request)


async def set_master_product_source(request: Request) -> Response:
    """Change the account's Master Product Source; every channel's Sync menu follows."""
    form = await request.form()
    source = str(form.get("master_product_source", "")).strip()
    try:
        await run_in_threadpool(console(request).host.set_master_product_source, source)
    except StoreError as error:
        return await run_in_threadpool(_page, request, problem=str(error), status_code=422)
    return redirect(request, "/")


routes = [
    Route("/", channels_page, methods=["GET"]),
    Route("/account/master-product-source", set_master_product_source, methods=["POST"]),
]
