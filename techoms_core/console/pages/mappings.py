"""The channel page's Carrier, SKU and Reference Mappings tabs.

Each tab lists its rows; a row can be added, changed or removed, and the
whole kind imported from or exported to CSV (the same columns as ``techoms
map import|export``). Mapping rows are saved as each is added, changed or
removed, like ``techoms map``; an import adds all of its rows or none, and
lists every bad row by its number.
"""

from __future__ import annotations

import io
import re
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from techoms_core.console.pages.common import console
from techoms_core.console.rendering import render
from techoms_core.mapping_input import (
    CSV_COLUMNS,
    MappingInputError,
    contradictions,
    import_problems,
    mapping_row,
    read_mapping_csv,
    write_mapping_csv,
)
from techoms_core.mappings import MappingConflict, MappingError, UnmappedPolicy
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
#: The largest CSV file an import accepts.
MAX_CSV_BYTES = 5 * 1024 * 1024


def _tab(request: Request, kind: str, **context: Any) -> Response:
    state = console(request)
    name = request.path_params["name"]
    _, plugin = state.channel(name)
    return render(
        request,
        "_mappings.html",
        channel=name,
        kind=kind,
        label=LABELS[kind],
        help=HELP[kind],
        columns=CSV_COLUMNS[kind],
        rows=state.host.mapping_table(name, kind),
        policy=state.host.mappings(name).carriers.policy.value if kind == "carrier" else None,
        policies=[policy.value for policy in UnmappedPolicy],
        levels=[level.value for level in ReferenceLevel],
        properties=sorted(
            {p for offered in plugin.declaration.reference_properties.values() for p in offered}
        ),
        editing=context.pop("editing", None),
        **context,
    )


def _kind(request: Request) -> str:
    kind = request.path_params["kind"]
    if kind not in CSV_COLUMNS:
        raise MappingError(f"mapping kind: {kind!r} is not one of {', '.join(CSV_COLUMNS)}")
    return kind


async def mapping_tab(request: Request) -> Response:
    editing = request.query_params.get("edit")
    return await run_in_threadpool(_tab, request, _kind(request), editing=editing)


def _row_from(form: Any, kind: str, plugin: Any) -> tuple[Any, list[str]]:
    values = {column: str(form.get(column, "")) for column in CSV_COLUMNS[kind]}
    if kind == "carrier":
        values["primary"] = "true" if form.get("primary") == "true" else "false"
    return mapping_row(kind, values, plugin)


async def add_row(request: Request) -> Response:
    kind, form = _kind(request), await request.form()

    def work() -> Response:
        state = console(request)
        name = request.path_params["name"]
        _, plugin = state.channel(name)
        row, problems = _row_from(form, kind, plugin)
        if row is not None:
            try:
                added = state.host.add_mappings(name, kind, [row])
            except MappingError as refused:
                problems = [str(refused)]
            else:
                message = "Row added." if added else "That row is already there."
                return _tab(request, kind, message=message)
        return _tab(request, kind, problems=problems, draft=dict(form))

    return await run_in_threadpool(work)


async def change_row(request: Request) -> Response:
    kind, form = _kind(request), await request.form()
    row_id = request.path_params["row_id"]

    def work() -> Response:
        state = console(request)
        name = request.path_params["name"]
        _, plugin = state.channel(name)
        row, problems = _row_from(form, kind, plugin)
        if row is not None:
            try:
                state.host.replace_mapping(name, kind, row_id, row)
            except MappingError as refused:
                problems = [str(refused)]
            else:
                return _tab(request, kind, message="Row changed.")
        return _tab(request, kind, problems=problems, editing=row_id)

    return await run_in_threadpool(work)


async def remove_row(request: Request) -> Response:
    kind, row_id = _kind(request), request.path_params["row_id"]

    def work() -> Response:
        try:
            console(request).host.remove_mapping(request.path_params["name"], kind, row_id)
        except MappingError as refused:
            return _tab(request, kind, problems=[str(refused)])
        return _tab(request, kind, message="Row removed.")

    return await run_in_threadpool(work)


async def set_policy(request: Request) -> Response:
    policy = str((await request.form()).get("policy", ""))

    def work() -> Response:
        console(request).host.set_carrier_policy(request.path_params["name"], policy)
        return _tab(request, "carrier", message=f"Unmapped carriers: {policy}.")

    return await run_in_threadpool(work)


async def import_csv(request: Request) -> Response:
    """Add every row of the uploaded CSV, or none; bad rows listed by number."""
    kind, form = _kind(request), await request.form()
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return await run_in_threadpool(_tab, request, kind, problems=["choose a CSV file"])
    data = await upload.read(MAX_CSV_BYTES + 1)
    return await run_in_threadpool(_import, request, kind, upload.filename, data)


def _import(request: Request, kind: str, filename: str, data: bytes) -> Response:
    state = console(request)
    name = request.path_params["name"]
    _, plugin = state.channel(name)
    if len(data) > MAX_CSV_BYTES:
        return _tab(request, kind, problems=[f"{filename}: larger than {MAX_CSV_BYTES} bytes"])
    try:
        text = data.decode("utf-8-sig")
        numbered, problems = read_mapping_csv(io.StringIO(text, newline=""), kind, plugin)
    except UnicodeDecodeError:
        return _tab(request, kind, problems=[f"{filename}: not UTF-8 text; save it as UTF-8"])
    except MappingInputError as unreadable:
        return _tab(request, kind, problems=[f"{filename}: {unreadable}"])
    rows = [row for _, row in numbered]
    if problems:
        # Also name the good rows that contradict the mappings already there.
        existing = state.host.mapping_rows_of(name, kind)
        listed = import_problems(problems, numbered, contradictions(kind, existing, rows))
    else:
        try:
            added = state.host.add_mappings(name, kind, rows)
        except MappingConflict as conflict:
            listed = import_problems([], numbered, conflict.problems)
        else:
            return _tab(request, kind, message=f"{filename}: {added} row(s) added.")
    return _tab(
        request,
        kind,
        problems=[f"{filename}: {len(listed)} problem(s); nothing was added.", *listed],
    )


async def export_csv(request: Request) -> Response:
    kind = _kind(request)

    def work() -> Response:
        name = request.path_params["name"]
        buffer = io.StringIO()
        write_mapping_csv(buffer, kind, console(request).host.mapping_table(name, kind))
        return Response(
            buffer.getvalue(),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{_file_name(name, kind)}"'},
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
