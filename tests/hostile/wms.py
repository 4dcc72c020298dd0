"""A hostile WMS: a real HTTP server on loopback that answers like a broken or
malicious one.

:class:`HostileWMS` sits in front of the Leanafy sandbox (``upstream``) and
passes every request through, except those a *behaviour* is set for
(:meth:`HostileWMS.behave`). A behaviour gets the :class:`Exchange` (the
request, a way to forward it upstream, and the raw socket file) and answers as
it likes: a rewritten JSON page, a gzip bomb, a body that never ends, a
redirect, a secret echoed in a header. The behaviours themselves are the
functions at the end of this module, one per hostile mode.
"""

from __future__ import annotations

import contextlib
import fnmatch
import gzip
import json
import threading
import time
import zlib
from collections.abc import Callable
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import requests

#: How long an endless answer goes on at most if the client never hangs up.
ENDLESS_LIMIT = 60.0
_FORWARDED_HEADERS = ("x-api-key", "x-api-secret", "content-type")


class Exchange:
    """One request as a behaviour sees it."""

    def __init__(self, handler: _Handler, body: bytes) -> None:
        self.handler = handler
        self.method = handler.command
        self.target = handler.path
        self.path = urlsplit(handler.path).path
        self.body = body
        self.headers = {k.lower(): v for k, v in handler.headers.items()}

    def forward(self) -> tuple[int, dict[str, str], Any]:
        """The upstream's answer: (status, headers, decoded JSON body or None)."""
        wms: HostileWMS = self.handler.server.wms  # type: ignore[attr-defined]
        headers = {k: v for k, v in self.headers.items() if k in _FORWARDED_HEADERS}
        answer = wms.upstream_session.request(
            self.method, wms.upstream + self.target, data=self.body or None, headers=headers
        )
        try:
            decoded = answer.json()
        except ValueError:
            decoded = None
        kept = {k: v for k, v in answer.headers.items() if k.lower().startswith("x-")}
        return answer.status_code, kept, decoded

    def send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        handler = self.handler
        handler.send_response(status)
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        if "Content-Length" not in (headers or {}):
            handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        self.write(body)

    def send_json(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        self.send(
            status,
            json.dumps(body).encode(),
            {"Content-Type": "application/json", **(headers or {})},
        )

    def write(self, data: bytes) -> bool:
        """Write to the client; False once it has hung up."""
        try:
            self.handler.wfile.write(data)
            self.handler.wfile.flush()
        except OSError:
            return False
        return True


Behaviour = Callable[[Exchange], None]


class HostileWMS:
    """A loopback server passing requests to ``upstream`` except where a
    behaviour is set. ``requests`` counts what arrived, by ``"METHOD /path"``."""

    def __init__(self, upstream: str = "") -> None:
        self.upstream = upstream.rstrip("/")
        self.upstream_session = requests.Session()
        self._behaviours: list[tuple[str, Behaviour]] = []
        self._lock = threading.Lock()
        self.requests: dict[str, int] = {}
        self.server = _Server(("127.0.0.1", 0), _Handler)
        self.server.wms = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def behave(self, endpoint: str, behaviour: Behaviour) -> None:
        """Answer requests matching ``endpoint`` (``"GET /v1/orders"``, globs
        allowed, ``"*"`` for all) with ``behaviour``; later calls win."""
        with self._lock:
            self._behaviours.insert(0, (endpoint, behaviour))

    def clear(self) -> None:
        with self._lock:
            self._behaviours.clear()
            self.requests.clear()

    def count(self, endpoint: str) -> int:
        with self._lock:
            return sum(n for key, n in self.requests.items() if fnmatch.fnmatchcase(key, endpoint))

    def behaviour_for(self, method: str, path: str) -> Behaviour | None:
        endpoint = f"{method} {path}"
        with self._lock:
            self.requests[endpoint] = self.requests.get(endpoint, 0) + 1
            for pattern, behaviour in self._behaviours:
                if pattern == "*" or fnmatch.fnmatchcase(endpoint, pattern):
                    return behaviour
        return None

    def __enter__(self) -> HostileWMS:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.upstream_session.close()


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client hanging up on a hostile answer is what the answer is for."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._serve()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        exchange = Exchange(self, body)
        wms: HostileWMS = self.server.wms  # type: ignore[attr-defined]
        behaviour = wms.behaviour_for(exchange.method, exchange.path) or passed_through
        behaviour(exchange)


# -- behaviours ----------------------------------------------------------------


def passed_through(exchange: Exchange) -> None:
    """The upstream's answer, unchanged."""
    status, headers, body = exchange.forward()
    exchange.send_json(status, body, headers)


def rewritten(change: Callable[[dict[str, Any]], None]) -> Behaviour:
    """The upstream's answer with each payload record (or the one record)
    passed through ``change``, which edits it in place."""

    def behaviour(exchange: Exchange) -> None:
        status, headers, body = exchange.forward()
        payload = body.get("payload") if isinstance(body, dict) else None
        for record in payload if isinstance(payload, list) else [payload]:
            if isinstance(record, dict):
                change(record)
        exchange.send_json(status, body, headers)

    return behaviour


def paged(change: Callable[[dict[str, Any]], None]) -> Behaviour:
    """The upstream's answer with its whole body passed through ``change``."""

    def behaviour(exchange: Exchange) -> None:
        status, headers, body = exchange.forward()
        change(body)
        exchange.send_json(status, body, headers)

    return behaviour


def same_page_forever(exchange: Exchange) -> None:
    """The first page ever answered, again and again, always with has_more."""
    wms: HostileWMS = exchange.handler.server.wms  # type: ignore[attr-defined]
    key = f"page {exchange.path}"
    first = getattr(wms, "_first_pages", {})
    wms._first_pages = first  # type: ignore[attr-defined]
    if key not in first:
        first[key] = exchange.forward()
    status, headers, body = first[key]
    body = {**body, "meta": {**body.get("meta", {}), "has_more": True}}
    exchange.send_json(status, body, headers)


def fresh_pages_forever(exchange: Exchange) -> None:
    """A new page of new records every time, always with has_more: a list
    with no end."""
    wms: HostileWMS = exchange.handler.server.wms  # type: ignore[attr-defined]
    with wms._lock:
        number = getattr(wms, "_fresh", 0) + 1
        wms._fresh = number  # type: ignore[attr-defined]
    stamp = f"2030-01-01T00:00:{number % 60:02d}.{number:06d}Z"
    records = [
        {"_id": f"{number:012x}{i:012x}", "updated_at": stamp, "status": "open"} for i in range(2)
    ]
    body = {"success": True, "payload": records, "meta": {"has_more": True, "total": 10**9}}
    exchange.send_json(200, body)


def error_echoing(secret_header: str) -> Behaviour:
    """A 500 whose X-Request-Id and error message repeat a credential the
    request carried."""

    def behaviour(exchange: Exchange) -> None:
        secret = exchange.headers.get(secret_header.lower(), "")
        body = {"success": False, "error": {"code": "boom", "message": f"bad key {secret}"}}
        exchange.send_json(500, body, {"X-Request-Id": secret})

    return behaviour


@lru_cache(maxsize=1)
def _bomb(decoded_bytes: int) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b"\0" * (1 << 20)
    parts = [compressor.compress(block) for _ in range(decoded_bytes >> 20)]
    parts.append(compressor.flush())
    return b"".join(parts)


def gzip_bomb(decoded_bytes: int = 1 << 30) -> Behaviour:
    """About a megabyte on the wire that inflates to ``decoded_bytes``."""
    _bomb(decoded_bytes)

    def behaviour(exchange: Exchange) -> None:
        body = _bomb(decoded_bytes)
        headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
        exchange.send(200, body, headers)

    return behaviour


def huge_body(size: int = 100 << 20, *, declared: bool = True) -> Behaviour:
    """A JSON answer of ``size`` bytes (spaces inside a string), with its
    Content-Length or chunked."""

    def behaviour(exchange: Exchange) -> None:
        handler = exchange.handler
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(size))
        handler.end_headers()
        block = b" " * (1 << 20)
        sent = 0
        while sent < size and exchange.write(block[: size - sent]):
            sent += len(block)

    del declared
    return behaviour


def endless_chunks(exchange: Exchange) -> None:
    """A chunked body that never ends (until the client hangs up)."""
    handler = exchange.handler
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Transfer-Encoding", "chunked")
    handler.end_headers()
    chunk = b" " * 65536
    framed = b"%x\r\n%s\r\n" % (len(chunk), chunk)
    ends = time.monotonic() + ENDLESS_LIMIT
    exchange.write(b"1\r\n[\r\n")
    while time.monotonic() < ends and exchange.write(framed):
        time.sleep(0.001)


def trickle(seconds_per_byte: float = 1.0) -> Behaviour:
    """A valid answer sent one byte at a time."""

    def behaviour(exchange: Exchange) -> None:
        body = json.dumps({"success": True, "payload": [], "meta": {"has_more": False}}).encode()
        handler = exchange.handler
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        _dribble(exchange, body, seconds_per_byte)

    return behaviour


def _dribble(exchange: Exchange, data: bytes, seconds_per_byte: float) -> None:
    """Write ``data`` one byte at a time, until it is all sent, the client
    hangs up, or :data:`ENDLESS_LIMIT` has passed."""
    ends = time.monotonic() + ENDLESS_LIMIT
    for byte in data:
        if time.monotonic() > ends or not exchange.write(bytes([byte])):
            return
        time.sleep(seconds_per_byte)


def trickle_headers(seconds_per_byte: float = 1.0) -> Behaviour:
    """An answer whose status line and headers come one byte at a time (each
    byte in time for the read timeout), so its body never starts."""

    def behaviour(exchange: Exchange) -> None:
        head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        head += b"".join(b"X-Padding-%d: %s\r\n" % (n, b"x" * 40) for n in range(100))
        _dribble(exchange, head, seconds_per_byte)

    return behaviour


def silent(exchange: Exchange) -> None:
    """No answer at all: the request is read, then nothing is sent until the
    client hangs up."""
    connection = exchange.handler.connection
    connection.settimeout(ENDLESS_LIMIT)
    with contextlib.suppress(OSError):
        while connection.recv(1024):  # b"" once the client has hung up
            pass


def redirect(location: str, status: int = 307) -> Behaviour:
    """A redirect to ``location`` (the request's path and query appended)."""

    def behaviour(exchange: Exchange) -> None:
        exchange.send(status, b"", {"Location": location.rstrip("/") + exchange.target})

    return behaviour


def gzip_json(body: Any) -> bytes:
    return gzip.compress(json.dumps(body).encode())


def every_value(change: Callable[[Any], Any]) -> Behaviour:
    """The upstream's answer with every scalar inside its payload passed
    through ``change`` (keys and the envelope stay)."""

    def walk(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: walk(item) for key, item in value.items()}
        if isinstance(value, list):
            return [walk(item) for item in value]
        return change(value)

    def behaviour(exchange: Exchange) -> None:
        status, headers, body = exchange.forward()
        if isinstance(body, dict) and "payload" in body:
            body["payload"] = walk(body["payload"])
        exchange.send_json(status, body, headers)

    return behaviour


def raw(status: int, body: bytes, content_type: str = "application/json") -> Behaviour:
    """The same bytes for every request."""

    def behaviour(exchange: Exchange) -> None:
        exchange.send(status, body, {"Content-Type": content_type})

    return behaviour
