"""Channel contexts and plugin registries for tests.

:func:`open_test_channel` opens the same :class:`~techoms_core.context.ChannelContext`
the host would (through :func:`~techoms_core.context.open_context`: settings
validated, secrets known to the session and the logger), with retries that
wait milliseconds instead of seconds, so a test of "the WMS is unreachable"
stays fast while the retry logic itself still runs::

    with open_test_channel(declaration, {"api_url": url, "api_key": "k-123456789"}) as context:
        report = hooks.health_check(context=context)

:func:`registry_with` registers one plugin in a fresh
:class:`~techoms_core.registry.Registry`, exactly as discovery would, and fails with
the registry's own reason when the plugin is not acceptable.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from techoms_core.context import ChannelConfig, ChannelContext, open_context
from techoms_core.http import RetryPolicy
from techoms_core.mappings import Mappings
from techoms_core.models import PluginDeclaration
from techoms_core.testing.recording import HttpRecorder

#: The retry policy of test channels: the same attempts, millisecond waits.
TEST_RETRY = RetryPolicy(max_attempts=3, backoff_initial=0.01, backoff_max=0.05)
#: (connect, read) timeouts of test channels, in seconds.
TEST_TIMEOUT = (2.0, 10.0)


def fast_retry_options() -> dict[str, Any]:
    """The ``session_options`` test channels pass to ``open_context``."""
    return {"retry": TEST_RETRY, "timeout": TEST_TIMEOUT}


@contextmanager
def open_test_channel(
    declaration: PluginDeclaration,
    settings: Mapping[str, Any],
    *,
    name: str = "test-channel",
    warehouse: str | None = "MAIN",
    mappings: Mappings | None = None,
    session_options: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
    recorder: HttpRecorder | None = None,
) -> Iterator[ChannelContext]:
    """Open a channel context for ``declaration`` with raw ``settings``; close it after.

    Raises :class:`~techoms_core.settings.SettingsError` naming every bad setting.
    """
    config = ChannelConfig(
        name=name, plugin=declaration.key, settings=dict(settings), warehouse=warehouse
    )
    options = fast_retry_options() if session_options is None else dict(session_options)
    context = open_context(
        declaration, config, mappings=mappings, environ=environ, session_options=options
    )
    with context:
        if recorder is not None:
            recorder.attach(context.http)
        yield context


def unreachable_url() -> str:
    """An ``http://127.0.0.1:<port>`` URL where nothing listens.

    The port was free a moment ago; connections to it are refused at once.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def registry_with(plugin: object, key: str | None = None):  # -> Registry
    """A :class:`~techoms_core.registry.Registry` holding only ``plugin``.

    ``key`` defaults to the key the plugin declares. Raises
    :class:`~techoms_core.registry.PluginLoadError` with the registry's reason.
    """
    from techoms_core.registry import Registry

    registry = Registry()
    registry.register(plugin, key or declared_key(plugin))
    return registry


def declared_key(plugin: object) -> str:
    """The key ``plugin``'s ``channel_declaration`` declares (without registering it)."""
    declare = getattr(plugin, "channel_declaration", None)
    if declare is None:
        raise LookupError(f"{plugin!r} has no channel_declaration hook")
    declaration = declare()
    if not isinstance(declaration, PluginDeclaration):
        raise TypeError(f"channel_declaration returned {type(declaration).__name__}")
    return declaration.key
