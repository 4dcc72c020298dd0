"""``techoms console``: the channel console, a web page over the same store and runner."""

from __future__ import annotations

import click

from techoms_core.cli.app import CliState, CommandFailed, pass_state
from techoms_core.cli.sync import stop_on_signals

EXTRA_HINT = "pip install 'techoms-channels[console]'"


@click.command("console")
@click.option("--port", default=8700, show_default=True, help="Port (0 picks a free one).")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to bind. Anything but a loopback address exposes the console to the network.",
)
@pass_state
def console(state: CliState, port: int, host: str) -> None:
    """Serve the channel console: channels, their settings, mappings, syncs,
    runs, the review queue and the records, in a web browser.

    The console works on the same database as every other command (``--db``
    / ``TECHOMS_DB``) and runs syncs through the same runner. It asks for a
    password: the value of TECHOMS_CONSOLE_PASSWORD, or one generated now and
    printed below. It listens on 127.0.0.1 unless ``--host`` says otherwise.
    Stops on Ctrl-C or SIGTERM; a sync in progress finishes its batch first.
    """
    serve_console_for(state, host=host, port=port)


def serve_console_for(state: CliState, *, host: str, port: int) -> None:
    """Serve the console over ``state``'s host, registry and environment until
    Ctrl-C or SIGTERM, printing its URL and how to log in. ``techoms console``
    calls it, and so may a plugin's command (Leanafy's ``demo --console``)."""
    try:
        from techoms_core.console import ConsoleState, serve_console
        from techoms_core.console.server import PASSWORD_ENV_VAR, console_password, is_loopback
    except ImportError as missing:
        raise CommandFailed(f"the console needs its extra ({missing.name}): {EXTRA_HINT}") from None
    password, generated = console_password(state.environ)
    out = state.out
    if not is_loopback(host):
        out.note(
            f"Warning: --host {host} is not a loopback address: anyone who can reach it "
            "may try the password. Serve it behind HTTPS if you must."
        )
    console_state = ConsoleState(
        host=state.creating_host, registry=state.registry, environ=state.environ, password=password
    )

    def started(url: str) -> None:
        out.out.print(f"techOMS console: {url}", markup=False)
        if generated:
            out.out.print(f"Password: {password}", markup=False)
            out.note(f"(set {PASSWORD_ENV_VAR} to choose the password)")
        else:
            out.out.print(f"Password: the value of {PASSWORD_ENV_VAR}", markup=False)
        out.out.print("Stop with Ctrl-C.", markup=False)

    try:
        with stop_on_signals(state.environ) as stop:
            serve_console(console_state, host=host, port=port, started=started, stop=stop)
    except OSError as error:
        raise CommandFailed(f"cannot listen on {host}:{port}: {error.strerror or error}") from None


def register(group: click.Group) -> None:
    group.add_command(console)
