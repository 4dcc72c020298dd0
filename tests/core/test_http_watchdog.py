"""The watchdog that holds an exchange's connect, send and headers to its deadline."""

from __future__ import annotations

import socket
import time
from types import SimpleNamespace

from techoms_core.http.watchdog import Watchdog


def test_a_read_blocked_past_the_deadline_returns_when_the_socket_is_shut_down():
    watchdog = Watchdog()
    ours, theirs = socket.socketpair()
    with ours, theirs:
        watch = watchdog.watch(time.monotonic() + 0.05)
        watch.connection = SimpleNamespace(sock=ours)
        ours.settimeout(30)  # the read timeout a trickling server keeps resetting

        assert ours.recv(1) == b""  # returns once shut down, long before 30 s

        assert watchdog.release(watch) is True


def test_an_exchange_released_in_time_is_left_alone():
    watchdog = Watchdog()
    ours, theirs = socket.socketpair()
    with ours, theirs:
        watch = watchdog.watch(time.monotonic() + 60)
        watch.connection = SimpleNamespace(sock=ours)
        assert watchdog.release(watch) is False
        theirs.sendall(b"x")
        assert ours.recv(1) == b"x"


def test_released_watches_do_not_pile_up():
    watchdog = Watchdog()
    for _ in range(10_000):
        watchdog.release(watchdog.watch(time.monotonic() + 120))
    assert len(watchdog._due) <= 130
