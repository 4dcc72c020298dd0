"""The ``techoms`` pytest plugin: fixtures for testing a channel plugin.

Installed with techoms-channels through the ``pytest11`` entry point, so every
pytest run in an environment that has techoms-channels can use the fixtures
below. Two come from you, usually in your ``conftest.py``::

    @pytest.fixture
    def plugin_under_test():
        from techoms_acme import hooks
        return hooks

    @pytest.fixture
    def plugin_settings(fake_wms):
        return {"api_url": fake_wms.url, "api_key": "acme-key-0123456789"}

Nothing heavy is imported until a fixture is used: loading this plugin must
never slow down or break a test run that does not use it. Disable it with
``-p no:techoms``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack
from typing import TYPE_CHECKING, Any

import pytest

# Plain ``assert`` in the suite's checks then explains a failure in full.
pytest.register_assert_rewrite("techoms_core.testing.conformance")

if TYPE_CHECKING:
    from techoms_core.context import ChannelContext
    from techoms_core.plugin import ChannelPlugin
    from techoms_core.registry import Registry
    from techoms_core.testing.logs import LogCapture
    from techoms_core.testing.recording import HttpRecorder


@pytest.fixture
def plugin_under_test() -> object:
    """Your plugin: the object your ``techoms.channels`` entry point names.

    Override this fixture; the default fails with the instructions.
    """
    pytest.fail(
        "define a fixture named plugin_under_test that returns your plugin's hooks module "
        "(e.g. in conftest.py) to use the techoms fixtures"
    )


@pytest.fixture
def plugin_settings() -> Mapping[str, Any]:
    """The raw channel settings of ``channel_context``. Override it; default: none."""
    return {}


@pytest.fixture
def plugin_registry(plugin_under_test: object) -> Registry:
    """A registry holding only the plugin under test, registered as discovery would."""
    from techoms_core.registry import PluginLoadError
    from techoms_core.testing.contexts import registry_with

    try:
        return registry_with(plugin_under_test)
    except PluginLoadError as error:
        pytest.fail(f"the registry refuses the plugin: {error.problem}")


@pytest.fixture
def channel_plugin(plugin_registry: Registry) -> ChannelPlugin:
    """The plugin under test behind the host's facade (core rules applied)."""
    (plugin,) = plugin_registry.plugins()
    return plugin


@pytest.fixture
def http_recording() -> HttpRecorder:
    """Every exchange of the contexts this test opens with the fixtures below."""
    from techoms_core.testing.recording import HttpRecorder

    return HttpRecorder()


@pytest.fixture
def make_channel_context(
    channel_plugin: ChannelPlugin, http_recording: HttpRecorder
) -> Iterator[Callable[..., ChannelContext]]:
    """Open channel contexts for the plugin under test; all closed after the test.

    ``make_channel_context(settings, name="test-channel", mappings=None,
    warehouse="MAIN", session_options=None)``; retries wait milliseconds.
    """
    from techoms_core.testing.contexts import open_test_channel

    with ExitStack() as stack:

        def make(settings: Mapping[str, Any], **options: Any) -> ChannelContext:
            opened = open_test_channel(
                channel_plugin.declaration, settings, recorder=http_recording, **options
            )
            return stack.enter_context(opened)

        yield make


@pytest.fixture
def channel_context(
    make_channel_context: Callable[..., ChannelContext], plugin_settings: Mapping[str, Any]
) -> ChannelContext:
    """A channel context of the plugin under test with ``plugin_settings``."""
    return make_channel_context(plugin_settings)


@pytest.fixture
def channel_logs() -> Iterator[LogCapture]:
    """Every log record written during the test, by any logger, at DEBUG."""
    from techoms_core.testing.logs import LogCapture

    with LogCapture.capturing() as capture:
        yield capture
