"""``/channels/new``: add a channel: pick a plugin, fill in its settings form."""

from __future__ import annotations

from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from techoms_core.console.pages.common import console
from techoms_core.console.pages.settings_form import (
    SECTION_TABS,
    Submitted,
    evaluate,
    listed_choices_url,
    read_submission,
)
from techoms_core.console.rendering import redirect, render
from techoms_core.context import ChannelConfig
from techoms_core.host import HostError
from techoms_core.plugin import ChannelPlugin
from techoms_core.registry import UnknownPlugin


def chosen_plugin(request: Request) -> ChannelPlugin | None:
    """The plugin named by ``?plugin=``, else the first installed one."""
    registry = console(request).registry
    key = request.query_params.get("plugin")
    if key:
        try:
            return registry.get(key)
        except UnknownPlugin:
            return None
    installed = registry.plugins()
    return installed[0] if installed else None


def _page(request: Request) -> Response:
    state = console(request)
    plugin = chosen_plugin(request)
    form = evaluate(state, plugin, "", {}, None) if plugin else None
    return render(
        request,
        "channel_new.html",
        title="Add channel",
        plugins=state.registry.plugins(),
        plugin=plugin,
        form=form,
        main={"warehouse": None, "enabled": True, "problems": [], "job_problems": []},
        jobs=None,
        section_tabs=SECTION_TABS,
        choices_url=listed_choices_url("", plugin) if plugin else "",
    )


async def new_channel_page(request: Request) -> Response:
    return await run_in_threadpool(_page, request)


async def re_render_form(request: Request) -> Response:
    submitted = read_submission(await request.form())

    def work() -> Response:
        plugin = chosen_plugin(request)
        if plugin is None:
            return render(request, "_problem.html", problem="choose an installed plugin")
        form = evaluate(console(request), plugin, "", submitted.settings, None)
        return render(
            request,
            "settings_fragment.html",
            form=form,
            section_tabs=SECTION_TABS,
            choices_url=listed_choices_url("", plugin),
        )

    return await run_in_threadpool(work)


async def add_channel(request: Request) -> Response:
    """Validate the whole form; add the channel and open its page, or show every problem."""
    submitted = read_submission(await request.form())
    return await run_in_threadpool(_add, request, submitted)


def _add(request: Request, submitted: Submitted) -> Response:
    state = console(request)
    plugin = chosen_plugin(request)
    if plugin is None:
        return render(request, "_problem.html", problem="choose an installed plugin")
    form = evaluate(state, plugin, "", submitted.settings, None, wait=True)
    problems = [str(problem) for problem in form.problems]
    if not submitted.name:
        problems.insert(0, "Channel name: is required")
    if not problems:
        config = ChannelConfig(
            name=submitted.name,
            plugin=plugin.key,
            settings=form.settings().raw_for_storage(),
            warehouse=submitted.warehouse,
            enabled=submitted.enabled,
        )
        try:
            state.host.add_channel(config)
        except HostError as refused:
            problems.append(str(refused))
        else:
            return redirect(request, f"/channels/{quote(submitted.name, safe='')}")
    return render(
        request,
        "settings_fragment.html",
        form=form,
        section_tabs=SECTION_TABS,
        save_status={"saved": False, "problems": problems},
        choices_url=listed_choices_url("", plugin),
    )


routes = [
    Route("/channels/new", new_channel_page, methods=["GET"]),
    Route("/channels/new/form", re_render_form, methods=["POST"]),
    Route("/channels/new", add_channel, methods=["POST"]),
]
