"""The channel page's Carrier, SKU and Reference Mappings tabs.

Each tab lists its rows; a row can be added, changed or removed, and the
whole kind imported from or exported to CSV (the same columns as ``techoms
map import|export``). Like every change on the page, mapping changes are
kept in the page's draft (:mod:`techoms_core.console.drafts`) and written
only by Save, with the rest of the page in one transaction. Each change is
checked at once by the store's own rules against the rows kept and the
other unsaved rows: a change that would be refused on Save is refused now,
saying why. An import adds all of its rows to the draft or none, and lists
every bad row by its number.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

from attrs import evolve, frozen
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from techoms_core.channel_changes import NEW_ROW, MappingChanges, row_columns
from techoms_core.console.drafts import DraftLost, PageDraft
from techoms_core.console.pages.common import console
from techoms_core.console.rendering import render
from techoms_core.mapping_input import (
    CSV_COLUMNS,
    MappingInputError,
    import_problems,
    mapping_row,
    read_mapping_csv,
    write_mapping_csv,
)
from techoms_core.mappings import MappingError, UnmappedPolicy
from techoms_core.models import ReferenceLevel

LABELS = {"sku": "SKU Mappings", "carrier": "Carrier Mappings", "reference": "Reference Mappings"}
HELP = {
    "sku": "techOMS SKU <-> the channel's SKU, both ways. No row: the SKU is sent as it is.",
    "carrier": (
        "techOMS carrier/service <-> the channel's codes. A channel code ending in * "
        "matches inbound codes that start with it. Outbound, the primary row wins."
    ),
    "reference": (
        "At each level, a techOMS reference code sent as one of the WMS's properties "
        "(outbound only)."
    ),
}
#: The event a response that changed the page's draft triggers (the page is then unsaved).
CHANGED = "mappings-changed"
ADDED, CHANGED_ROW, REMOVED = (
    "Row added; press Save to keep it.",
    "Row changed; press Save to keep it.",
    "Row removed; press Save to keep it.",
)
CHOOSE_FILE = "choose a CSV file"
#: The largest CSV file an import accepts.
MAX_CSV_BYTES = 5 * 1024 * 1024


@frozen
class _Tab:
    """One mapping tab of one open page: its draft and the rows stored."""

    channel: str
    kind: str
    draft_id: str
    draft: PageDraft
    stored: list[tuple[str, Any]]

    @property
    def changes(self) -> MappingChanges:
        return self.draft.changes(self.kind)


def _open_tab(request: Request, kind: str, draft_id: str) -> _Tab:
    state = console(request)
    name = request.path_params["name"]
    draft = state.drafts.get(draft_id, name)
    return _Tab(name, kind, draft_id, draft, state.host.identified_mapping_rows(name, kind))


def _tab(request: Request, tab: _Tab, **context: Any) -> Response:
    """The tab as the page would save it: stored rows with the draft applied."""
    state = console(request)
    _, plugin = state.channel(tab.channel)
    changes = tab.changes
    unsaved = [str(problem) for problem in changes.problems(tab.stored)]
    policy = None
    if tab.kind == "carrier":
        policy = tab.draft.carrier_policy or state.host.mappings(tab.channel).carriers.policy
    return render(
        request,
        "_mappings.html",
        channel=tab.channel,
        draft=tab.draft_id,
        kind=tab.kind,
        label=LABELS[tab.kind],
        help=HELP[tab.kind],
        columns=CSV_COLUMNS[tab.kind],
        rows=_display_rows(tab),
        removed=len(changes.removed),
        unsaved_problems=unsaved,
        policy=policy.value if policy is not None else None,
        policy_unsaved=tab.draft.carrier_policy is not None,
        policies=[policy.value for policy in UnmappedPolicy],
        levels=[level.value for level in ReferenceLevel],
        properties=sorted(
            {p for offered in plugin.declaration.reference_properties.values() for p in offered}
        ),
        editing=context.pop("editing", None),
        headers={"HX-Trigger": CHANGED} if context.pop("changed", False) else None,
        **context,
    )


def _display_rows(tab: _Tab) -> list[dict[str, Any]]:
    return [
        {"id": row_id, "unsaved": row_id.startswith(NEW_ROW), **row_columns(tab.kind, row)}
        for row_id, row in tab.changes.rows(tab.stored)
    ]


def _lost(request: Request, kind: str, lost: DraftLost) -> Response:
    return render(request, "_problem.html", problem=f"{LABELS[kind]}: {lost}")


def _kind(request: Request) -> str:
    kind = request.path_params["kind"]
    if kind not in CSV_COLUMNS:
        raise MappingError(f"mapping kind: {kind!r} is not one of {', '.join(CSV_COLUMNS)}")
    return kind


def _draft_id(request: Request, form: Any = None) -> str:
    chosen = form.get("draft") if form is not None else None
    return str(chosen or request.query_params.get("draft", ""))


async def mapping_tab(request: Request) -> Response:
    kind, editing = _kind(request), request.query_params.get("edit")

    def work() -> Response:
        try:
            tab = _open_tab(request, kind, _draft_id(request))
        except DraftLost as lost:
            return _lost(request, kind, lost)
        return _tab(request, tab, editing=editing)

    return await run_in_threadpool(work)


def _row_from(form: Any, kind: str, plugin: Any) -> tuple[Any, list[str]]:
    values = {column: str(form.get(column, "")) for column in CSV_COLUMNS[kind]}
    if kind == "carrier":
        values["primary"] = "true" if form.get("primary") == "true" else "false"
    return mapping_row(kind, values, plugin)


def _change(
    request: Request, tab: _Tab, changed: MappingChanges, message: str, **refused: Any
) -> Response:
    """Keep ``changed`` in the page's draft unless it adds a problem (then
    the tab says why and the draft stays as it was)."""
    before = {str(problem) for problem in tab.changes.problems(tab.stored)}
    new = [str(p) for p in changed.problems(tab.stored) if str(p) not in before]
    if new:
        return _tab(request, tab, problems=new, **refused)
    tab.draft.mappings[tab.kind] = changed
    console(request).drafts.put(tab.draft_id, tab.draft)
    return _tab(request, tab, message=message, changed=True)


def _edit(request: Request, kind: str, form: Any, edit: Callable[[_Tab], Response]) -> Response:
    try:
        tab = _open_tab(request, kind, _draft_id(request, form))
    except DraftLost as lost:
        return _lost(request, kind, lost)
    try:
        return edit(tab)
    except MappingError as gone:  # a row of a draft the page showed before a Save
        return _tab(request, tab, problems=[str(gone)])


async def add_row(request: Request) -> Response:
    kind, form = _kind(request), await request.form()

    def edit(tab: _Tab) -> Response:
        _, plugin = console(request).channel(tab.channel)
        row, problems = _row_from(form, kind, plugin)
        if row is None:
            return _tab(request, tab, problems=problems, draft_row=dict(form))
        changed = tab.changes.adding([row])
        return _change(request, tab, changed, ADDED, draft_row=dict(form))

    return await run_in_threadpool(_edit, request, kind, form, edit)


async def change_row(request: Request) -> Response:
    kind, form = _kind(request), await request.form()
    row_id = request.path_params["row_id"]

    def edit(tab: _Tab) -> Response:
        _, plugin = console(request).channel(tab.channel)
        row, problems = _row_from(form, kind, plugin)
        if row is None:
            return _tab(request, tab, problems=problems, editing=row_id)
        changed = tab.changes.replacing(row_id, row)
        return _change(request, tab, changed, CHANGED_ROW, editing=row_id)

    return await run_in_threadpool(_edit, request, kind, form, edit)


async def remove_row(request: Request) -> Response:
    kind, form = _kind(request), await request.form()
    row_id = request.path_params["row_id"]

    def edit(tab: _Tab) -> Response:
        return _change(request, tab, tab.changes.removing(row_id), REMOVED)

    return await run_in_threadpool(_edit, request, kind, form, edit)


async def set_policy(request: Request) -> Response:
    form = await request.form()
    policy = str(form.get("policy", ""))

    def edit(tab: _Tab) -> Response:
        try:
            chosen = UnmappedPolicy(policy)
        except ValueError:
            return _tab(request, tab, problems=[f"unmapped carriers: {policy!r} is not a policy"])
        tab.draft.carrier_policy = chosen
        console(request).drafts.put(tab.draft_id, tab.draft)
        message = f"Unmapped carriers: {chosen.value}; press Save to keep it."
        return _tab(request, tab, message=message, changed=True)

    return await run_in_threadpool(_edit, request, "carrier", form, edit)


async def import_csv(request: Request) -> Response:
    """Add every row of the uploaded CSV to the page's changes, or none; bad
    rows listed by number."""
    kind, form = _kind(request), await request.form()
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return await run_in_threadpool(
            _edit, request, kind, form, lambda tab: _tab(request, tab, problems=[CHOOSE_FILE])
        )
    data = await upload.read(MAX_CSV_BYTES + 1)
    filename = upload.filename

    def edit(tab: _Tab) -> Response:
        return _import(request, tab, filename, data)

    return await run_in_threadpool(_edit, request, kind, form, edit)


def _import(request: Request, tab: _Tab, filename: str, data: bytes) -> Response:
    _, plugin = console(request).channel(tab.channel)
    if len(data) > MAX_CSV_BYTES:
        return _tab(request, tab, problems=[f"{filename}: larger than {MAX_CSV_BYTES} bytes"])
    try:
        text = data.decode("utf-8-sig")
        numbered, problems = read_mapping_csv(io.StringIO(text, newline=""), tab.kind, plugin)
    except UnicodeDecodeError:
        return _tab(request, tab, problems=[f"{filename}: not UTF-8 text; save it as UTF-8"])
    except MappingInputError as unreadable:
        return _tab(request, tab, problems=[f"{filename}: {unreadable}"])
    changed = tab.changes.adding([row for _, row in numbered])
    first = len(tab.changes.added)
    # The imported rows that contradict the rows kept, an earlier imported
    # row or an unsaved one, by their position in the file.
    conflicts = [
        evolve(problem, index=problem.index - first)
        for problem in changed.problems(tab.stored)
        if problem.index >= first
    ]
    listed = import_problems(problems, numbered, conflicts)
    if listed:
        return _tab(
            request,
            tab,
            problems=[f"{filename}: {len(listed)} problem(s); nothing was added.", *listed],
        )
    message = f"{filename}: {len(numbered)} row(s) added; press Save to keep them."
    return _change(request, tab, changed, message)


async def export_csv(request: Request) -> Response:
    """The rows as the tab shows them, unsaved changes included."""
    kind = _kind(request)

    def work() -> Response:
        try:
            tab = _open_tab(request, kind, _draft_id(request))
        except DraftLost as lost:
            return _lost(request, kind, lost)
        buffer = io.StringIO()
        write_mapping_csv(buffer, kind, _display_rows(tab))
        return Response(
            buffer.getvalue(),
            media_type="text/csv; charset=utf-8",
            headers={
                "Content-Disposition": (f'attachment; filename="{_file_name(tab.channel, kind)}"')
            },
        )

    return await run_in_threadpool(work)


def _file_name(channel: str, kind: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", channel)
    return f"{safe}-{kind}-mappings.csv"


_BASE = "/channels/{name}/mappings/{kind}"
routes = [
    Route(_BASE + ".csv", export_csv, methods=["GET"]),
    Route(_BASE, mapping_tab, methods=["GET"]),
    Route(_BASE, add_row, methods=["POST"]),
    Route(_BASE + "/import", import_csv, methods=["POST"]),
    Route(_BASE + "/policy", set_policy, methods=["POST"]),
    Route(_BASE + "/{row_id}", change_row, methods=["POST"]),
    Route(_BASE + "/{row_id}/remove", remove_row, methods=["POST"]),
]
