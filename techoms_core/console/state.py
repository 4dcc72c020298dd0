"""What every page of the console works with: the host, the plugins, and what
the console remembers while it runs (the syncs it started in the background)."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from attrs import define, field

from techoms_core.console.drafts import PageDrafts
from techoms_core.context import ChannelConfig
from techoms_core.plugin import ChannelPlugin
from techoms_core.registry import Registry
from techoms_core.store import SqliteHost


@define
class ConsoleState:
    """The console's one host, registry and environment, shared by every request.

    :ivar host: the store the CLI uses too (``--db`` / ``TECHOMS_DB``).
    :ivar registry: the installed plugins.
    :ivar environ: where ``env:VAR`` settings are read.
    :ivar password: the login password.
    :ivar runs: the syncs started from the console (see :mod:`.background`).
    :ivar drafts: each open channel page's unsaved mapping changes (:mod:`.drafts`).
    """

    host: SqliteHost
    registry: Registry
    environ: Mapping[str, str]
    password: str
    runs: Any = None
    drafts: PageDrafts = field(factory=PageDrafts)
    lock: threading.Lock = field(factory=threading.Lock)

    def channel(self, name: str) -> tuple[ChannelConfig, ChannelPlugin]:
        """The channel ``name`` and its plugin; ``UnknownChannel`` or
        ``UnknownPlugin`` when either is missing."""
        config = self.host.channel(name)
        return config, self.registry.get(config.plugin)
