"""The channel form: what the browser submitted, read into settings, main
settings and recurring jobs, and evaluated by the settings form evaluator.

Input names: ``s:KEY`` for a plugin setting, ``job:OPTION`` for a recurring
job's period, ``name``, ``warehouse``, ``enabled`` for the channel itself, and
``draft``, the id of the page's unsaved mapping changes.
The evaluator (:func:`techoms_core.settings.evaluate_form`) is the same code
that validates on save, so what the form shows and what Save accepts agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from attrs import frozen
from starlette.datastructures import FormData

from techoms_core.console.state import ConsoleState
from techoms_core.context import ChannelConfig
from techoms_core.host import JobPeriod
from techoms_core.menu import sync_menu
from techoms_core.options import SyncOption
from techoms_core.plugin import ChannelPlugin
from techoms_core.settings import FormState, Section, evaluate_form

SETTING_PREFIX = "s:"
JOB_PREFIX = "job:"
#: The tab of each settings section.
SECTION_TABS = {Section.CHANNEL_SETTINGS: "channel-settings", Section.ADVANCED: "advanced"}


@frozen(kw_only=True)
class Submitted:
    """What one submission of the channel form holds."""

    settings: dict[str, str]
    name: str
    warehouse: str | None
    enabled: bool
    jobs: dict[str, str]
    draft: str = ""


def read_submission(form: FormData) -> Submitted:
    """Split the browser's form into settings, the channel's own fields and jobs.

    A checkbox is preceded by a hidden ``false`` input of the same name, so the
    last value submitted is the one that counts.
    """
    settings, jobs = {}, {}
    for key in form:
        value = str(form.getlist(key)[-1])
        if key.startswith(SETTING_PREFIX):
            settings[key.removeprefix(SETTING_PREFIX)] = value
        elif key.startswith(JOB_PREFIX):
            jobs[key.removeprefix(JOB_PREFIX)] = value
    enabled = form.getlist("enabled")
    return Submitted(
        settings=settings,
        name=str(form.get("name", "")).strip(),
        warehouse=str(form.get("warehouse", "")).strip() or None,
        enabled=bool(enabled) and str(enabled[-1]) == "true",
        jobs=jobs,
        draft=str(form.get("draft", "")),
    )


def evaluate(
    state: ConsoleState,
    plugin: ChannelPlugin,
    channel: str,
    submitted: Mapping[str, Any],
    stored: Mapping[str, Any] | None,
    *,
    wait: bool = False,
) -> FormState:
    """The settings form for ``submitted`` over ``stored`` of ``channel``
    (``""`` for a new one). The plugin lists cascaded choices (e.g. Leanafy's
    warehouses) through its hook: only with ``wait`` (Save, and the request
    that lists one field's choices, :func:`listed_choices_url`) is the WMS
    asked; otherwise what it listed lately is used, and a field whose choices
    are not at hand is ``loading``, its value kept as its only choice."""
    return evaluate_form(
        plugin.declaration.settings,
        submitted,
        stored=stored,
        choices=plugin.form_choices(channel or NEW_CHANNEL, wait=wait),
        environ=state.environ,
    )


#: The channel name the choices of a channel not yet added are kept under.
NEW_CHANNEL = "new channel"


def listed_choices_url(channel: str, plugin: ChannelPlugin) -> str:
    """Where a page posts its form to list one ``loading`` field's choices."""
    if not channel:
        return f"/channels/new/choices?plugin={quote(plugin.key, safe='')}"
    return f"/channels/{quote(channel, safe='')}/choices"


def job_rows(state: ConsoleState, config: ChannelConfig, plugin: ChannelPlugin) -> list[dict]:
    """One row per option of the channel's Sync menu: its job's period, when
    it is due next and how its last run ended."""
    menu = sync_menu(plugin, config.name, state.host.master_product_source())
    jobs = {job.option: job for job in state.host.jobs(config.name)}
    return [_job_row(option, jobs.get(option.key)) for option in menu]


def _job_row(option: SyncOption, job: Any) -> dict[str, Any]:
    return {
        "option": option,
        "period": job.period.value if job else JobPeriod.NONE.value,
        "next_due_at": job.next_due_at if job else None,
        "last_status": job.last_status if job else None,
        "last_run_id": job.last_run_id if job else None,
    }


PERIODS = tuple(period.value for period in JobPeriod)
