"""Running the sandbox: cheroot's threaded HTTP/1.1 server on loopback, from Python or the CLI.

>>> with SandboxServer(seed="demo") as sandbox:          # doctest: +SKIP
...     requests.get(f"{sandbox.base_url}/me", headers=sandbox.headers)
...     sandbox.warehouse.ship(order_id)
...     sandbox.faults.add("server_error", endpoint="POST /v1/order", rate=0.3)
...     sandbox.wait_until_handled(timeout=30)     # after killing a client

Connections are kept alive between requests, as a real Leanafy behind a load
balancer keeps them, so a client pays for a TCP connection once per pooled
connection rather than once per request.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import secrets
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO, TypeVar

from cheroot import wsgi
from cheroot.server import HTTPConnection

from .accounts import Account
from .app import CONNECTION, SandboxApp
from .instance import Sandbox
from .persistence import StateSaver, open_state

#: A WSGI application wrapped by :meth:`SandboxServer.middleware`.
Wrapper = TypeVar("Wrapper", bound=Callable[..., Any])

logger = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
#: Threads handling requests: more than the highest throughput profile's concurrency.
HANDLER_THREADS = 40
#: Idle keep-alive connections kept open at most (cheroot closes any beyond).
KEEP_ALIVE_CONNECTIONS = 256


class TrackedConnection(HTTPConnection):
    """cheroot's connection, telling the sandbox when it reads and handles requests.

    A connection counts as busy in ``sandbox.in_flight`` from its accept, and
    again from the moment a worker thread takes it to read a request, until
    that request is answered (or handled, when a fault holds its answer); it
    is idle between requests and gone once closed.
    """

    def __init__(self, server: SandboxHTTPServer, sock: socket.socket, *args: Any) -> None:
        super().__init__(server, sock, *args)
        server.in_flight.accepted(sock, _peer(sock))

    def communicate(self) -> bool:
        """Read and answer one request; whether to keep the connection open."""
        in_flight = self.server.in_flight
        in_flight.reading(self.socket)
        try:
            return super().communicate()
        finally:
            in_flight.answered(self.socket)

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.server.in_flight.closed(self.socket)


class SandboxGateway(wsgi.Gateway_10):
    """The WSGI gateway, adding the connection's socket to the environ (under
    :data:`~.app.CONNECTION`) for the faults that drop it or hold its answer."""

    def get_environ(self) -> dict[str, Any]:
        environ = super().get_environ()
        environ[CONNECTION] = self.req.conn.socket
        return environ


class SandboxHTTPServer(wsgi.Server):
    """cheroot's WSGI server: a pool of handler threads, HTTP/1.1 keep-alive,
    idle connections watched by one selector thread; errors go to :mod:`logging`."""

    ConnectionClass = TrackedConnection
    keep_alive_conn_limit = KEEP_ALIVE_CONNECTIONS

    def __init__(self, host: str, port: int, sandbox: Sandbox) -> None:
        super().__init__((host, port), SandboxApp(sandbox), numthreads=HANDLER_THREADS)
        self.gateway = SandboxGateway
        self.in_flight = sandbox.in_flight

    def error_log(self, msg: str = "", level: int = logging.INFO, traceback: bool = False) -> None:
        """cheroot's messages, through :mod:`logging` (at most as warnings)."""
        logger.log(min(level, logging.WARNING), msg.rstrip(), exc_info=traceback)


def _peer(sock: socket.socket) -> Any:
    try:
        return sock.getpeername()
    except OSError:
        return None


def _of_primary(name: str, doc: str) -> property:
    """A read-only attribute of the server: the primary account's ``name``."""
    return property(lambda server: getattr(server.sandbox.primary, name), doc=doc)


class SandboxServer:
    """A Leanafy sandbox served over HTTP on a background thread.

    ``port=0`` picks a free port. Use as a context manager or call
    :meth:`start`/:meth:`stop`. :attr:`url` is the Api Url (the API is under
    ``/v1``); :attr:`headers` are the credentials as request headers.
    """

    def __init__(
        self,
        host: str = DEFAULT_HOST,
        port: int = 0,
        *,
        api_key: str | None = None,
        api_secret: str | None = None,
        seed: str = "empty",
        state_path: str | os.PathLike[str] | None = None,
        fault_seed: int = 0,
        admin_token: str | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.state_path = state_path
        if admin_token is None and not is_loopback(host):
            admin_token = secrets.token_urlsafe(24)
        self.sandbox = Sandbox(
            open_state(state_path, api_key, api_secret, seed),
            fault_seed=fault_seed,
            admin_token=admin_token,
        )
        self._server: SandboxHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._saver: StateSaver | None = None

    def start(self) -> SandboxServer:
        """Bind and serve on a background thread; answers self."""
        self.sandbox.stopping.clear()
        server = SandboxHTTPServer(self.host, self.port, self.sandbox)
        server.prepare()
        self._server = server
        self.port = server.socket.getsockname()[1]
        self._thread = threading.Thread(
            target=server.serve, name=f"leanafy-sandbox-{self.port}", daemon=True
        )
        self._thread.start()
        if self.state_path is not None:
            self._saver = StateSaver(self.sandbox.accounts, self.state_path)
            self._saver.start()
        return self

    def stop(self) -> None:
        """Stop serving (held answers end at once) and write the state file, if any."""
        self.sandbox.stopping.set()
        if self._server is not None:
            self._server.stop()
            self._server = None
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._saver is not None:
            self._saver.stop()
            self._saver = None

    @contextmanager
    def middleware(self, wrap: Callable[[Callable[..., Any]], Wrapper]) -> Iterator[Wrapper]:
        """Serve every request through ``wrap(app)`` while the block runs; yields it.

        ``wrap`` is given the sandbox's WSGI application and answers a WSGI
        application in front of it (a middleware: one that notes when each
        request arrived, say). It serves the requests read from then on, and
        the sandbox's own application serves again once the block ends. The
        server must be started.
        """
        server = self._server
        if server is None:
            raise RuntimeError("the sandbox server is not started")
        app = server.wsgi_app
        wrapper = wrap(app)
        server.wsgi_app = wrapper
        try:
            yield wrapper
        finally:
            server.wsgi_app = app

    def wait_until_handled(self, timeout: float) -> bool:
        """Wait until every request sent to the sandbox before this call is handled;
        False if ``timeout`` seconds pass first.

        Call it after killing a client and before reading the sandbox's records or
        running the client again: the killed client's last requests may still be
        queued, unread on a kept-alive connection, or on a handler thread, and be
        stored later. A request counts as handled once its handler is done (a
        create stored or refused); an answer a ``slow`` fault holds after handling
        is not waited for. Requests are counted, not connections: an idle
        kept-alive connection is not waited for. No polling: it waits on a
        condition the handler threads signal.
        """
        server = self._server
        if server is None:
            return self.sandbox.wait_until_handled(timeout)
        deadline = time.monotonic() + timeout
        # The listen queue is first in, first out: once this probe connection is
        # accepted, so is every connection made before it.
        with socket.create_connection(_loopback(server), timeout=timeout) as probe:
            address = probe.getsockname()
            accepted = self.sandbox.in_flight.wait_until_accepted(address, _left(deadline))
        return accepted and self.sandbox.wait_until_handled(_left(deadline))

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The Api Url, e.g. ``http://127.0.0.1:8765``."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def base_url(self) -> str:
        """The API's base URL: ``{url}/v1``."""
        return f"{self.url}/v1"

    # The primary account's parts, for a sandbox used as one account.
    api_key = _of_primary("api_key", "The primary account's ``X-API-Key``.")
    api_secret = _of_primary("api_secret", "The primary account's ``X-API-Secret``.")
    headers = _of_primary("headers", "The primary account's credentials as request headers.")
    state = _of_primary("state", "The primary account's store.")
    warehouse = _of_primary(
        "warehouse", "The primary account's warehouse floor (allocate, ship, receive, ...)."
    )
    faults = _of_primary("faults", "Fault rules for the primary account's ``/v1`` requests.")
    counters = _of_primary(
        "counters", "The primary account's requests, responses, injected faults and creates."
    )
    warehouse_ids = _of_primary(
        "warehouse_ids", "The ids of the primary account's warehouses (the first is the default)."
    )

    def channel_settings(self, **more: object) -> dict[str, object]:
        """Settings of a Leanafy channel on the primary account: the Api Url,
        the credentials and the default warehouse, with ``more`` added (e.g.
        ``throughput="high"``)."""
        return {
            "api_url": self.url,
            "api_key": self.api_key,
            "api_secret": self.api_secret,
            "warehouse_id": self.warehouse_ids[0],
            **more,
        }

    @property
    def accounts(self) -> list[Account]:
        """Every account, the primary (the one started with) first."""
        return self.sandbox.accounts.all()

    def account(self, api_key: str) -> Account:
        """The account of ``api_key``; ``KeyError`` if there is none."""
        found = self.sandbox.accounts.get(api_key)
        if found is None:
            raise KeyError("no account has this API key")
        return found

    def add_account(
        self,
        api_key: str | None = None,
        api_secret: str | None = None,
        *,
        seed: str = "empty",
        client_name: str | None = None,
    ) -> Account:
        """Another account served alongside the others: its own client, two
        warehouses, records, fault rules and counters. Credentials not given are
        generated; ``seed`` is ``empty`` or ``demo``."""
        return self.sandbox.accounts.add(
            api_key=api_key, api_secret=api_secret, seed=seed, client_name=client_name
        )

    def reset(self, seed: str = "empty") -> None:
        """A fresh sandbox: the primary account's records from ``seed`` (``empty``
        or ``demo``), its faults and counters cleared; every other account removed."""
        self.sandbox.reset(seed)


def _left(deadline: float) -> float:
    return max(0.0, deadline - time.monotonic())


def _loopback(server: SandboxHTTPServer) -> tuple[str, int]:
    """Where this machine reaches ``server`` (a wildcard bind is reached on loopback)."""
    host, port = server.socket.getsockname()[:2]
    return {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host), port


def is_loopback(host: str) -> bool:
    """Whether ``host`` is a loopback address or ``localhost``."""
    if host.strip().lower().rstrip(".") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a name: it may resolve to any interface


def serve(
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    api_key: str | None = None,
    api_secret: str | None = None,
    seed: str = "empty",
    state_path: str | os.PathLike[str] | None = None,
    *,
    out: TextIO | None = None,
    admin_token: str | None = None,
) -> None:
    """Serve the sandbox until interrupted (Ctrl+C or SIGTERM), printing how to reach it.

    Without ``api_key``/``api_secret`` (and no state file holding them) fresh ones
    are generated and printed. Bound to anything but loopback, it warns, and its
    admin API needs ``admin_token`` (generated and printed when not given).
    """
    out = out or sys.stdout
    server = SandboxServer(
        host,
        port,
        api_key=api_key,
        api_secret=api_secret,
        seed=seed,
        state_path=state_path,
        admin_token=admin_token,
    )
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        server.start()
        out.write(banner(server, secret_given=bool(api_secret), token_given=bool(admin_token)))
        out.flush()
        threading.Event().wait()
    except KeyboardInterrupt:
        out.write("Stopping the Leanafy sandbox.\n")
    finally:
        server.stop()


def _raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def banner(server: SandboxServer, *, secret_given: bool, token_given: bool = False) -> str:
    """What :func:`serve` prints at start: the URL, credentials, client and
    warehouses; bound beyond loopback, a warning and the admin token."""
    state = server.state
    token = server.sandbox.admin_token
    admin = "(same key and secret)"
    warning = ""
    if token is not None:
        shown = "(as given)" if token_given else token
        admin = f"(same key and secret, and X-Sandbox-Admin-Token: {shown})"
        warning = (
            f"WARNING: bound to {server.host}, not loopback: anyone who can reach this "
            "machine can call the sandbox. Its admin API needs the admin token.\n"
        )
    secret = "(as given)" if secret_given else server.api_secret
    warehouses = "\n".join(f"                {w.id}  {w.name}" for w in state.warehouses)
    where = os.fspath(server.state_path) if server.state_path else "in memory"
    others = len(server.accounts) - 1
    accounts = (
        f"  Accounts:     {others} more (GET {server.url}/_sandbox/accounts lists them)\n"
        if others
        else ""
    )
    return warning + (
        f"Leanafy sandbox serving on {server.url}  (Api Url; the API is under /v1)\n"
        f"  Api Key:      {server.api_key}\n"
        f"  Api Secret:   {secret}\n"
        f"  Client:       {state.client.name} ({state.client.id})\n"
        f"  Warehouses:\n{warehouses}\n"
        f"  State:        {where}\n"
        f"{accounts}"
        f"  Admin API:    {server.url}/_sandbox/  {admin}\n"
        "Press Ctrl+C to stop.\n"
    )
