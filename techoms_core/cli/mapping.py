"""``techoms map``: a channel's SKU, carrier/service and reference mappings.

Rows are only ever added: a row that repeats one already there is not added
twice, and a row that contradicts one (a SKU already mapped elsewhere) is
refused with the reason. CSV files import and export the same rows; an import
is checked whole and adds all of its rows or none.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NoReturn

import click
from rich.table import Table

from techoms_core.cli.app import CliState, CommandFailed, pass_state
from techoms_core.cli.output import plain
from techoms_core.mapping_input import (
    CSV_COLUMNS,
    MappingInputError,
    contradictions,
    csv_cell,
    import_problems,
    read_mapping_csv,
    reference_problem,
    write_mapping_csv,
)
from techoms_core.mappings import CarrierRow, MappingConflict, ReferenceRow, UnmappedPolicy
from techoms_core.models import ReferenceLevel
from techoms_core.plugin import ChannelPlugin


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
    problem = reference_problem(plugin, row)
    if problem:
        raise CommandFailed(problem)
    added = state.host.add_reference_mappings(name, [row])
    _report_added(state, name, "reference", added, 1)


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
            table.add_row(*(plain(csv_cell(row[column])) for column in CSV_COLUMNS[kind]))
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
        write_mapping_csv(handle, kind, rows)
    state.out.out.print(f"{len(rows)} {kind} mapping row(s) written to {file}.")


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
    numbered, problems = _read_file(file, kind, plugin)
    rows = [row for _, row in numbered]
    if problems:
        # Also name the good rows that contradict the mappings already there.
        conflicts = contradictions(kind, state.host.mapping_rows_of(name, kind), rows)
        _refuse_file(file, import_problems(problems, numbered, conflicts))
    try:
        added = state.host.add_mappings(name, kind, rows)
    except MappingConflict as conflict:
        _refuse_file(file, import_problems([], numbered, conflict.problems))
    _report_added(state, name, kind, added, len(rows))


def _refuse_file(file: Path, problems: list[str]) -> NoReturn:
    """Every problem of the file, by row number; nothing was added."""
    count = len(problems)
    raise CommandFailed(
        f"{file}: {count} problem{'s' if count != 1 else ''}; nothing was added.", problems
    )


def _read_file(
    file: Path, kind: str, plugin: ChannelPlugin
) -> tuple[list[tuple[int, Any]], list[tuple[int, str]]]:
    """:func:`~techoms_core.mapping_input.read_mapping_csv` on ``file``; a file
    that is not UTF-8 text or not mapping CSV is :class:`CommandFailed`."""
    try:
        with file.open(newline="", encoding="utf-8-sig") as handle:
            return read_mapping_csv(handle, kind, plugin)
    except UnicodeDecodeError as exc:
        raise CommandFailed(
            f"{file}: not UTF-8 text (byte {exc.object[exc.start]:#04x} at offset {exc.start});"
            " save the file as UTF-8 and import it again"
        ) from None
    except MappingInputError as unreadable:
        raise CommandFailed(f"{file}: {unreadable}") from None


def register(group: click.Group) -> None:
    group.add_command(map_group)
