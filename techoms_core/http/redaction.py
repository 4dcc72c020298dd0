"""Redaction: keeping secret values out of every log line and error message.

A :class:`Redactor` knows a channel's secret values (API keys, passwords) and
masks them wherever they appear: plain, URL-encoded, JSON-escaped, or cut short
before ``...`` (:class:`~techoms_core.http.secret_mask.SecretMask`). It also masks
values by *name*, whether or not they are known secrets: any header, query
parameter or JSON field whose name contains ``key``, ``secret``, ``token``,
``password``, ``authorization`` or ``cookie`` (in any case)::

    redactor = Redactor([settings["api_key"], settings["api_secret"]])
    redactor.url("https://wms.example/v1/items?api_key=abc&page=2")
    # 'https://wms.example/v1/items?api_key=********&page=2'

The HTTP session passes every log line and every exception message it makes
through its redactor; a plugin should do the same with anything it logs that
came from the wire.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import unquote_plus, urlsplit, urlunsplit

from techoms_core.http.secret_mask import SecretMask
from techoms_core.secrets import MASK, Secret

#: Words that make a header, parameter or field name sensitive.
SENSITIVE_WORDS: tuple[str, ...] = ("key", "secret", "token", "password", "authorization", "cookie")

_NAME_CHARS = r"\w.\-\[\]"
# "name=value", "name: value", '"name": "value"'; the callback keeps only sensitive names.
_NAMED_VALUE = re.compile(
    rf"""(?<![{_NAME_CHARS}])(?P<name>[{_NAME_CHARS}]++)"""
    r"""(?P<separator>["']?\s*+[:=]\s*+["']?)"""
    r"""(?P<value>(?:(?:bearer|basic|token)\s+)?[^\s"'&,;<>(){}\[\]]++)""",
    re.IGNORECASE,
)


def is_sensitive_name(name: str) -> bool:
    """Whether a header, query parameter or field called ``name`` holds a secret."""
    lowered = name.lower()
    return any(word in lowered for word in SENSITIVE_WORDS)


class Redactor:
    """Masks secret values, and values stored under sensitive names, with ``MASK``."""

    def __init__(self, secrets: Iterable[str | Secret] = ()) -> None:
        self._mask = SecretMask(secrets)

    def text(self, text: str) -> str:
        """``text`` with every secret value and every ``name=value`` /
        ``name: value`` pair under a sensitive name masked."""
        return _NAMED_VALUE.sub(_mask_named_value, self._mask_secrets(text))

    def url(self, url: str) -> str:
        """``url`` with its password, sensitive query parameters and secrets masked."""
        try:
            parts = urlsplit(url)
        except ValueError:
            return self.text(url)
        netloc = parts.netloc
        if parts.password:
            userinfo, _, host = netloc.rpartition("@")
            netloc = f"{userinfo.partition(':')[0]}:{MASK}@{host}"
        query = "&".join(_masked_parameter(pair) for pair in parts.query.split("&"))
        masked = urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
        return self.text(masked)

    def headers(self, headers: Mapping[str, Any]) -> dict[str, str]:
        """A copy of ``headers`` whose sensitive values are masked."""
        return {
            name: MASK if is_sensitive_name(name) else self.text(str(value))
            for name, value in headers.items()
        }

    def body(self, body: str | bytes | None, *, limit: int | None = None) -> str:
        """A request or response body as text, redacted, then cut to ``limit``
        characters.

        A JSON body keeps its shape, with the values of sensitive fields masked.
        Cutting happens after masking, so a cut never leaves half a secret.
        """
        if body is None:
            return ""
        text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body
        try:
            document = json.loads(text)
            redacted = self._mask_secrets(json.dumps(self._document(document), ensure_ascii=False))
        except (ValueError, RecursionError):  # not JSON, or nested too deep to walk
            redacted = self.text(text)
        if limit is not None and len(redacted) > limit:
            return redacted[:limit] + "..."
        return redacted

    def _mask_secrets(self, text: str) -> str:
        return self._mask(text)

    def _document(self, value: Any) -> Any:
        if isinstance(value, dict):
            return {key: self._named(str(key), item) for key, item in value.items()}
        if isinstance(value, list):
            return [self._document(item) for item in value]
        if isinstance(value, str):
            return self.text(value)
        return value

    def _named(self, name: str, value: Any) -> Any:
        if is_sensitive_name(name) and not isinstance(value, dict | list) and value is not None:
            return MASK
        return self._document(value)

    def __repr__(self) -> str:
        return f"Redactor({len(self._mask)} secret values)"


def _masked_parameter(pair: str) -> str:
    name, separator, _ = pair.partition("=")
    if separator and is_sensitive_name(unquote_plus(name)):
        return f"{name}={MASK}"
    return pair


def _mask_named_value(match: re.Match[str]) -> str:
    if not is_sensitive_name(match["name"]):
        return match[0]
    return f"{match['name']}{match['separator']}{MASK}"
