"""``/login`` and ``/logout``: the password the console printed at start."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from techoms_core.console.pages.common import console
from techoms_core.console.rendering import redirect, render
from techoms_core.console.security import passwords_match, start_logged_in_session


def _safe_next(target: str | None) -> str:
    """Where to go after logging in: a path of this console only."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


async def login_page(request: Request) -> Response:
    return render(
        request, "login.html", title="Log in", next=_safe_next(request.query_params.get("next"))
    )


async def log_in(request: Request) -> Response:
    form = await request.form()
    given = str(form.get("password", ""))
    if not passwords_match(given, console(request).password):
        return HTMLResponse("Wrong password.", status_code=200)
    start_logged_in_session(request.session)
    return redirect(request, _safe_next(str(form.get("next", ""))))


async def log_out(request: Request) -> Response:
    request.session.clear()
    return redirect(request, "/login")


routes = [
    Route("/login", login_page, methods=["GET"]),
    Route("/login", log_in, methods=["POST"]),
    Route("/logout", log_out, methods=["POST"]),
]
