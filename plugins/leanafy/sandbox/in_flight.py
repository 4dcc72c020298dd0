"""The requests the sandbox has accepted and not yet handled, so a test can wait for them.

A client killed mid-sync leaves requests behind: already sent, and handled after
the client is gone (a create stored a few milliseconds later). A test that then
reads the sandbox's records, or runs the client again, races them, and the re-run
may create a second order. :meth:`InFlight.wait_until_handled` closes that race.

Requests are tracked per connection (the server closes each connection after one
request): a connection counts from the moment the server accepts it, before a
thread has read its request, so a request still sitting in a socket buffer counts
too. It stops counting when its thread is done, or earlier, when a ``slow`` fault
holds an answer whose request is already handled.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable
from typing import Any


class InFlight:
    """Connections the sandbox has accepted whose request is not yet handled.

    The server calls :meth:`accepted` as it accepts a connection and
    :meth:`handled` when the connection's thread is done; the application calls
    :meth:`handled` before it holds an answer on purpose.
    """

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._connections: dict[Hashable, Any] = {}

    def accepted(self, connection: Hashable, address: Any) -> None:
        """The server accepted ``connection`` from the client at ``address``."""
        with self._changed:
            self._connections[connection] = address
            self._changed.notify_all()

    def handled(self, connection: Hashable | None) -> None:
        """``connection``'s request is handled (repeats and unknown ones are ignored)."""
        with self._changed:
            if self._connections.pop(connection, None) is not None:
                self._changed.notify_all()

    def count(self) -> int:
        """How many accepted connections are not yet handled."""
        with self._changed:
            return len(self._connections)

    def wait_until_accepted(self, address: Any, timeout: float) -> bool:
        """Wait until a connection from ``address`` is accepted (and not yet
        handled); False if ``timeout`` seconds pass first."""
        with self._changed:
            return self._changed.wait_for(
                lambda: address in self._connections.values(), timeout=timeout
            )

    def wait_until_handled(self, timeout: float) -> bool:
        """Wait until every connection accepted before this call is handled
        (later ones are not waited for); False if ``timeout`` seconds pass first."""
        with self._changed:
            waiting = set(self._connections)
            return self._changed.wait_for(
                lambda: waiting.isdisjoint(self._connections), timeout=timeout
            )
