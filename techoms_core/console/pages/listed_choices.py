"""Listing one settings field's choices once its page is shown.

A channel page (and the Add channel page) is rendered without asking the WMS
anything: a field whose choices the WMS holds (Leanafy's warehouse) and that
were not listed lately is rendered ``loading``, its value kept as its only
choice, and once shown it posts the form here. The answer is that field as it
stands: its choices, or disabled with the reason when the WMS refuses or
cannot be reached, the value it had still shown. However slow the WMS, the
page and every other field answer at once.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from techoms_core.console.pages.common import console
from techoms_core.console.pages.new_channel import chosen_plugin
from techoms_core.console.pages.settings_form import (
    evaluate,
    listed_choices_url,
    read_submission,
)
from techoms_core.console.rendering import render
from techoms_core.settings import FormState


async def channel_choices(request: Request) -> Response:
    """The field ``field`` of a saved channel's form, its choices listed."""
    name, posted = request.path_params["name"], await request.form()

    def work() -> Response:
        state = console(request)
        config, plugin = state.channel(name)
        submitted = read_submission(posted)
        form = evaluate(state, plugin, name, submitted.settings, config.settings, wait=True)
        return _field(request, form, posted, listed_choices_url(name, plugin))

    return await run_in_threadpool(work)


async def new_channel_choices(request: Request) -> Response:
    """The field ``field`` of the Add channel form, its choices listed."""
    posted = await request.form()

    def work() -> Response:
        plugin = chosen_plugin(request)
        if plugin is None:
            return render(request, "_problem.html", problem="choose an installed plugin")
        submitted = read_submission(posted)
        form = evaluate(console(request), plugin, "", submitted.settings, None, wait=True)
        return _field(request, form, posted, listed_choices_url("", plugin))

    return await run_in_threadpool(work)


def _field(request: Request, form: FormState, posted: FormData, url: str) -> Response:
    key = str(posted.get("field", ""))
    try:
        field = form[key]
    except KeyError:
        return render(request, "_problem.html", problem=f"no setting {key!r}", status_code=404)
    return render(request, "_field_fragment.html", field_state=field, choices_url=url)


routes = [
    Route("/channels/new/choices", new_channel_choices, methods=["POST"]),
    Route("/channels/{name}/choices", channel_choices, methods=["POST"]),
]
