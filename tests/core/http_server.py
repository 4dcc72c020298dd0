"""A real HTTP server on 127.0.0.1 whose answers each test scripts.

``ScriptedServer`` answers the requests it receives with the :class:`Answer`
objects queued by :meth:`ScriptedServer.script`, in order, then with its
default answer. It records every request it receives, when it arrived, and how
many requests were in flight at once, so that tests can measure throughput
where it matters: at the server.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from techoms_core.secrets import Secret
from techoms_core.throughput import ThroughputProfile

#: The longest a held answer waits for the test to end, in seconds.
HOLD_LIMIT = 10.0
#: How often the server checks whether it should stop, in seconds.
POLL_INTERVAL = 0.01

#: The credentials of the tests' channel; none may ever appear in a log or an error.
API_KEY = "key-7f3a9c1e5b"
API_SECRET = "s3cr3t/with+signs&more"
SECRETS = (Secret(API_KEY), Secret(API_SECRET))
#: Fast enough that the cap never slows a test that is not about the cap.
UNLIMITED = ThroughputProfile("test", "Test", max_concurrency=8, requests_per_second=10_000)


@dataclass(frozen=True)
class ReceivedRequest:
    """A request as the server saw it."""

    number: int
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    arrived: float

    def header(self, name: str) -> str | None:
        """The value of header ``name`` (any case), or ``None``."""
        return next((v for k, v in self.headers.items() if k.lower() == name.lower()), None)


Body = bytes | str | Mapping[str, Any] | list[Any] | Callable[[ReceivedRequest], bytes]


@dataclass(frozen=True)
class Answer:
    """How the server answers one request.

    :ivar status: the HTTP status.
    :ivar body: bytes, text, a JSON document, or a function of the request.
    :ivar headers: extra headers (``X-Request-Id`` defaults to ``req-<n>``).
    :ivar delay: seconds of simulated work before answering.
    :ivar hold: never answer; wait until the test ends (past any read timeout).
    :ivar drop: close the connection without answering.
    :ivar cut: start a chunked answer and close the connection halfway.
    """

    status: int = 200
    body: Body = field(default_factory=lambda: {"success": True, "payload": {}})
    headers: Mapping[str, str] = field(default_factory=dict)
    delay: float = 0.0
    hold: bool = False
    drop: bool = False
    cut: bool = False

    def content(self, request: ReceivedRequest) -> bytes:
        """The body to send for ``request``."""
        if callable(self.body):
            return self.body(request)
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode()
        return json.dumps(self.body).encode()


class ScriptedServer:
    """A threaded HTTP/1.1 server with scripted answers; start it, then stop it."""

    def __init__(self) -> None:
        self.requests: list[ReceivedRequest] = []
        self.default = Answer()
        self.released = threading.Event()
        self.max_in_flight = 0
        self._script: deque[Answer] = deque()
        self._in_flight = 0
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.scripted = self
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(POLL_INTERVAL,), daemon=True
        )

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    def url(self, path: str = "") -> str:
        """The absolute URL of ``path`` on this server."""
        return f"http://127.0.0.1:{self.port}{path}"

    def script(self, *answers: Answer) -> None:
        """Answer the next requests with ``answers``, in order."""
        with self._lock:
            self._script.extend(answers)

    def received(self, method: str | None = None) -> list[ReceivedRequest]:
        """The requests received so far (only ``method``'s, if given)."""
        with self._lock:
            return [r for r in self.requests if method is None or r.method == method]

    def max_started_within(self, window: float) -> int:
        """The most requests that arrived within any ``window`` seconds."""
        times = sorted(r.arrived for r in self.received())
        most, first = 0, 0
        for last, arrived in enumerate(times):
            while arrived - times[first] >= window:
                first += 1
            most = max(most, last - first + 1)
        return most

    def start(self) -> ScriptedServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.released.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def _arrive(self, method: str, target: str, headers: dict[str, str], body: bytes):
        parts = urlsplit(target)
        with self._lock:
            request = ReceivedRequest(
                number=len(self.requests) + 1,
                method=method,
                path=parts.path,
                query=parse_qs(parts.query, keep_blank_values=True),
                headers=headers,
                body=body,
                arrived=time.monotonic(),
            )
            self.requests.append(request)
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)
            answer = self._script.popleft() if self._script else self.default
        return request, answer

    def _leave(self) -> None:
        with self._lock:
            self._in_flight -= 1


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    scripted: ScriptedServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up (a timeout test) is expected; stay quiet."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_GET(self) -> None:
        self._serve()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default access log."""

    def _serve(self) -> None:
        scripted = self.server.scripted
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        request, answer = scripted._arrive(self.command, self.path, dict(self.headers), body)
        try:
            self._answer(request, answer)
        finally:
            scripted._leave()

    def _answer(self, request: ReceivedRequest, answer: Answer) -> None:
        released = self.server.scripted.released
        if answer.delay:
            released.wait(answer.delay)
        if answer.hold:
            released.wait(HOLD_LIMIT)
        if answer.hold or answer.drop:
            self.close_connection = True
            return
        content = answer.content(request)
        self.send_response(answer.status)
        headers = {"Content-Type": "application/json", "X-Request-Id": f"req-{request.number}"}
        headers.update(answer.headers)
        for name, value in headers.items():
            self.send_header(name, value)
        if answer.cut:
            self._cut_short(content)
            return
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(content)

    def _cut_short(self, content: bytes) -> None:
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.wfile.write(b"%x\r\n%s" % (len(content) + 100, content))
        self.wfile.flush()
        self.close_connection = True
