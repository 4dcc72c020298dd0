"""How a WMS speaks HTTP, declared once by its plugin.

A plugin puts a :class:`WireConventions` on its declaration
(``PluginDeclaration.wire``); the core passes it to :func:`build_session`
when it opens the channel's context, so every message names the WMS, every
error carries the WMS's own code, message and field reasons, and every
request goes to the channel's URL with its credentials. A plugin's client
then asks for paths (``context.http.get("/orders")``) and writes no header.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from attrs import field, frozen

from techoms_core.http.errors import DEFAULT_ERROR_TABLE, ErrorTable
from techoms_core.http.exceptions import ErrorDetail
from techoms_core.http.failures import ErrorParser
from techoms_core.secrets import Secret

if TYPE_CHECKING:
    import requests


@frozen(kw_only=True)
class WireConventions:
    """The WMS's name in messages, its errors, its URL and its credentials.

    :ivar service_name: how messages name the WMS (``"Leanafy"``); the core
        uses the plugin's display name when this is empty.
    :ivar error_table: rows that classify failures (start from
        ``DEFAULT_ERROR_TABLE.extended(...)``).
    :ivar error_parser: reads the WMS's error envelope into an ``ErrorDetail``.
    :ivar base_url_setting: the setting that holds the WMS's URL (``"api_url"``);
        relative request paths are joined to it.
    :ivar base_path: the API's path under that URL (``"/v1"``), added unless the
        URL given already ends with it.
    :ivar auth_headers: header name -> the key of the secret setting sent in it
        with every request (``{"X-API-Key": "api_key"}``).
    """

    service_name: str = ""
    error_table: ErrorTable = DEFAULT_ERROR_TABLE
    error_parser: ErrorParser | None = field(default=None, eq=False)
    base_url_setting: str | None = None
    base_path: str = ""
    auth_headers: Mapping[str, str] = field(factory=dict, converter=dict)

    def setting_keys(self) -> tuple[str, ...]:
        """Every setting these conventions read (the declaration checks they exist)."""
        url = (self.base_url_setting,) if self.base_url_setting else ()
        return (*url, *self.auth_headers.values())

    def session_options(
        self, display_name: str, settings: Mapping[str, object] | None = None
    ) -> dict[str, object]:
        """The keyword arguments of :func:`build_session` these conventions set,
        for a channel's validated ``settings`` (a setting not given yet, as on
        a form being filled in, is left out)."""
        options: dict[str, object] = {
            "service_name": self.service_name or display_name,
            "error_table": self.error_table,
            "error_parser": self.error_parser,
        }
        settings = settings or {}
        url = settings.get(self.base_url_setting) if self.base_url_setting else None
        if url:
            root = str(url).rstrip("/")
            path = self.base_path.rstrip("/")
            options["base_url"] = root if not path or root.endswith(path) else root + path
        headers = {
            name: settings[key]
            for name, key in self.auth_headers.items()
            if isinstance(settings.get(key), Secret)
        }
        if headers:
            options["headers"] = headers
        return options


def error_body_reader(*, envelope: str, message: str, field: str | None = None) -> ErrorParser:
    """An ``error_parser`` for a WMS whose refusals read
    ``{envelope: {message: "...", field: "..."}}``: the message, and the field
    it blames (as :class:`ErrorDetail` ``fields``, so a failed record names it)."""

    def parse(response: requests.Response) -> ErrorDetail | None:
        try:
            error = response.json()[envelope]
            text, blamed = error.get(message), error.get(field) if field else None
        except (ValueError, KeyError, TypeError, AttributeError):
            return None
        said = None if text is None else str(text)
        return ErrorDetail(message=said, fields={str(blamed): said or ""} if blamed else {})

    return parse
