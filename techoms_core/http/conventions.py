"""How a WMS speaks HTTP, declared once by its plugin.

A plugin puts a :class:`WireConventions` on its declaration
(``PluginDeclaration.wire``); the core passes it to :func:`build_session`
when it opens the channel's context, so every message names the WMS and every
error carries the WMS's own code, message and field reasons.
"""

from __future__ import annotations

from attrs import field, frozen

from techoms_core.http.errors import DEFAULT_ERROR_TABLE, ErrorTable
from techoms_core.http.failures import ErrorParser


@frozen(kw_only=True)
class WireConventions:
    """The WMS's name in messages, its error table and its error envelope reader.

    :ivar service_name: how messages name the WMS (``"Leanafy"``); the core
        uses the plugin's display name when this is empty.
    :ivar error_table: rows that classify failures (start from
        ``DEFAULT_ERROR_TABLE.extended(...)``).
    :ivar error_parser: reads the WMS's error envelope into an ``ErrorDetail``.
    """

    service_name: str = ""
    error_table: ErrorTable = DEFAULT_ERROR_TABLE
    error_parser: ErrorParser | None = field(default=None, eq=False)

    def session_options(self, display_name: str) -> dict[str, object]:
        """The keyword arguments of :func:`build_session` these conventions set."""
        return {
            "service_name": self.service_name or display_name,
            "error_table": self.error_table,
            "error_parser": self.error_parser,
        }
