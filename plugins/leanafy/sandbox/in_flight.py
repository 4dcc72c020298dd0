"""The requests the sandbox has received and not yet handled, so a test can wait for them.

A client killed mid-sync leaves requests behind: already sent, and handled after
the client is gone (a create stored a few milliseconds later). A test that then
reads the sandbox's records, or runs the client again, races them, and the re-run
may create a second order. :meth:`InFlight.wait_until_handled` closes that race.

The server keeps connections alive between requests, so requests are counted,
not connections. A connection is *busy* from the moment the server accepts it
(before a thread has read its first request) and again from the moment a thread
takes it up to read its next one, until that request is handled. A ``slow``
fault that holds an answer whose request is already handled makes it *held*
until the answer is sent: nothing to wait for. Between requests it is *idle*,
and an idle connection with bytes waiting in its socket holds a request nobody
has read yet: that counts too.
"""

from __future__ import annotations

import selectors
import socket
import threading
from typing import Any


class InFlight:
    """Open connections of the sandbox: busy with a request, holding an answer, or idle.

    The server calls :meth:`accepted` as it accepts a connection,
    :meth:`reading` when a thread takes it up for a request, :meth:`answered`
    when that request's answer is sent, and :meth:`closed` when it closes; the
    application calls :meth:`handled` before it holds an answer on purpose.
    """

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._busy: dict[socket.socket, Any] = {}
        self._held: dict[socket.socket, Any] = {}
        self._idle: dict[socket.socket, Any] = {}

    def _move(self, connection: Any, to: dict[socket.socket, Any]) -> None:
        for state in (self._busy, self._held, self._idle):
            if connection in state and state is not to:
                to[connection] = state.pop(connection)
                self._changed.notify_all()

    def accepted(self, connection: socket.socket, address: Any) -> None:
        """The server accepted ``connection`` from the client at ``address``."""
        with self._changed:
            self._busy[connection] = address
            self._changed.notify_all()

    def reading(self, connection: socket.socket) -> None:
        """A thread took ``connection`` up to read and answer its next request."""
        with self._changed:
            self._move(connection, self._busy)

    def handled(self, connection: socket.socket | None) -> None:
        """``connection``'s request is handled; only its answer is still held."""
        with self._changed:
            if connection in self._busy:
                self._move(connection, self._held)

    def answered(self, connection: socket.socket) -> None:
        """``connection``'s answer is sent: it waits for its next request."""
        with self._changed:
            self._move(connection, self._idle)

    def closed(self, connection: socket.socket) -> None:
        """``connection`` is closed."""
        with self._changed:
            for state in (self._busy, self._held, self._idle):
                state.pop(connection, None)
            self._changed.notify_all()

    def count(self) -> int:
        """How many connections are busy with a request."""
        with self._changed:
            return len(self._busy)

    def wait_until_accepted(self, address: Any, timeout: float) -> bool:
        """Wait until a connection from ``address`` is accepted (and still open);
        False if ``timeout`` seconds pass first."""
        with self._changed:
            return self._changed.wait_for(
                lambda: any(
                    address in state.values() for state in (self._busy, self._held, self._idle)
                ),
                timeout=timeout,
            )

    def wait_until_handled(self, timeout: float) -> bool:
        """Wait until every request received before this call is handled (later
        ones are not waited for); False if ``timeout`` seconds pass first."""
        with self._changed:
            waiting = set(self._busy) | _with_bytes_waiting(self._idle)
            return self._changed.wait_for(
                lambda: not (waiting & (set(self._busy) | _with_bytes_waiting(self._idle))),
                timeout=timeout,
            )


def _with_bytes_waiting(connections: dict[socket.socket, Any]) -> set[socket.socket]:
    """The connections whose socket has bytes (or the client's close) to read."""
    if not connections:
        return set()
    with selectors.DefaultSelector() as selector:
        for connection in connections:
            try:
                selector.register(connection, selectors.EVENT_READ)
            except (OSError, ValueError):  # closed under us: nothing to wait for
                continue
        return {key.fileobj for key, _ in selector.select(timeout=0)}  # type: ignore[misc]
