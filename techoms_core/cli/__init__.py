"""The ``techoms`` command: the reference host's command line (spec §9).

Each command group lives in its own module and is registered on :data:`main`
below. Every command prints through :class:`~techoms_core.cli.output.Output`,
which masks secret values, and fails with exit status 1 and a message naming
what to fix (:class:`~techoms_core.cli.app.TechomsGroup`).
"""

from __future__ import annotations

from pathlib import Path

import click

from techoms_core.cli import (
    channels,
    console,
    jobs,
    log,
    mapping,
    plugins,
    records,
    review,
    secret_key,
    sync,
    worker,
)
from techoms_core.cli.app import DEBUG_ENV_VAR, CliState, DatabaseTarget, TechomsGroup
from techoms_core.cli.new_plugin import new_plugin
from techoms_core.store import DB_ENV_VAR


@click.group(cls=TechomsGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    type=DatabaseTarget(),
    envvar=DB_ENV_VAR,
    show_envvar=True,
    help="The techOMS database: a SQLite file, or a postgresql+psycopg://user@host/dbname "
    "URL. Default: techoms.db in your user data directory.",
)
@click.option(
    "--debug",
    is_flag=True,
    envvar=DEBUG_ENV_VAR,
    show_envvar=True,
    help="Print the traceback of an unexpected error (secrets still masked).",
)
@click.version_option(package_name="techoms-channels")
@click.pass_context
def main(ctx: click.Context, db: str | Path | None, debug: bool) -> None:
    """techOMS fulfillment channels: the reference host.

    techOMS keeps products, shipments and receipts; a channel connects it to a
    warehouse management system (WMS) through a channel plugin. Installed
    plugins may add commands of their own (listed below with the host's).
    Start with:

    \b
      techoms plugins                       which channel plugins are installed
      techoms channel add NAME --plugin KEY --set field=value ...
      techoms menu NAME                     what the channel can sync
      techoms sync NAME OPTION              run one sync option now
    """
    state = ctx.ensure_object(CliState)
    if state.db is None:
        state.db = db
    state.debug = state.debug or debug
    state.remember_host_secrets()
    ctx.call_on_close(state.close)


for module in (
    channels,
    secret_key,
    sync,
    worker,
    records,
    review,
    mapping,
    jobs,
    log,
    plugins,
    console,
):
    module.register(main)
main.add_command(new_plugin)

__all__ = ["CliState", "main"]
