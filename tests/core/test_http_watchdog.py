"""The watchdog that holds an exchange's connect, send and headers to its deadline."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from types import SimpleNamespace

import pytest

from techoms_core.http.watchdog import Watch, Watchdog


@pytest.fixture
def sockets() -> Iterator[tuple[socket.socket, socket.socket]]:
    """Our end of a connection, and the WMS's."""
    ours, theirs = socket.socketpair()
    with ours, theirs:
        yield ours, theirs


def _watched(watchdog: Watchdog, sock: socket.socket, seconds: float) -> Watch:
    """An exchange on ``sock`` watched for ``seconds`` from now."""
    watch = watchdog.watch(time.monotonic() + seconds)
    watch.connection = SimpleNamespace(sock=sock)  # as the connection pool sets it
    return watch


def test_a_read_blocked_past_the_deadline_returns_when_the_socket_is_shut_down(sockets):
    ours, _ = sockets
    watchdog = Watchdog()
    watch = _watched(watchdog, ours, 0.05)
    ours.settimeout(30)  # the read timeout a trickling server keeps resetting

    assert ours.recv(1) == b""  # returns once shut down, long before 30 s

    assert watchdog.release(watch) is True


def test_an_exchange_released_in_time_is_left_alone(sockets):
    ours, theirs = sockets
    watchdog = Watchdog()
    watch = _watched(watchdog, ours, 60)

    assert watchdog.release(watch) is False
    theirs.sendall(b"x")
    assert ours.recv(1) == b"x"


def test_released_watches_do_not_pile_up():
    watchdog = Watchdog()
    for _ in range(10_000):
        watchdog.release(watchdog.watch(time.monotonic() + 120))
    assert len(watchdog._due) <= 130
