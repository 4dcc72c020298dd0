"""Serving the console: the password, the address, uvicorn."""

from __future__ import annotations

import ipaddress
import secrets
import socket
import threading
from collections.abc import Mapping

import uvicorn

from techoms_core.console.app import create_app
from techoms_core.console.state import ConsoleState

#: The environment variable holding the login password; without it one is made.
PASSWORD_ENV_VAR = "TECHOMS_CONSOLE_PASSWORD"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8700


def console_password(environ: Mapping[str, str]) -> tuple[str, bool]:
    """The login password, and whether it was generated (and must be shown)."""
    given = environ.get(PASSWORD_ENV_VAR, "")
    if given.strip():
        return given, False
    return secrets.token_urlsafe(18), True


def is_loopback(host: str) -> bool:
    """Whether binding ``host`` keeps the console on this machine."""
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def url_of(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


class ConsoleServer:
    """uvicorn serving the console on a socket bound and listening at once,
    so :attr:`url` (with the real port when ``port`` is 0) can be used as
    soon as the object exists: connections wait until :meth:`run` serves."""

    def __init__(self, state: ConsoleState, *, host: str, port: int) -> None:
        self.state = state
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.socket = socket.socket(family, socket.SOCK_STREAM)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            self.socket.bind((host, port))
            self.socket.listen(128)
        except OSError:
            self.socket.close()
            raise
        self.url = url_of(host, self.socket.getsockname()[1])
        config = uvicorn.Config(
            create_app(state),
            log_level="warning",
            access_log=False,
            server_header=False,
            timeout_graceful_shutdown=5,
        )
        self.server = uvicorn.Server(config)
        self._stop = threading.Event()

    def run(self, stop: threading.Event | None = None) -> None:
        """Serve until ``stop`` is set (or :meth:`stop` is called). Syncs still
        running are then asked to stop after their current batch, and waited for.

        uvicorn serves from a thread of its own, so the caller decides what
        stops the console (the CLI: SIGTERM and Ctrl-C)."""
        stop = stop or self._stop
        self._stop = stop

        def serve() -> None:
            try:
                self.server.run(sockets=[self.socket])
            finally:
                stop.set()

        thread = threading.Thread(target=serve, name="console-server", daemon=True)
        thread.start()
        try:
            stop.wait()
        finally:
            self.server.should_exit = True
            if self.state.runs is not None:
                self.state.runs.stop_all()
            thread.join()
            self.socket.close()

    def stop(self) -> None:
        """Ask :meth:`run` (in another thread) to return."""
        self._stop.set()
