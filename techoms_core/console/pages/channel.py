"""``/channels/NAME``: the channel page, its form re-rendered as it is edited,
Save and Delete.

The page holds one form (Main settings, Channel settings, Advanced settings)
and the id of its draft of mapping changes (:mod:`techoms_core.console.drafts`).
Every change posts the form to ``/form``, which answers with the settings
fields as the evaluator sees them now (shown, hidden, disabled, cascaded
choices, problems). Save posts it to ``/save``: the whole form is validated,
and the settings, recurring jobs and mapping changes are written in one
transaction (the host's ``save_channel``), or nothing is.
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from techoms_core.channel_changes import KEEP, ChannelChanges, JobChange
from techoms_core.console.drafts import DraftLost, PageDraft
from techoms_core.console.pages.common import console
from techoms_core.console.pages.settings_form import (
    PERIODS,
    SECTION_TABS,
    Submitted,
    evaluate,
    job_rows,
    listed_choices_url,
    read_submission,
)
from techoms_core.console.rendering import redirect, render
from techoms_core.console.state import ConsoleState
from techoms_core.context import ChannelConfig
from techoms_core.host import HostError
from techoms_core.jobs import job_changes
from techoms_core.mappings import MappingConflict, MappingError
from techoms_core.menu import sync_menu
from techoms_core.plugin import ChannelPlugin
from techoms_core.settings import FormState

MAPPING_TABS = (
    ("carrier", "Carrier Mappings"),
    ("sku", "SKU Mappings"),
    ("reference", "Reference Mappings"),
)
TABS = (
    ("main", "Main settings"),
    ("channel-settings", "Channel settings"),
    ("advanced", "Advanced settings"),
    *((f"{kind}-mappings", label) for kind, label in MAPPING_TABS),
)


def delete_question(state: ConsoleState, config: ChannelConfig) -> str:
    """The confirmation Delete asks, naming what goes with the channel."""
    mappings = {kind: len(state.host.mapping_table(config.name, kind)) for kind, _ in MAPPING_TABS}
    jobs = len(state.host.jobs(config.name))
    return (
        f"Delete channel {config.name}? This also deletes its {mappings['sku']} SKU, "
        f"{mappings['carrier']} carrier and {mappings['reference']} reference mapping rows, "
        f"its {jobs} recurring job(s), its receive cursors and its product send states. "
        "Records it sent keep their state and its runs stay in the run log."
    )


def _page(request: Request, name: str) -> Response:
    state = console(request)
    config, plugin = state.channel(name)
    form = evaluate(state, plugin, name, {}, config.settings)
    return render(
        request,
        "channel.html",
        title=config.name,
        config=config,
        plugin=plugin,
        form=form,
        main=_main(config.warehouse, config.enabled),
        jobs=job_rows(state, config, plugin),
        periods=PERIODS,
        menu=sync_menu(plugin, name, state.host.master_product_source()),
        tabs=TABS,
        mapping_tabs=MAPPING_TABS,
        section_tabs=SECTION_TABS,
        delete_question=delete_question(state, config),
        health=state.host.last_health_checks().get(name),
        draft=state.drafts.open(name),
        choices_url=listed_choices_url(name, plugin),
    )


def _main(warehouse: str | None, enabled: bool, problems=(), job_problems=()) -> dict[str, Any]:
    return {
        "warehouse": warehouse,
        "enabled": enabled,
        "problems": list(problems),
        "job_problems": list(job_problems),
    }


async def channel_page(request: Request) -> Response:
    return await run_in_threadpool(_page, request, request.path_params["name"])


async def re_render_form(request: Request) -> Response:
    """The settings fields for what the form holds now (nothing is saved)."""
    name = request.path_params["name"]
    submitted = read_submission(await request.form())

    def work() -> Response:
        state = console(request)
        config, plugin = state.channel(name)
        form = evaluate(state, plugin, name, submitted.settings, config.settings)
        return render(
            request,
            "settings_fragment.html",
            form=form,
            section_tabs=SECTION_TABS,
            main=None,
            choices_url=listed_choices_url(name, plugin),
        )

    return await run_in_threadpool(work)


async def save(request: Request) -> Response:
    """Validate the whole form; save settings, warehouse, enabled, jobs and the
    page's mapping changes in one transaction, or nothing."""
    name = request.path_params["name"]
    submitted = read_submission(await request.form())
    return await run_in_threadpool(_save, request, name, submitted)


def _save(request: Request, name: str, submitted: Submitted) -> Response:
    state = console(request)
    config, plugin = state.channel(name)
    form = evaluate(state, plugin, name, submitted.settings, config.settings, wait=True)
    jobs, job_problems = job_changes(state.host, state.registry, name, submitted.jobs)
    problems = [str(problem) for problem in form.problems] + job_problems
    main_problems: list[str] = []
    try:
        draft = state.drafts.get(submitted.draft, name)
    except DraftLost as lost:
        problems.append(str(lost))
    if not problems:
        try:
            config = state.host.save_channel(name, _changes(form, submitted, jobs, draft))
        except HostError as refused:
            main_problems.append(str(refused))
        except MappingError as refused:
            problems += _mapping_problems(draft, refused)
        else:
            state.drafts.saved(submitted.draft, draft)
    return _after_save(
        request,
        state,
        config,
        plugin,
        form,
        submitted,
        problems=problems + main_problems,
        main_problems=main_problems,
        job_problems=job_problems,
    )


def _changes(
    form: FormState, submitted: Submitted, jobs: dict[str, JobChange], draft: PageDraft
) -> ChannelChanges:
    """Everything the page changes, for the host's one-transaction ``save_channel``."""
    return ChannelChanges(
        settings=form.settings().raw_for_storage(),
        warehouse=submitted.warehouse,
        enabled=submitted.enabled,
        carrier_policy=draft.carrier_policy or KEEP,
        jobs=jobs,
        mappings=[changes for changes in draft.mappings.values() if not changes.empty],
    )


def _mapping_problems(draft: PageDraft, refused: MappingError) -> list[str]:
    """A refused mapping change, named by its tab and unsaved row."""
    if not isinstance(refused, MappingConflict):
        return [f"Mappings: {refused}; reload the page to see the rows as they are now"]
    label = dict(MAPPING_TABS)[refused.kind]
    return [f"{label}: unsaved row {p.index + 1}: {p.message}" for p in refused.problems]


def _after_save(
    request: Request,
    state: ConsoleState,
    config: ChannelConfig,
    plugin: ChannelPlugin,
    form: FormState,
    submitted: Submitted,
    *,
    problems: list[str],
    main_problems: list[str],
    job_problems: list[str],
) -> Response:
    saved = not problems
    if saved:
        form = evaluate(state, plugin, config.name, {}, config.settings)
    return render(
        request,
        "settings_fragment.html",
        form=form,
        section_tabs=SECTION_TABS,
        main_settings=True,
        oob=True,
        main=_main(
            config.warehouse if saved else submitted.warehouse,
            config.enabled if saved else submitted.enabled,
            main_problems,
            job_problems,
        ),
        jobs=_jobs_as_submitted(state, config, plugin, None if saved else submitted.jobs),
        periods=PERIODS,
        save_status={"saved": saved, "problems": problems},
        headers={"HX-Trigger": "saved"} if saved else None,
        choices_url=listed_choices_url(config.name, plugin),
    )


def _jobs_as_submitted(state, config, plugin, submitted: dict[str, str] | None) -> list[dict]:
    rows = job_rows(state, config, plugin)
    for row in rows if submitted else ():
        row["period"] = submitted.get(row["option"].key, row["period"])
    return rows


async def delete(request: Request) -> Response:
    """Delete the channel (the page asked for confirmation first)."""
    name = request.path_params["name"]
    state = console(request)
    try:
        await run_in_threadpool(state.host.delete_channel, name)
    except HostError as refused:
        return render(request, "_problem.html", problem=str(refused))
    return redirect(request, "/")


routes = [
    Route("/channels/{name}", channel_page, methods=["GET"]),
    Route("/channels/{name}/form", re_render_form, methods=["POST"]),
    Route("/channels/{name}/save", save, methods=["POST"]),
    Route("/channels/{name}/delete", delete, methods=["POST"]),
]
