"""The channel console: the web page techOMS users set up and run channels in.

``techoms console`` serves it over the same store and runner as the CLI. Every
page is rendered on the server (Starlette and Jinja2); htmx (vendored in
``static/``) swaps fragments, so the server owns all state and the settings
form's conditions are evaluated by the same Python code that validates on save.
The little JavaScript htmx cannot replace lives in ``static/console.js``; no
script is inline (the Content Security Policy forbids it).

Pages (``pages/``, one module each):

- ``/``: Fulfillment Channels: channels, installed plugins, Master Product Source.
- ``/channels/new``: add a channel: pick a plugin, fill in its settings form.
- ``/channels/NAME``: the channel page: Quick Actions (Health Check, Sync,
  Save, Delete) and the settings, recurring jobs and mapping tabs.
- ``/runs`` and ``/runs/ID``: the run log and a run's grouped messages.
- ``/review``: short-shipped updates kept for review.
- ``/records``: products, shipments, receipts and inventory.

Security (``security.py``): a password login, a CSRF token on every request
that changes state, an HttpOnly SameSite=Strict session cookie, a strict
Content Security Policy; secrets never reach the browser.

Embedding::

    from techoms_core.console import ConsoleState, create_app
    app = create_app(ConsoleState(host=host, registry=registry,
                                  environ=os.environ, password="..."))
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from techoms_core.console.app import create_app
from techoms_core.console.background import BackgroundRuns
from techoms_core.console.server import ConsoleServer
from techoms_core.console.state import ConsoleState

__all__ = ["ConsoleServer", "ConsoleState", "create_app", "serve_console"]


def serve_console(
    state: ConsoleState,
    *,
    host: str,
    port: int,
    started: Callable[[str], None],
    stop: threading.Event,
) -> None:
    """Serve the console until ``stop`` is set; ``started`` gets its URL first."""
    if state.runs is None:
        state.runs = BackgroundRuns(state)
    server = ConsoleServer(state, host=host, port=port)
    started(server.url)
    server.run(stop)
