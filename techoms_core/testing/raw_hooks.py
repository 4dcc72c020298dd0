"""Calling one plugin's own hook implementations, with nothing around them.

The host calls a plugin through :class:`~techoms_core.plugin.ChannelPlugin`,
which applies the core rules (SKU mappings, required export fields, one result
per record filled in when the plugin forgets one). A conformance test must see
what the plugin itself returns, so :class:`RawHooks` calls the plugin's
implementation directly, through pluggy, with only that plugin registered.
"""

from __future__ import annotations

from typing import Any

import pluggy

from techoms_core import hookspecs
from techoms_core.hookspecs import PROJECT_NAME
from techoms_core.models import PluginDeclaration
from techoms_core.options import SyncOption


class RawHooks:
    """One plugin's hook implementations, callable by hook name."""

    def __init__(self, plugin: object) -> None:
        self._pm = pluggy.PluginManager(PROJECT_NAME)
        self._pm.add_hookspecs(hookspecs)
        self._pm.register(plugin)
        self.plugin = plugin

    def implements(self, hook: str) -> bool:
        """Whether the plugin implements ``hook``."""
        caller = getattr(self._pm.hook, hook, None)
        return bool(caller and caller.get_hookimpls())

    def call(self, hook: str, **kwargs: Any) -> Any:
        """Call the plugin's ``hook`` with keyword arguments; return what it returns."""
        if not self.implements(hook):
            raise LookupError(f"the plugin does not implement {hook}")
        return getattr(self._pm.hook, hook)(**kwargs)

    def declaration(self) -> PluginDeclaration:
        """What ``channel_declaration`` returns."""
        return self.call("channel_declaration")

    def send(self, option: SyncOption, context: Any, records: list[Any]) -> Any:
        """Call a send option's hook with ``records`` as its batch."""
        return self.call(option.hook, context=context, **option.arguments(batch=records))

    def receive(self, option: SyncOption, context: Any, cursor: str | None) -> Any:
        """Call a receive or snapshot option's hook (a snapshot takes no cursor)."""
        return self.call(option.hook, context=context, **option.arguments(cursor=cursor))
