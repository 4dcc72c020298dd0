"""``techoms sandbox``: serve the Leanafy sandbox in the foreground."""

from __future__ import annotations

import signal
import threading
from pathlib import Path

import click
from rich.markup import escape

from plugins.leanafy.sandbox.server import is_loopback, serve
from techoms_core.cli.app import CliState, pass_state
from techoms_core.private_files import tighten


@click.command("sandbox")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", default=8765, show_default=True, help="Port (0 picks a free one).")
@click.option(
    "--api-key",
    envvar="LEANAFY_SANDBOX_API_KEY",
    show_envvar=True,
    help="The Api Key the sandbox accepts (default: generated and printed).",
)
@click.option(
    "--api-secret",
    envvar="LEANAFY_SANDBOX_API_SECRET",
    show_envvar=True,
    help="The Api Secret the sandbox accepts (default: generated and printed).",
)
@click.option(
    "--admin-token",
    envvar="LEANAFY_SANDBOX_ADMIN_TOKEN",
    show_envvar=True,
    help="Bound beyond loopback, the admin API needs this in X-Sandbox-Admin-Token "
    "(default: generated and printed).",
)
@click.option(
    "--seed",
    type=click.Choice(["empty", "demo"]),
    default="empty",
    show_default=True,
    help="Initial data: 'demo' adds a small catalogue with stock in two warehouses.",
)
@click.option(
    "--state",
    "state_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Keep the sandbox's data in this JSON file, so it survives a restart.",
)
@pass_state
def sandbox(
    state: CliState,
    host: str,
    port: int,
    api_key: str | None,
    api_secret: str | None,
    admin_token: str | None,
    seed: str,
    state_file: Path | None,
) -> None:
    """Serve a Leanafy sandbox: Leanafy's API (as this project models it) on
    your machine, for trying every flow without a Leanafy account.

    Point a channel at it with the URL and credentials it prints:

    \b
      techoms sandbox --seed demo --api-key dev-key --api-secret dev-secret
      techoms channel add dev --plugin leanafy --set api_url=http://127.0.0.1:8765 \\
        --set api_key=dev-key --set api_secret=dev-secret \\
        --set warehouse_id=65f1c0de00000000000000a1

    Credentials you give are masked in what it prints; generated ones are
    shown once, since you need them. Bound to anything but loopback (``--host
    0.0.0.0``), it warns, and its admin API (which can read and change
    everything) also needs the admin token. Stops on Ctrl-C or SIGTERM.
    """
    state.out.add_secrets([api_key, api_secret, admin_token])
    if not is_loopback(host):
        state.out.note(
            f"warning: --host {host} is not loopback: the sandbox is reachable from other "
            "machines; its admin API needs the admin token printed below"
        )
    tightened = tighten(state_file) if state_file is not None else None
    if tightened is not None:  # a state file an older sandbox wrote 0644
        state.out.note(escape(f"Made private: {tightened}."))
    # SIGTERM stops the server cleanly from the start, even before the banner is out.
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)
    try:
        serve(
            host=host,
            port=port,
            api_key=api_key,
            api_secret=api_secret,
            seed=seed,
            state_path=state_file,
            out=state.out.out.file,
            admin_token=admin_token,
        )
    except KeyboardInterrupt:
        # Stopped before serve() began waiting (e.g. SIGTERM right after the banner).
        state.out.out.print("Stopping the Leanafy sandbox.")


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
