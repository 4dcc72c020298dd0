"""Fixtures for the Leanafy plugin's tests: the sandbox server, the plugin as the
host sees it (through the registry), and channels opened on the sandbox."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import pytest

from plugins.leanafy.sandbox.testing import (  # noqa: F401 - fixtures
    sandbox,
    sandbox_demo,
    sandbox_http,
    sandbox_server,
)
from plugins.registry import Registry
from techoms_core.context import ChannelConfig, ChannelContext, open_context
from techoms_core.http.retry import RetryPolicy
from techoms_core.mappings import Mappings
from techoms_core.plugin import ChannelPlugin

#: Backoff and Retry-After waits shrunk so that 429 and 5xx storms stay fast.
FAST_RETRIES = RetryPolicy(
    max_attempts=4, backoff_initial=0.005, backoff_max=0.02, retry_after_cap=0.02
)
FAST_SESSION = {"retry": FAST_RETRIES, "timeout": (2.0, 5.0)}


@pytest.fixture
def small_pages(monkeypatch: pytest.MonkeyPatch) -> int:
    """Receives read pages of 100, so a test's few hundred records span pages."""
    from plugins.leanafy import contract

    monkeypatch.setattr(contract, "RECEIVE_PAGE_SIZE", 100)
    return 100


@pytest.fixture(scope="session")
def plugin() -> ChannelPlugin:
    """The Leanafy plugin, discovered through its entry point like any host would."""
    return Registry.discover(strict=False).get("leanafy")


OpenChannel = Callable[..., ChannelContext]


@pytest.fixture
def open_channel(plugin: ChannelPlugin, sandbox_server) -> Iterator[OpenChannel]:  # noqa: F811
    """Open a channel context on the sandbox: ``open_channel(warehouse_id=..., mappings=...)``.

    Settings default to the sandbox's Api Url and credentials and its main
    warehouse; keyword arguments override settings, ``mappings`` and
    ``session_options`` go to :func:`open_context`. Contexts close at teardown.
    """
    with ExitStack() as stack:

        def opener(
            *,
            mappings: Mappings | None = None,
            session_options: dict[str, Any] | None = None,
            **settings: Any,
        ) -> ChannelContext:
            values = sandbox_server.channel_settings(**settings)
            config = ChannelConfig(name="leanafy-test", plugin="leanafy", settings=values)
            context = open_context(
                plugin.declaration,
                config,
                mappings=mappings,
                session_options={**FAST_SESSION, **(session_options or {})},
            )
            return stack.enter_context(context)

        yield opener
