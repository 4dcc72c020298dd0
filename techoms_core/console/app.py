"""Building the console's ASGI application."""

from __future__ import annotations

import secrets
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from techoms_core.console.pages import (
    channel,
    channels,
    listed_choices,
    login,
    mappings,
    new_channel,
    quick_actions,
    records,
    review,
    runs,
)
from techoms_core.console.rendering import render
from techoms_core.console.security import ConsoleGuard
from techoms_core.console.state import ConsoleState
from techoms_core.host import UnknownChannel
from techoms_core.mappings import MappingError
from techoms_core.registry import UnknownPlugin
from techoms_core.reviews import UnknownReviewItem
from techoms_core.store import StoreError

STATIC = Path(__file__).with_name("static")
SESSION_COOKIE = "techoms_console"
#: A login lasts this long (seconds) unless the console restarts first.
SESSION_SECONDS = 12 * 3600


async def _not_found(request: Request, error: Exception) -> Response:
    """An unknown channel, plugin or run: a page saying so, status 404."""
    message = str(error).strip("'\"")
    return render(request, "not_found.html", title="Not found", problem=message, status_code=404)


async def _favicon(request: Request) -> Response:
    """Browsers ask for /favicon.ico whatever the page links (e.g. for a fragment)."""
    return FileResponse(STATIC / "favicon.svg", media_type="image/svg+xml")


def create_app(state: ConsoleState) -> Starlette:
    """The console over ``state``'s host and plugins.

    Sessions are signed with a key made at start, so a restart logs everyone
    out. The session cookie is HttpOnly and SameSite=Strict.
    """
    routes = [
        *login.routes,
        *channels.routes,
        *new_channel.routes,
        *listed_choices.routes,
        *channel.routes,
        *quick_actions.routes,
        *mappings.routes,
        *runs.routes,
        *review.routes,
        *records.routes,
        Route("/favicon.ico", _favicon, methods=["GET"]),
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
    app = Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers={
            UnknownChannel: _not_found,
            UnknownPlugin: _not_found,
            StoreError: _not_found,
            MappingError: _not_found,
            UnknownReviewItem: _not_found,
        },
    )
    app.state.console = state
    return app
