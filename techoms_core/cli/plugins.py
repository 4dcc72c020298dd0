"""``techoms plugins``: the channel master list of the installed plugins."""

from __future__ import annotations

from typing import Any

import click
from rich import box
from rich.console import Console
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from techoms_core.cli.app import CliState, CommandFailed, pass_state
from techoms_core.cli.output import plain
from techoms_core.models import Feature
from techoms_core.plugin import ChannelPlugin
from techoms_core.settings.json_schema import settings_json_schema
from techoms_core.settings.ui_schema import settings_ui_schema

YES, NO = "✓", "·"


@click.group("plugins", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
@click.option("--strict", is_flag=True, help="Exit with status 1 when any plugin failed to load.")
@click.pass_context
def plugins_command(context: click.Context, as_json: bool, strict: bool) -> None:
    """List installed channel plugins as techOMS's channel master list.

    One row per plugin: key, name, version, beta flag, then one column per
    feature (SKU / carrier / reference mappings, Suppress PII, lot numbers...)
    and the Sync options the plugin implements. Plugins are found through the
    ``techoms.channels`` entry point group; one that fails to load is listed
    with the reason below the table and the others still work.

    ``techoms plugins schema KEY`` prints a plugin's settings form as JSON
    Schema with a JSON Forms UI schema.
    """
    if context.invoked_subcommand is None:
        _master_list_command(context.find_object(CliState), as_json, strict)


@plugins_command.command("schema")
@click.argument("key")
@pass_state
def schema_command(state: CliState, key: str) -> None:
    """Print plugin KEY's settings as JSON Schema plus a JSON Forms UI schema.

    One JSON document: ``{"plugin": KEY, "schema": ..., "uischema": ...}``.
    ``schema`` is JSON Schema draft 2020-12 stating the rules the server
    applies on save (types, choices, bounds, required fields, conditions);
    ``uischema`` lays the fields out in one category per section, with a
    SHOW/HIDE/ENABLE/DISABLE rule for each conditional field, so any frontend
    (JSON Forms or another) can render and check the form.
    """
    declaration = state.registry.get(key).declaration
    state.out.json(
        {
            "plugin": declaration.key,
            "schema": settings_json_schema(
                declaration.settings, title=f"{declaration.display_name} settings"
            ),
            "uischema": settings_ui_schema(declaration.settings),
        }
    )


def _master_list_command(state: CliState, as_json: bool, strict: bool) -> None:
    registry = state.registry
    state.plugin_commands  # noqa: B018  (collected, so a plugin whose commands fail is listed)
    loaded = registry.plugins()
    if as_json:
        state.out.json(
            {
                "plugins": [_plugin_json(plugin) for plugin in loaded],
                "problems": [{"name": p.name, "reason": p.reason} for p in registry.problems],
            }
        )
    else:
        state.out.out.print(_fitting_master_list(state.out.out, loaded))
        for line in _options_lines(loaded):
            state.out.out.print(plain(line))
        for problem in registry.problems:
            state.out.err.print(Text(f"! {problem}", style="yellow"))
    if strict and registry.problems:
        raise CommandFailed(f"{len(registry.problems)} plugin(s) failed to load (--strict)")


def _master_list(loaded: list[ChannelPlugin]) -> Table:
    """One row per plugin, one column per feature (techOMS's layout)."""
    table = Table(
        title="Channel master list",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        padding=(0, 1),
        collapse_padding=True,
    )
    for heading in ("Key", "Name", "Version", "Beta"):
        table.add_column(heading, no_wrap=True)
    for feature in Feature:
        longest_word = max(len(word) for word in feature.value.split())
        table.add_column(feature.value, justify="center", min_width=longest_word)
    for plugin in loaded:
        declared = plugin.declaration
        table.add_row(
            declared.key,
            declared.display_name,
            declared.version,
            YES if declared.beta else NO,
            *(YES if feature in declared.features else NO for feature in Feature),
        )
    if not loaded:
        table.caption = "no channel plugins are installed"
    return table


def _master_list_transposed(loaded: list[ChannelPlugin]) -> Table:
    """The same facts for a narrow terminal: one column per plugin."""
    table = Table(title="Channel master list", title_justify="left", box=box.SIMPLE_HEAD)
    table.add_column("")
    for plugin in loaded:
        table.add_column(plugin.key, justify="center")
    declarations = [plugin.declaration for plugin in loaded]
    table.add_row("Name", *(d.display_name for d in declarations))
    table.add_row("Version", *(d.version for d in declarations))
    table.add_row("Beta", *(YES if d.beta else NO for d in declarations))
    for feature in Feature:
        table.add_row(feature.value, *(YES if feature in d.features else NO for d in declarations))
    return table


def _fitting_master_list(console: Console, loaded: list[ChannelPlugin]) -> Table:
    """Features as columns when the terminal is wide enough, else transposed."""
    table = _master_list(loaded)
    unbounded = console.options.update_width(10_000)
    needed = Measurement.get(console, unbounded, table).minimum
    return table if needed <= console.width or not loaded else _master_list_transposed(loaded)


def _options_lines(loaded: list[ChannelPlugin]) -> list[str]:
    """Per plugin, the sync options it implements (its Sync menu before the
    Master Product Source gate)."""
    return [
        f"{plugin.key} implements: "
        + ", ".join(option.key for option in plugin.implemented_options())
        for plugin in loaded
    ]


def _plugin_json(plugin: ChannelPlugin) -> dict[str, Any]:
    declared = plugin.declaration
    return {
        "key": declared.key,
        "display_name": declared.display_name,
        "version": declared.version,
        "beta": declared.beta,
        "description": declared.description,
        "features": [feature.value for feature in Feature if feature in declared.features],
        "options": [option.key for option in plugin.implemented_options()],
        "required_export_fields": list(declared.required_export_fields),
        "throughput_profiles": [
            {
                "key": profile.key,
                "max_concurrency": profile.max_concurrency,
                "requests_per_second": profile.requests_per_second,
            }
            for profile in declared.throughput_profiles
        ],
    }


def register(group: click.Group) -> None:
    group.add_command(plugins_command)
