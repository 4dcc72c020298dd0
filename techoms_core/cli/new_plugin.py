"""``techoms new-plugin NAME``: start a channel plugin from the template."""

from __future__ import annotations

import json
from pathlib import Path

import click

from techoms_core.template import PluginNameError, create_plugin, next_steps, plugin_names


class NewPluginFailed(click.ClickException):
    exit_code = 1


@click.command("new-plugin")
@click.argument("name")
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default="the current directory",
    help="Where to create the plugin's folder.",
)
@click.option("--json", "as_json", is_flag=True, help="Print what was created as JSON.")
def new_plugin(name: str, directory: Path, as_json: bool) -> None:
    """Create a new channel plugin package, NAME (e.g. acme or acme-wms).

    The folder techoms-NAME is an installable package: its techoms.channels
    entry point is wired, it declares itself, implements health_check and
    send_shipments against a fake WMS it carries, and runs the techOMS
    conformance suite. Its tests pass as created:

    \b
      cd techoms-NAME && pip install -e '.[test]' && pytest
    """
    try:
        names = plugin_names(name)
        folder = create_plugin(name, directory)
    except (PluginNameError, FileExistsError, OSError) as error:
        raise NewPluginFailed(str(error)) from None
    if as_json:
        click.echo(
            json.dumps(
                {
                    "path": str(folder),
                    "key": names["key"],
                    "package": names["package"],
                    "distribution": names["distribution"],
                }
            )
        )
        return
    click.echo(f"Created {folder} (channel key {names['key']!r}, package {names['package']}).")
    for line in next_steps(folder):
        click.echo(line)
    click.echo(f"  techoms plugins             # {names['key']} is listed")
