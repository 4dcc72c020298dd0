"""``techoms demo``: the whole story on a Leanafy sandbox (see :mod:`.story`)."""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path

import click
from click.core import ParameterSource

from plugins.leanafy.demo import story
from techoms_core.cli.app import CliState, CommandFailed
from techoms_core.store import SqliteHost


@click.command("demo")
@click.option(
    "--db",
    "demo_db",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Keep the demo's database in this new file (default: a temporary one).",
)
@click.option(
    "--console",
    "with_console",
    is_flag=True,
    help="Then serve the channel console over the demo's database, the sandbox still "
    "running (what `make console` does).",
)
@click.option("--port", default=8700, show_default=True, help="The console's port with --console.")
@click.pass_context
def demo(ctx: click.Context, demo_db: Path | None, with_console: bool, port: int) -> None:
    """Tell the whole story of a Leanafy channel, end to end, on a local sandbox.

    Starts the Leanafy sandbox on a free loopback port, creates a Leanafy
    channel in a fresh database, loads sample data and walks through every
    flow with real HTTP: health check, the Sync menu and the Master Product
    Source, exporting products, sending shipments and receipts, the warehouse
    shipping and receiving, receiving shipments, receipts and inventory, and
    the run log. Each step prints the ``techoms`` command it runs.

    With ``--console`` the sandbox keeps running afterwards and the channel
    console serves the demo's database on 127.0.0.1, printing its URL and
    password; Ctrl-C stops both.

    Exit status 1 if any step does not behave as narrated. Your own database
    (``TECHOMS_DB``) is never touched: the demo uses a temporary one unless
    ``--db`` names a new file.
    """
    root = ctx.find_root()
    caller = ctx.ensure_object(CliState)
    if demo_db is None and root.get_parameter_source("db") is ParameterSource.COMMANDLINE:
        demo_db = root.params["db"]
    if demo_db is not None and demo_db.exists():
        raise CommandFailed(f"{demo_db} exists; the demo needs a new database file")
    path, scratch = fresh_database(demo_db)
    environ = {
        **os.environ,
        story.KEY_VARIABLE: os.environ.get("LEANAFY_SANDBOX_API_KEY") or secrets.token_hex(16),
        story.SECRET_VARIABLE: os.environ.get("LEANAFY_SANDBOX_API_SECRET")
        or secrets.token_hex(24),
    }
    caller.out.add_secrets([environ[story.KEY_VARIABLE], environ[story.SECRET_VARIABLE]])
    try:
        with SqliteHost(path) as host:
            state = CliState(
                path, registry=caller.registry, host=host, environ=environ, output=caller.out
            )
            then = _console_after_story(state, caller, demo_db, port) if with_console else None
            mismatches = story.tell_the_story(state, _in_process(state), then=then)
    finally:
        if scratch is not None:
            scratch.cleanup()
    if mismatches or not with_console:
        _conclude(caller, mismatches, demo_db)


def _console_after_story(state: CliState, caller: CliState, kept: Path | None, port: int):
    """Serve the console over the demo's database once the story is told."""
    from techoms_core.cli.console import serve_console_for

    def serve(sandbox) -> None:
        _conclude(caller, [], kept)
        out = caller.out.out
        out.print()
        out.print(f"The Leanafy sandbox keeps running at {sandbox.url} for the console.")
        serve_console_for(state, host="127.0.0.1", port=port)

    return serve


def fresh_database(chosen: Path | None) -> tuple[Path, tempfile.TemporaryDirectory | None]:
    """The demo's database: ``chosen`` (a new file), or one in a temporary directory."""
    if chosen is not None:
        return chosen, None
    scratch = tempfile.TemporaryDirectory(prefix="techoms-demo-")
    return Path(scratch.name) / "techoms-demo.db", scratch


def _in_process(state: CliState):
    """Run one ``techoms`` command line with the demo's state; its exit status."""
    from techoms_core.cli import main

    def run(args: list[str]) -> int:
        try:
            status = main.main(args=args, obj=state, standalone_mode=False)
        except click.exceptions.Exit as exit_:
            return exit_.exit_code
        except click.ClickException as error:
            error.show(file=state.out.err.file)
            return error.exit_code
        return status if isinstance(status, int) else 0

    return run


def _conclude(state: CliState, mismatches: list[str], kept: Path | None) -> None:
    out = state.out.out
    out.print()
    if mismatches:
        out.print(f"[bold red]{len(mismatches)} step(s) did not behave as narrated:[/]")
        for mismatch in mismatches:
            out.print(f"  - {mismatch}", markup=False)
        raise click.exceptions.Exit(1)
    out.print("[bold green]Every step behaved as narrated.[/]")
    if kept is not None:
        out.print(f"The database is kept: try `techoms --db {kept} show shipments`.")
    else:
        out.print("To keep the database and explore it: techoms demo --db demo.db")
