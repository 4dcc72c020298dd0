"""Fixtures for the HTTP toolkit's tests; a test module loads them with
``pytest_plugins = ("tests.core.fixtures_http",)``.

- ``wms``: a started :class:`~tests.core.http_server.ScriptedServer`, stopped afterwards.
- ``sleeps``: the waits a session asked for, recorded instead of slept.
- ``make_session``: builds a session against ``wms`` with test defaults
  (fast profile, short timeouts, recorded sleeps); closes it afterwards.
- ``refused_url`` / ``silent_url``: addresses that refuse connections, or
  accept none in time.
"""

from __future__ import annotations

import contextlib
import logging
import socket
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from techoms_core.http import ChannelSession, RetryPolicy, build_session
from tests.core.http_server import SECRETS, UNLIMITED, ScriptedServer

LOGGER_NAME = "techoms.test.http"

SessionFactory = Callable[..., ChannelSession]


@pytest.fixture
def wms() -> Iterator[ScriptedServer]:
    server = ScriptedServer().start()
    yield server
    server.stop()


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def make_session(wms: ScriptedServer, sleeps: list[float]) -> Iterator[SessionFactory]:
    sessions: list[ChannelSession] = []

    def make(**options: Any) -> ChannelSession:
        settings: dict[str, Any] = {
            "profile": UNLIMITED,
            "secrets": SECRETS,
            "logger": logging.getLogger(LOGGER_NAME),
            "base_url": wms.url("/v1"),
            "timeout": (1.0, 2.0),
            "retry": RetryPolicy(max_attempts=3),
            "sleep": sleeps.append,
        }
        settings.update(options)
        session = build_session(**settings)
        sessions.append(session)
        return session

    yield make
    for session in sessions:
        session.close()


@pytest.fixture
def refused_url() -> Iterator[str]:
    """A port that is bound but not listening: every connection is refused."""
    with socket.socket() as bound:
        bound.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{bound.getsockname()[1]}"


@pytest.fixture
def silent_url() -> Iterator[str]:
    """A port whose accept queue is full: connections are never accepted."""
    with contextlib.ExitStack() as stack:
        listener = stack.enter_context(socket.socket())
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        address = listener.getsockname()
        for _ in range(8):
            filler = stack.enter_context(socket.socket())
            filler.settimeout(0.1)
            try:
                filler.connect(address)
            except TimeoutError:
                break
        else:
            pytest.skip("this system accepts connections beyond a full backlog")
        yield f"http://127.0.0.1:{address[1]}"
