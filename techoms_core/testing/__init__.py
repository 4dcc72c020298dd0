"""The plugin author kit: test a channel plugin the way the host will run it.

Two things live here.

**The conformance suite** (:mod:`techoms_core.testing.conformance`): one class
that checks everything the host relies on, for any plugin. Enable it in a few
lines in your plugin's ``tests/test_conformance.py``::

    from techoms_core.testing import ChannelConformance
    from techoms_acme import hooks
    from techoms_acme.fake import FakeAcme

    class TestAcmeConformance(ChannelConformance):
        plugin = hooks
        wms_double = FakeAcme

**Fixtures and tools** for your own tests. Installing techoms-channels
registers a pytest plugin (entry point ``pytest11``, name ``techoms``) with
these fixtures; define ``plugin_under_test`` and ``plugin_settings`` in your
``conftest.py`` and the rest follow:

* ``plugin_registry``: a :class:`~techoms_core.registry.Registry` holding only
  your plugin; ``channel_plugin``: its :class:`~techoms_core.plugin.ChannelPlugin`.
* ``channel_context``: a channel context built with ``open_context`` from
  ``plugin_settings``; ``make_channel_context(settings)`` for more of them.
* ``http_recording``: an :class:`HttpRecorder` of every exchange of those
  contexts, redacted; ``channel_logs``: every log line, at DEBUG, as a
  :class:`LogCapture`.

The tools: :func:`lose_answers` (a create whose answer never arrives),
:func:`find_secrets` (a secret in any of its spellings), :func:`channel_vcr`
(cassettes scrubbed of secrets), and sample records in :mod:`.samples`.
"""

from __future__ import annotations

import importlib
from typing import Any

#: Public name -> the module that defines it (imported on first use, so that
#: pytest can load this package as a plugin before anything heavy).
_EXPORTS = {
    "ChannelConformance": "techoms_core.testing.conformance",
    "ConformanceBase": "techoms_core.testing.conformance",
    "conformance_suite": "techoms_core.testing.conformance",
    "HttpRecorder": "techoms_core.testing.recording",
    "Exchange": "techoms_core.testing.recording",
    "LogCapture": "techoms_core.testing.logs",
    "lose_answers": "techoms_core.testing.faults",
    "find_secrets": "techoms_core.testing.leaks",
    "find_secrets_in_files": "techoms_core.testing.leaks",
    "channel_vcr": "techoms_core.testing.cassettes",
    "unmasked_values": "techoms_core.testing.cassettes",
    "open_test_channel": "techoms_core.testing.contexts",
    "registry_with": "techoms_core.testing.contexts",
    "unreachable_url": "techoms_core.testing.contexts",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
