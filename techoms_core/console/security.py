"""The console's guard: login, CSRF and the security headers of every answer.

* **Login.** Every page but the login page and the static files needs a
  logged-in session; anyone else is sent to ``/login``.
* **CSRF.** Every request that changes state (POST, PUT, PATCH, DELETE) must
  carry the session's token in the ``X-CSRF-Token`` header. htmx sends it
  with every request: the page's ``<body>`` declares it in ``hx-headers``.
  A form posted from another site cannot set that header, and the session
  cookie is ``SameSite=Strict`` besides.
* **Headers.** A Content Security Policy that allows scripts and styles from
  the console itself only (no inline script, no ``eval``), no framing, no
  referrer, no MIME sniffing.
"""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import quote

from starlette.datastructures import MutableHeaders
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: Paths anyone may fetch: the login page, the icon and the static files.
PUBLIC_PATHS, STATIC_PREFIX = frozenset({"/login", "/favicon.ico"}), "/static/"
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    )
)
SECURITY_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
}


def csrf_token(session: dict[str, Any]) -> str:
    """The session's CSRF token, made on first use."""
    token = session.get("csrf")
    if not token:
        token = session["csrf"] = secrets.token_urlsafe(32)
    return token


def start_logged_in_session(session: dict[str, Any]) -> None:
    """A fresh session for a user who just gave the password: what an
    anonymous visitor's session held (its CSRF token included) is dropped."""
    session.clear()
    session["user"] = "admin"
    csrf_token(session)


def passwords_match(given: str, expected: str) -> bool:
    return secrets.compare_digest(given.encode(), expected.encode())


class ConsoleGuard:
    """ASGI middleware (inside the session middleware) enforcing the rules above."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = _refusal(scope)
        send = _with_security_headers(send)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _refusal(scope: Scope) -> Response | None:
    session = scope["session"]
    path = scope["path"]
    public = path in PUBLIC_PATHS or path.startswith(STATIC_PREFIX)
    if not public and not session.get("user"):
        return _to_login(scope)
    if scope["method"] in SAFE_METHODS:
        return None
    headers = dict(scope["headers"])
    given = headers.get(CSRF_HEADER.encode(), b"").decode("latin-1")
    expected = session.get("csrf", "")
    if not expected or not given or not secrets.compare_digest(given, expected):
        return PlainTextResponse(
            "Refused: this request carries no valid CSRF token. Reload the page and try again.",
            status_code=403,
        )
    return None


def _to_login(scope: Scope) -> Response:
    target = scope["path"] + (f"?{scope['query_string'].decode()}" if scope["query_string"] else "")
    location = f"/login?next={quote(target, safe='')}"
    headers = dict(scope["headers"])
    if headers.get(b"hx-request") == b"true":
        # htmx follows HX-Redirect with a full page load, not a fragment swap.
        return Response(status_code=401, headers={"HX-Redirect": location})
    return RedirectResponse(location, status_code=303)


def _with_security_headers(send: Send) -> Send:
    async def send_with_headers(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = MutableHeaders(scope=message)
            for name, value in SECURITY_HEADERS.items():
                headers.setdefault(name, value)
        await send(message)

    return send_with_headers
