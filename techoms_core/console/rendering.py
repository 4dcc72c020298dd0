"""Rendering pages: the Jinja2 templates, and what every template is given."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from techoms_core.console.security import csrf_token

TEMPLATES = Path(__file__).with_name("templates")
#: The pages of the navigation bar: (path, label).
NAVIGATION = (
    ("/", "Fulfillment Channels"),
    ("/runs", "Runs"),
    ("/review", "Review"),
    ("/records", "Records"),
)


def _when(value: dt.datetime | str | None) -> str:
    """A time as the console shows it: UTC, to the second."""
    if value is None:
        return "-"
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


environment = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
environment.filters["when"] = _when


def render(
    request: Request,
    template: str,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> Response:
    """The page or fragment ``template`` with ``context``, plus the CSRF token,
    the navigation and the current path every template may use."""
    html = environment.get_template(template).render(
        request=request,
        csrf=csrf_token(request.session),
        navigation=NAVIGATION,
        path=request.url.path,
        logged_in=bool(request.session.get("user")),
        **context,
    )
    return HTMLResponse(html, status_code=status_code, headers=headers)


def is_htmx(request: Request) -> bool:
    """Whether htmx sent the request (it then wants a fragment, not a page)."""
    return request.headers.get("hx-request") == "true"


def redirect(request: Request, location: str) -> Response:
    """Go to ``location``: a full page load for htmx, a 303 otherwise."""
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": location})
    return Response(status_code=303, headers={"Location": location})
