"""Aborting what is on the wire, so an interrupted process stops within seconds.

A request waiting on a stuck WMS sits in a socket read for up to the read
timeout, and a body trickling in for up to the deadline. When the user (or a
service manager) interrupts techOMS twice, or once and the run does not finish
its batch within the grace period, :func:`abort_all` shuts down every socket
any channel session has open: each stuck read returns at once, and no session
opens another connection afterwards (:class:`RunAborted`).
"""

from __future__ import annotations

import contextlib
import socket
import threading
import weakref
from typing import Any

from requests.exceptions import RequestException
from urllib3 import HTTPConnectionPool, HTTPSConnectionPool, PoolManager

from techoms_core.http.watchdog import Watch

_TRACKERS: weakref.WeakSet[ConnectionTracker] = weakref.WeakSet()
_TRACKERS_LOCK = threading.Lock()


class RunAborted(RequestException):
    """A request refused because the process is being interrupted."""


class ConnectionTracker:
    """The connections one transport adapter opened, to shut them down at once.

    It also tells each thread's watched exchange (:attr:`watching`, see
    :mod:`techoms_core.http.watchdog`) which connection the pool handed it."""

    def __init__(self) -> None:
        self._live: weakref.WeakSet[Any] = weakref.WeakSet()
        self._lock = threading.Lock()
        self._exchanges = threading.local()
        self.aborted = False
        with _TRACKERS_LOCK:
            _TRACKERS.add(self)

    def install(self, manager: PoolManager) -> None:
        """Make ``manager``'s connection pools report each connection they open."""
        manager.pool_classes_by_scheme = {
            "http": self._tracked(HTTPConnectionPool),
            "https": self._tracked(HTTPSConnectionPool),
        }

    def _tracked(self, base: type[HTTPConnectionPool]) -> type[HTTPConnectionPool]:
        tracker = self

        class TrackedPool(base):  # type: ignore[valid-type, misc]
            def _new_conn(self) -> Any:
                connection = super()._new_conn()
                with tracker._lock:
                    tracker._live.add(connection)
                return connection

            def _get_conn(self, timeout: float | None = None) -> Any:
                connection = super()._get_conn(timeout)
                watch = tracker.watching
                if watch is not None:
                    watch.connection = connection
                return connection

        return TrackedPool

    @property
    def watching(self) -> Watch | None:
        """The watched exchange the calling thread is sending, if any."""
        return getattr(self._exchanges, "watch", None)

    @watching.setter
    def watching(self, watch: Watch | None) -> None:
        self._exchanges.watch = watch

    def check(self) -> None:
        """Raise :class:`RunAborted` once :meth:`abort` was called."""
        if self.aborted:
            raise RunAborted("the run was interrupted; no request is sent any more")

    def abort(self) -> None:
        """Shut down every open connection; refuse every later request."""
        self.aborted = True
        with self._lock:
            connections = list(self._live)
        for connection in connections:
            sock = getattr(connection, "sock", None)
            if isinstance(sock, socket.socket):
                with contextlib.suppress(OSError):  # already closed
                    sock.shutdown(socket.SHUT_RDWR)


def abort_all() -> None:
    """Abort every channel session of this process (see the module doc)."""
    with _TRACKERS_LOCK:
        trackers = list(_TRACKERS)
    for tracker in trackers:
        tracker.abort()
