"""``techoms account``, ``channel``, ``health`` and ``menu``: setting channels up.

Settings are given as ``--set field=value`` (``channel add``) or
``field=value`` (``channel set``); a value ``env:VAR`` is read from the
environment variable ``VAR`` whenever the channel is used, and only the
reference is stored. Settings are validated on save, every problem reported
at once, and secret values are never printed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import click
from rich.table import Table
from rich.text import Text

from techoms_core.cli.app import CliState, CommandFailed, pass_state
from techoms_core.cli.output import plain
from techoms_core.cli.secret_input import read_asked_values
from techoms_core.context import ChannelConfig
from techoms_core.health_log import check_channel
from techoms_core.menu import TECHOMS, passes_gate, sync_menu
from techoms_core.models import HealthCheck, HealthReport
from techoms_core.plugin import ChannelPlugin
from techoms_core.secrets import MASK, Secret
from techoms_core.settings import ChannelSettings, FieldType, SettingsError, validate_settings
from techoms_core.settings.validation import ENV_PREFIX, SettingsProblem


def parse_assignments(assignments: Iterable[str]) -> tuple[dict[str, str], list[SettingsProblem]]:
    """``["api_url=https://x", "throughput=low"]`` -> a dict, and a problem for
    each malformed one (values are never echoed: one may be a secret)."""
    values: dict[str, str] = {}
    problems = []
    for position, assignment in enumerate(assignments, start=1):
        key, sep, value = assignment.partition("=")
        if not sep or not key.strip():
            problems.append(
                SettingsProblem(f"#{position}", f"setting #{position}: expected FIELD=VALUE")
            )
            continue
        values[key.strip()] = value
    return values, problems


def validated_settings(
    state: CliState, plugin: ChannelPlugin, raw: Mapping[str, Any], early: list[SettingsProblem]
) -> ChannelSettings:
    """Validate ``raw`` against the plugin's schema; raise one
    :class:`SettingsError` with ``early`` problems and the schema's together."""
    try:
        settings = validate_settings(plugin.declaration.settings, raw, environ=state.environ)
    except SettingsError as error:
        raise SettingsError((*early, *error.problems)) from None
    if early:
        raise SettingsError(tuple(early))
    return settings


# -- account ----------------------------------------------------------------------


@click.group("account")
def account() -> None:
    """The techOMS account: its Master Product Source."""


@account.command("set")
@click.option(
    "--master-product-source",
    "source",
    required=True,
    metavar="techoms|CHANNEL",
    help="Where product data comes from: techOMS itself, or one channel.",
)
@pass_state
def account_set(state: CliState, source: str) -> None:
    """Choose the account's Master Product Source.

    With ``techoms`` (the default) products are made in techOMS and exported
    to channels. Naming a channel makes that channel the single origin of
    product data: its Sync menu then offers Import Products and no longer
    offers Export/Update Products (see ``techoms menu NAME``).
    """
    state.creating_host.set_master_product_source(source.strip())
    state.out.out.print(f"Master Product Source: {source.strip()}")


@account.command("show")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@pass_state
def account_show(state: CliState, as_json: bool) -> None:
    """Show the account's Master Product Source."""
    source = state.host.master_product_source()
    if as_json:
        state.out.json({"master_product_source": source})
    else:
        state.out.out.print(f"Master Product Source: {source}")


# -- channel ----------------------------------------------------------------------


@click.group("channel")
def channel() -> None:
    """Add, list, show, change and delete channels."""


@channel.command("add")
@click.argument("name")
@click.option("--plugin", "plugin_key", required=True, help="The plugin key, e.g. leanafy.")
@click.option(
    "--set",
    "assignments",
    multiple=True,
    metavar="FIELD=VALUE",
    help="A setting; repeat for each. VALUE may be env:VAR to read VAR when used, "
    "or - to type it at a (hidden) prompt or read it from stdin.",
)
@click.option("--warehouse", help="The techOMS warehouse this channel serves.")
@click.option("--disabled", is_flag=True, help="Add the channel switched off.")
@pass_state
def channel_add(
    state: CliState,
    name: str,
    plugin_key: str,
    assignments: tuple[str, ...],
    warehouse: str | None,
    disabled: bool,
) -> None:
    """Add channel NAME served by plugin KEY, validating its settings.

    Example (Leanafy; the key read from the environment whenever the channel
    is used, the secret typed at a hidden prompt and stored encrypted):

    \b
      techoms channel add leanafy-east --plugin leanafy \\
        --set api_url=https://nova-sandbox.leanafywms.com \\
        --set api_key=env:LEANAFY_API_KEY --set api_secret=-

    Every problem with the settings is reported at once and nothing is saved.
    ``techoms channel show NAME`` lists the fields a plugin takes.
    """
    plugin = state.registry.get(plugin_key)
    raw, malformed = parse_assignments(assignments)
    raw, unread = read_asked_values(plugin, raw, state.out)
    malformed += unread
    state.remember_secrets(plugin, raw)
    settings = validated_settings(state, plugin, raw, malformed)
    config = ChannelConfig(
        name=name,
        plugin=plugin.key,
        settings=settings.raw_for_storage(),
        warehouse=warehouse,
        enabled=not disabled,
    )
    state.creating_host.add_channel(config)
    state.out.out.print(
        f"Channel [bold]{name}[/] added ({plugin.declaration.display_name}). "
        f"Next: techoms health {name}"
    )


@channel.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@pass_state
def channel_list(state: CliState, as_json: bool) -> None:
    """List the channels: plugin, techOMS warehouse, enabled, and which one (if
    any) is the account's Master Product Source."""
    configs = state.host.channels()
    source = state.host.master_product_source()
    if as_json:
        state.out.json([_config_json(c, c.name == source) for c in configs])
        return
    table = Table("Name", "Plugin", "Warehouse", "Enabled", "Master Product Source")
    for config in configs:
        table.add_row(
            plain(config.name),
            plain(config.plugin),
            plain(config.warehouse),
            "yes" if config.enabled else "no",
            "yes" if config.name == source else "",
        )
    state.out.out.print(table)


def _config_json(config: ChannelConfig, master: bool) -> dict[str, Any]:
    return {
        "name": config.name,
        "plugin": config.plugin,
        "warehouse": config.warehouse,
        "enabled": config.enabled,
        "master_product_source": master,
    }


@channel.command("show")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@pass_state
def channel_show(state: CliState, name: str, as_json: bool) -> None:
    """Show channel NAME: its settings (secrets masked) and its Sync menu."""
    config, plugin = state.channel(name)
    rows, problems = settings_rows(state, plugin, config.settings)
    menu = sync_menu(plugin, name, state.host.master_product_source())
    if as_json:
        document = _config_json(config, state.host.master_product_source() == name)
        document["settings"] = {row["key"]: row["value"] for row in rows}
        document["sources"] = {row["key"]: row["source"] for row in rows if row["source"]}
        document["menu"] = [option.key for option in menu]
        document["problems"] = [str(problem) for problem in problems]
        state.out.json(document)
        return
    out = state.out.out
    out.print(f"[bold]{name}[/]: {plugin.declaration.display_name} {plugin.declaration.version}")
    out.print(f"  warehouse: {config.warehouse or '-'}   enabled: {config.enabled}")
    table = Table("Section", "Field", "Label", "Value", "From")
    section = None
    for row in rows:
        shown = row["section"] if row["section"] != section else ""
        section = row["section"]
        table.add_row(shown, *(plain(row[k]) for k in ("key", "label", "value", "source")))
    out.print(table)
    for problem in problems:
        state.out.err.print(Text(f"! {problem}", style="yellow"))
    out.print("Sync menu: " + (", ".join(option.key for option in menu) or "(empty)"))


def _as_stored(schema: Any, stored: Mapping[str, Any]) -> dict[str, Any]:
    """Field values as stored (``env:VAR`` references as written), else defaults."""
    values = {}
    for field in schema.fields:
        given = stored.get(field.key, field.default)
        values[field.key] = None if isinstance(given, Secret) else given
    return values


def settings_rows(
    state: CliState, plugin: ChannelPlugin, stored: Mapping[str, Any]
) -> tuple[list[dict[str, Any]], tuple[SettingsProblem, ...]]:
    """One display row per settings field, secrets masked, with where each
    value comes from (``env:VAR``), and the problems validation finds now."""
    schema = plugin.declaration.settings
    try:
        values: Mapping[str, Any] = validate_settings(
            schema, stored, environ=state.environ
        ).masked()
        problems: tuple[SettingsProblem, ...] = ()
    except SettingsError as error:
        # One bad field (an unset env:VAR) must not hide the others: show them
        # as stored, or their defaults; secrets stay masked below.
        values, problems = _as_stored(schema, stored), error.problems
    rows = []
    for field in schema.fields:
        given = stored.get(field.key)
        given = given.reveal() if isinstance(given, Secret) else given
        source = given.strip() if isinstance(given, str) and given.startswith(ENV_PREFIX) else ""
        value = values.get(field.key)
        if field.type is FieldType.SECRET and (value is not None or given):
            value = MASK
        rows.append(
            {
                "section": str(field.section),
                "key": field.key,
                "label": field.label,
                "value": value,
                "source": source,
            }
        )
    return rows, problems


@channel.command("set")
@click.argument("name")
@click.argument("assignments", nargs=-1, metavar="FIELD=VALUE...")
@click.option(
    "--warehouse", help="Change the techOMS warehouse this channel serves ('' clears it)."
)
@click.option("--enable/--disable", "enabled", default=None, help="Switch the channel on or off.")
@pass_state
def channel_set(
    state: CliState,
    name: str,
    assignments: tuple[str, ...],
    warehouse: str | None,
    enabled: bool | None,
) -> None:
    """Change settings of channel NAME: ``techoms channel set NAME throughput=low``.

    Only the fields named change; ``field=`` (empty) clears one, ``field=-``
    asks for the value (a hidden prompt for secrets, or one line of stdin).
    The result is validated as a whole and every problem reported at once;
    nothing is saved unless all is well.
    """
    config, plugin = state.channel(name)
    changes, malformed = parse_assignments(assignments)
    changes, unread = read_asked_values(plugin, changes, state.out)
    malformed += unread
    state.remember_secrets(plugin, changes)
    merged = {**config.settings, **changes}
    settings = validated_settings(state, plugin, merged, malformed)
    changes_to_config: dict[str, Any] = {"enabled": enabled}
    if warehouse is not None:
        changes_to_config["warehouse"] = warehouse.strip() or None
    state.host.update_channel(name, settings=settings.raw_for_storage(), **changes_to_config)
    changed = sorted(changes) + (["warehouse"] if warehouse is not None else [])
    changed += [] if enabled is None else ["enabled" if enabled else "disabled"]
    state.out.out.print(f"Channel {name} saved ({', '.join(changed) or 'nothing changed'}).")


@channel.command("delete")
@click.argument("name")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_state
def channel_delete(state: CliState, name: str, yes: bool) -> None:
    """Delete channel NAME with its mappings, cursors, jobs and send states.

    Shipments and receipts it holds open (sent, not yet shipped or received)
    go back to ready without its WMS ids, so a new channel sends them again;
    its review items go too. Finished records keep their history.
    """
    state.host.channel(name)
    if not yes:
        click.confirm(f"Delete channel {name} and everything it keeps?", abort=True)
    state.host.delete_channel(name)
    state.out.out.print(f"Channel {name} deleted.")


# -- health and menu ---------------------------------------------------------------


@click.command("health")
@click.argument("name")
@click.option(
    "--json", "as_json", is_flag=True, help="Print as JSON (ok, message, latency, checks)."
)
@pass_state
def health(state: CliState, name: str, as_json: bool) -> None:
    """Run the Health Check of channel NAME: reachable, credentials, warehouse.

    Prints each check's result and latency, then the whole check's latency.
    The check is kept as the channel's last health check, which the console's
    Fulfillment Channels page shows. Exit status 1 when any check fails.
    """
    config, plugin = state.channel(name)
    result = check_channel(state.host, plugin, config, environ=state.environ)
    if result.report is None:
        raise CommandFailed(f"health check of {name} not made: {result.error}")
    report = result.report
    if as_json:
        state.out.json(
            {
                "channel": name,
                "ok": report.ok,
                "message": report.message,
                "latency_ms": report.latency_ms,
                "checked_at": result.at.isoformat(),
                "checks": [
                    {
                        "name": c.name,
                        "ok": c.ok,
                        "message": c.message,
                        "latency_ms": c.latency_ms,
                    }
                    for c in report.checks
                ],
            }
        )
    else:
        for check in report.checks:
            mark = "[green]✓[/]" if check.ok else "[red]✗[/]"
            state.out.out.print(mark, plain(f"{check.name}: {check.message or 'ok'}{_ms(check)}"))
        state.out.out.print(f"{'healthy' if report.ok else 'NOT healthy'}{_ms(report)}")
    if not report.ok:
        raise click.exceptions.Exit(1)


def _ms(timed: HealthCheck | HealthReport) -> str:
    """`` (12 ms)``, or nothing when the plugin did not time it."""
    return f" ({timed.latency_ms:.0f} ms)" if timed.latency_ms is not None else ""


@click.command("menu")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print the option keys as a JSON array.")
@pass_state
def menu(state: CliState, name: str, as_json: bool) -> None:
    """Show the Sync menu of channel NAME: what ``techoms sync`` can run.

    The menu is derived from the hooks the channel's plugin implements, in
    the order of spec §3. Product options also follow the Master Product
    Source: Import Products only when this channel is the source,
    Export/Update Products only when it is not.
    """
    _, plugin = state.channel(name)
    source = state.host.master_product_source()
    options = sync_menu(plugin, name, source)
    if as_json:
        state.out.json([option.key for option in options])
        return
    table = Table(
        "Option", "Label", "Direction", title=f"Sync menu of {name}", title_justify="left"
    )
    for option in options:
        table.add_row(option.key, option.label, option.direction.value)
    state.out.out.print(table)
    gated = [o for o in plugin.implemented_options() if not passes_gate(o, name, source)]
    for option in gated:
        state.out.out.print(
            f"  ({option.key} is hidden: it runs {option.gate.value}, "
            f"which is {source if source != TECHOMS else 'techoms'})"
        )


def register(group: click.Group) -> None:
    for command in (account, channel, health, menu):
        group.add_command(command)
