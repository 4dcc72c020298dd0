"""``techoms map``: a channel's SKU, carrier/service and reference mappings.

Rows are only ever added: a row that repeats one already there is not added
twice, and a row that contradicts one (a SKU already mapped elsewhere) is
refused with the reason. CSV files import and export the same rows; an import
is checked whole and adds all of its rows or none.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

import click
from rich.table import Table

from techoms_core.cli.app import CliState, CommandFailed, pass_state
from techoms_core.cli.csv_cells import neutralised, restored
from techoms_core.cli.output import plain
from techoms_core.mappings import (
    CarrierRow,
    MappingConflict,
    MappingProblem,
    ReferenceRow,
    UnmappedPolicy,
    plan_carrier_rows,
    plan_reference_rows,
    plan_sku_rows,
)
from techoms_core.models import ReferenceLevel
from techoms_core.plugin import ChannelPlugin

#: The columns of each mapping kind's CSV file, in order.
CSV_COLUMNS: dict[str, tuple[str, ...]] = {
    "sku": ("system_sku", "channel_sku"),
    "carrier": (
        "carrier_channel",
        "service_channel",
        "carrier_system",
        "service_system",
        "primary",
    ),
    "reference": ("level", "code", "property"),
}
_TRUE, _FALSE = ("true", "yes", "1", "y"), ("false", "no", "0", "n", "")


@click.group("map")
def map_group() -> None:
    """Add, list, import and export a channel's mappings.

    \b
      techoms map sku NAME SYSTEM_SKU CHANNEL_SKU
      techoms map carrier NAME CARRIER_CH SERVICE_CH CARRIER_SYS SERVICE_SYS [--primary]
      techoms map reference NAME LEVEL CODE PROPERTY
      techoms map list NAME
      techoms map import NAME sku|carrier|reference FILE.csv
      techoms map export NAME sku|carrier|reference FILE.csv
    """


@map_group.command("sku")
@click.argument("name")
@click.argument("system_sku")
@click.argument("channel_sku")
@pass_state
def map_sku(state: CliState, name: str, system_sku: str, channel_sku: str) -> None:
    """Map techOMS SKU SYSTEM_SKU to the channel's CHANNEL_SKU (both ways).

    Outbound records carry CHANNEL_SKU; inbound records come back as
    SYSTEM_SKU. Each SKU maps to one SKU only; SKUs compare trimmed and
    case-insensitively.
    """
    state.channel(name)
    added = state.host.add_sku_mappings(name, [(system_sku, channel_sku)])
    _report_added(state, name, "SKU", added, 1)


@map_group.command("carrier")
@click.argument("name")
@click.argument("carrier_channel")
@click.argument("service_channel")
@click.argument("carrier_system")
@click.argument("service_system")
@click.option("--primary", is_flag=True, help="Prefer this row when several match outbound.")
@pass_state
def map_carrier(
    state: CliState,
    name: str,
    carrier_channel: str,
    service_channel: str,
    carrier_system: str,
    service_system: str,
    primary: bool,
) -> None:
    """Map a carrier/service pair of techOMS to the channel's codes.

    A channel code ending in * matches inbound codes that start with it
    ("2nd Day Air*"); such a wildcard row is never sent outbound, so it
    cannot be --primary. Unmapped pairs pass through with a warning unless
    "techoms map carrier-policy NAME error" is set.
    """
    state.channel(name)
    row = CarrierRow(
        carrier_channel=carrier_channel,
        service_channel=service_channel,
        carrier_system=carrier_system,
        service_system=service_system,
        primary=primary,
    )
    added = state.host.add_carrier_mappings(name, [row])
    _report_added(state, name, "carrier", added, 1)


@map_group.command("carrier-policy")
@click.argument("name")
@click.argument("policy", type=click.Choice([p.value for p in UnmappedPolicy]))
@pass_state
def map_carrier_policy(state: CliState, name: str, policy: str) -> None:
    """What to do with an unmapped carrier/service: warn (pass it through) or error."""
    state.channel(name)
    state.host.set_carrier_policy(name, UnmappedPolicy(policy))
    state.out.out.print(f"Unmapped carriers on {name}: {policy}")


@map_group.command("reference")
@click.argument("name")
@click.argument("level", type=click.Choice([level.value for level in ReferenceLevel]))
@click.argument("code")
@click.argument("property_name", metavar="PROPERTY")
@pass_state
def map_reference(state: CliState, name: str, level: str, code: str, property_name: str) -> None:
    """At LEVEL, send techOMS reference CODE as the WMS's PROPERTY.

    The properties a plugin offers per level are in its declaration (for
    Leanafy e.g. ``primary_reference_number``, ``instructions``).
    """
    _, plugin = state.channel(name)
    row = ReferenceRow(level=level, code=code.strip(), property=property_name.strip())
    problem = _reference_problem(plugin, row)
    if problem:
        raise CommandFailed(problem)
    added = state.host.add_reference_mappings(name, [row])
    _report_added(state, name, "reference", added, 1)


def _reference_problem(plugin: ChannelPlugin, row: ReferenceRow) -> str | None:
    offered = plugin.declaration.reference_properties.get(row.level, ())
    if not row.code:
        return "code: required"
    if row.property in offered:
        return None
    choices = ", ".join(offered) if offered else "none"
    return (
        f"property: {row.property!r} is not a {plugin.declaration.display_name} property at "
        f"level {row.level.value} (offered: {choices})"
    )


def _report_added(state: CliState, name: str, kind: str, added: int, given: int) -> None:
    repeats = given - added
    extra = f" ({repeats} already there)" if repeats else ""
    state.out.out.print(f"{name}: {added} {kind} mapping row(s) added{extra}.")


@map_group.command("list")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@pass_state
def map_list(state: CliState, name: str, as_json: bool) -> None:
    """List every mapping row of channel NAME."""
    state.channel(name)
    rows = {kind: mapping_rows(state, name, kind) for kind in CSV_COLUMNS}
    policy = state.host.mappings(name).carriers.policy.value
    if as_json:
        state.out.json({**rows, "carrier_policy": policy})
        return
    for kind, kind_rows in rows.items():
        table = Table(*CSV_COLUMNS[kind], title=f"{kind} mappings", title_justify="left")
        for row in kind_rows:
            table.add_row(*(plain(_csv_value(row[column])) for column in CSV_COLUMNS[kind]))
        state.out.out.print(table)
    state.out.out.print(f"Unmapped carriers: {policy}")


def mapping_rows(state: CliState, name: str, kind: str) -> list[dict[str, Any]]:
    """The rows of one kind as dicts, one key per CSV column (``primary`` a bool)."""
    host = state.host
    if kind == "sku":
        return [
            {"system_sku": system, "channel_sku": channel}
            for system, channel in host.sku_mapping_rows(name)
        ]
    if kind == "carrier":
        return [
            {
                "carrier_channel": row.carrier_channel,
                "service_channel": row.service_channel,
                "carrier_system": row.carrier_system,
                "service_system": row.service_system,
                "primary": row.primary,
            }
            for row in host.carrier_mapping_rows(name)
        ]
    return [
        {"level": row.level.value, "code": row.code, "property": row.property}
        for row in host.reference_mapping_rows(name)
    ]


@map_group.command("export")
@click.argument("name")
@click.argument("kind", type=click.Choice(list(CSV_COLUMNS)))
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@pass_state
def map_export(state: CliState, name: str, kind: str, file: Path) -> None:
    """Write channel NAME's KIND mappings to FILE (CSV with a header row).

    A cell that a spreadsheet would run as a formula (starting with = + - @)
    is written with a leading ' ; ``map import`` reads it back unchanged."""
    state.channel(name)
    rows = mapping_rows(state, name, kind)
    with file.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS[kind])
        writer.writeheader()
        writer.writerows(
            {key: neutralised(_csv_value(value)) for key, value in row.items()} for row in rows
        )
    state.out.out.print(f"{len(rows)} {kind} mapping row(s) written to {file}.")


def _csv_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@map_group.command("import")
@click.argument("name")
@click.argument("kind", type=click.Choice(list(CSV_COLUMNS)))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_state
def map_import(state: CliState, name: str, kind: str, file: Path) -> None:
    """Add the KIND mapping rows of FILE (CSV) to channel NAME.

    The header names the columns (``techoms map export`` writes one to start
    from). Rows are added, never overwritten: a row already there is left
    alone, one that contradicts an existing row refuses the whole file.
    Every problem is listed with its row number (the header is row 1), and
    nothing is added unless all rows are good.
    """
    _, plugin = state.channel(name)
    numbered, problems = read_mapping_csv(file, kind, plugin)
    rows = [row for _, row in numbered]
    host = state.host
    if problems:
        # Also name the good rows that contradict the mappings already there.
        plan = PLANNERS[kind](mapping_objects(state, name, kind), rows)
        _refuse_file(file, problems, numbered, plan.problems)
    adder = {
        "sku": host.add_sku_mappings,
        "carrier": host.add_carrier_mappings,
        "reference": host.add_reference_mappings,
    }[kind]
    try:
        added = adder(name, rows)
    except MappingConflict as conflict:
        _refuse_file(file, [], numbered, conflict.problems)
    _report_added(state, name, kind, added, len(rows))


#: How rows of each kind would be added to the rows already there.
PLANNERS = {"sku": plan_sku_rows, "carrier": plan_carrier_rows, "reference": plan_reference_rows}


def mapping_objects(state: CliState, name: str, kind: str) -> list[Any]:
    """The channel's rows of one kind, as the store gives them."""
    host = state.host
    return {
        "sku": host.sku_mapping_rows,
        "carrier": host.carrier_mapping_rows,
        "reference": host.reference_mapping_rows,
    }[kind](name)


def _refuse_file(
    file: Path,
    problems: list[tuple[int, str]],
    numbered: list[tuple[int, Any]],
    conflicts: Sequence[MappingProblem],
) -> NoReturn:
    """Every problem of the file, by row number; nothing was added."""
    every = problems + [(numbered[p.index][0], p.message) for p in conflicts]
    every.sort(key=lambda problem: problem[0])
    count = len(every)
    raise CommandFailed(
        f"{file}: {count} problem{'s' if count != 1 else ''}; nothing was added.",
        [f"row {number}: {message}" for number, message in every],
    )


def read_mapping_csv(
    file: Path, kind: str, plugin: ChannelPlugin
) -> tuple[list[tuple[int, Any]], list[tuple[int, str]]]:
    """Read and check a whole mapping CSV: the good rows with their row numbers
    (the header is row 1), and every bad row's problems by row number.
    A file that is not UTF-8 text or not CSV is :class:`CommandFailed`."""
    columns = CSV_COLUMNS[kind]
    rows: list[tuple[int, Any]] = []
    problems: list[tuple[int, str]] = []
    number = 1
    try:
        with file.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            header = [name.strip() for name in reader.fieldnames or []]
            _check_header(file, header, columns)
            for number, raw in enumerate(reader, start=2):
                values = {k.strip(): restored((v or "").strip()) for k, v in raw.items() if k}
                row, row_problems = _mapping_row(kind, values, plugin)
                problems += [(number, problem) for problem in row_problems]
                if row is not None:
                    rows.append((number, row))
    except UnicodeDecodeError as exc:
        raise CommandFailed(
            f"{file}: not UTF-8 text (byte {exc.object[exc.start]:#04x} at offset {exc.start});"
            " save the file as UTF-8 and import it again"
        ) from None
    except csv.Error as exc:
        raise CommandFailed(f"{file}: row {number + 1}: not valid CSV: {exc}") from None
    return rows, problems


def _check_header(file: Path, header: list[str], columns: tuple[str, ...]) -> None:
    missing = [c for c in columns if c not in header and c != "primary"]
    unknown = [c for c in header if c not in columns]
    if missing or unknown:
        raise CommandFailed(
            f"{file}: the header must name the columns {', '.join(columns)}"
            + (f"; missing: {', '.join(missing)}" if missing else "")
            + (f"; unknown: {', '.join(unknown)}" if unknown else "")
        )


def _mapping_row(kind: str, values: dict[str, str], plugin: ChannelPlugin) -> tuple[Any, list[str]]:
    required = [c for c in CSV_COLUMNS[kind] if c != "primary"]
    problems = [f"{column}: required" for column in required if not values.get(column)]
    if problems:
        return None, problems
    if kind == "sku":
        return (values["system_sku"], values["channel_sku"]), []
    if kind == "carrier":
        primary = values.get("primary", "").lower()
        if primary not in _TRUE + _FALSE:
            return None, [f"primary: must be true or false, got {values['primary']!r}"]
        return CarrierRow(
            carrier_channel=values["carrier_channel"],
            service_channel=values["service_channel"],
            carrier_system=values["carrier_system"],
            service_system=values["service_system"],
            primary=primary in _TRUE,
        ), []
    levels = [level.value for level in ReferenceLevel]
    if values["level"] not in levels:
        return None, [f"level: must be one of {', '.join(levels)}, got {values['level']!r}"]
    row = ReferenceRow(level=values["level"], code=values["code"], property=values["property"])
    problem = _reference_problem(plugin, row)
    return (None, [problem]) if problem else (row, [])


def register(group: click.Group) -> None:
    group.add_command(map_group)
