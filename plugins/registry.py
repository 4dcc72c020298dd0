"""Discovery of the installed channel plugins (spec §1).

A package registers a channel plugin under the ``techoms.channels`` entry point
group (name = channel key, value = the hooks module or object); this module
finds them. The loading policy itself (one plugin at a time, a broken one
reported and skipped, a misspelt hook refused) is the framework's:
:class:`techoms_core.registry.Registry`. This module builds on it, and the
framework never imports this one: ``plugins`` depends on ``techoms_core``, not
the other way round (docs/architecture.md).
"""

from __future__ import annotations

from techoms_core.registry import (
    ENTRY_POINT_GROUP,
    LoadProblem,
    PluginLoadError,
    Registry,
    UnknownPlugin,
)

__all__ = [
    "ENTRY_POINT_GROUP",
    "LoadProblem",
    "PluginLoadError",
    "Registry",
    "UnknownPlugin",
    "discover",
]


def discover(*, strict: bool = False) -> Registry:
    """Load the installed channel plugins (see :meth:`Registry.discover`)."""
    return Registry.discover(strict=strict)
