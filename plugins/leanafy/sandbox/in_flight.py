"""The requests the sandbox has received and not yet handled, so a test can wait for them.

A client killed mid-sync leaves requests behind: already sent, and handled after
the client is gone (a create stored a few milliseconds later). A test that then
reads the sandbox's records, or runs the client again, races them, and the re-run
may create a second order. :meth:`InFlight.wait_until_handled` closes that race.

The server keeps connections alive between requests, so requests are counted,
not connections. A connection is *busy* from the moment the server accepts it
(before a thread has read its first request) and again from the moment a thread
takes it up to read its next one, until that request is handled; a ``slow``
fault that holds an answer whose request is already handled ends it early. In
between it is *idle*, and an idle connection with bytes waiting in its socket
holds a request nobody has read yet: that counts too.
"""

from __future__ import annotations

import selectors
import socket
import threading
from typing import Any


class InFlight:
    """Open connections of the sandbox, each busy with a request or idle.

    The server calls :meth:`accepted` as it accepts a connection,
    :meth:`reading` when a thread takes it up for a request, :meth:`handled`
    when that request is answered, and :meth:`closed` when it closes; the
    application calls :meth:`handled` before it holds an answer on purpose.
    """

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._busy: dict[socket.socket, Any] = {}
        self._idle: dict[socket.socket, Any] = {}

    def accepted(self, connection: socket.socket, address: Any) -> None:
        """The server accepted ``connection`` from the client at ``address``."""
        with self._changed:
            self._busy[connection] = address
            self._changed.notify_all()

    def reading(self, connection: socket.socket) -> None:
        """A thread took ``connection`` up to read and answer its next request."""
        with self._changed:
            if connection in self._idle:
                self._busy[connection] = self._idle.pop(connection)
                self._changed.notify_all()

    def handled(self, connection: socket.socket | None) -> None:
        """``connection``'s request is handled (repeats and unknown ones are ignored)."""
        with self._changed:
            if connection in self._busy:
                self._idle[connection] = self._busy.pop(connection)
                self._changed.notify_all()

    def closed(self, connection: socket.socket) -> None:
        """``connection`` is closed."""
        with self._changed:
            self._busy.pop(connection, None)
            self._idle.pop(connection, None)
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
                lambda: address in self._busy.values() or address in self._idle.values(),
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
