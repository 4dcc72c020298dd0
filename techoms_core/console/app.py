"""Building the console's ASGI application."""

from __future__ import annotations

import secrets
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from techoms_core.console.pages import channels, login
from techoms_core.console.security import ConsoleGuard
from techoms_core.console.state import ConsoleState

STATIC = Path(__file__).with_name("static")
SESSION_COOKIE = "techoms_console"
#: A login lasts this long (seconds) unless the console restarts first.
SESSION_SECONDS = 12 * 3600


def create_app(state: ConsoleState) -> Starlette:
    """The console over ``state``'s host and plugins.

    Sessions are signed with a key made at start, so a restart logs everyone
    out. The session cookie is HttpOnly and SameSite=Strict.
    """
    routes = [
        *login.routes,
        *channels.routes,
        Mount("/static", app=StaticFiles(directory=STATIC), name="static"),
    ]
    middleware = [
        Middleware(
            SessionMiddleware,
            secret_key=secrets.token_urlsafe(32),
            session_cookie=SESSION_COOKIE,
            max_age=SESSION_SECONDS,
            same_site="strict",
        ),
        Middleware(ConsoleGuard),
    ]
    app = Starlette(routes=routes, middleware=middleware)
    app.state.console = state
    return app
