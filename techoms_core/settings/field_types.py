"""Field types: what each kind of setting accepts and how input becomes a value.

Input arrives as strings from the CLI or a form, or as typed values from stored
JSON. :func:`coerce_value` turns either into the field's value type or raises
:class:`InvalidValue` with a message that never contains a secret.
"""

from __future__ import annotations

import enum
import ipaddress
import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from techoms_core.secrets import Secret

if TYPE_CHECKING:
    from techoms_core.settings.schema import SettingsField

TRUE_WORDS = frozenset({"true", "yes", "1"})
FALSE_WORDS = frozenset({"false", "no", "0"})
WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")
LOOPBACK_NAMES = frozenset({"localhost", "localhost."})
LOOPBACK_RULE = "plain http is accepted only for a loopback host (127.0.0.0/8, ::1, localhost)"


class FieldType(enum.StrEnum):
    """The kind of a setting, which decides how its input is read and shown."""

    TEXT = "text"
    URL = "url"
    SECRET = "secret"
    CHOICE = "choice"
    BOOL = "bool"
    INT = "int"


class InvalidValue(ValueError):
    """A value a field cannot take; the message is safe to show (no secrets)."""


def coerce_value(field: SettingsField, value: object) -> object:
    """Return ``value`` as ``field``'s value type, or raise :class:`InvalidValue`.

    Strings are stripped first; the caller treats ``None`` and blank strings as
    "not given" and never passes them here.
    """
    if isinstance(value, str):
        value = value.strip()
    return _COERCERS[field.type](field, value)


def _text(field: SettingsField, value: object) -> str:
    if not isinstance(value, str):
        raise InvalidValue(f"must be text, not {type(value).__name__}")
    return value


def _secret(field: SettingsField, value: object) -> Secret:
    if isinstance(value, Secret):
        return Secret(value.reveal().strip())
    if not isinstance(value, str):
        raise InvalidValue("must be text")
    return Secret(value)


def _url(field: SettingsField, value: object) -> str:
    text = _text(field, value)
    check_url(text)
    return text


def check_url(text: str) -> None:
    """Raise :class:`InvalidValue` unless ``text`` is an https URL, or an http
    URL to a loopback host. The message never repeats the URL, which could
    carry a token."""
    try:
        parts = urlsplit(text)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:
        raise InvalidValue("is not a valid URL") from None
    if not parts.scheme or not host:
        raise InvalidValue("is not a valid URL; write it as https://host/path")
    if parts.username is not None or parts.password is not None:
        raise InvalidValue(
            "must not contain a user name or password; put credentials in a secret setting"
        )
    if parts.scheme == "https":
        return
    if parts.scheme == "http":
        if is_loopback_host(host):
            return
        raise InvalidValue(f"must use https; {LOOPBACK_RULE}")
    raise InvalidValue(f"must use https, not {parts.scheme!r}")


def is_loopback_host(host: str) -> bool:
    """True for ``localhost``, 127.0.0.0/8 and ``::1``."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _choice(field: SettingsField, value: object) -> str:
    values = [choice.value for choice in field.choices]
    if value in values:
        return value
    if isinstance(value, str):
        for known in values:
            if known.casefold() == value.casefold():
                return known
    raise InvalidValue(f"{value!r} is not a valid choice; choose one of: {', '.join(values)}")


def _bool(field: SettingsField, value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    raise InvalidValue(f"must be true or false (also accepted: yes/no, 1/0), not {value!r}")


def _int(field: SettingsField, value: object) -> int:
    if isinstance(value, bool):
        raise InvalidValue(f"must be a whole number, not {value!r}")
    if isinstance(value, str):
        if not WHOLE_NUMBER.fullmatch(value):
            raise InvalidValue(f"must be a whole number, not {value!r}")
        value = int(value)
    if not isinstance(value, int):
        raise InvalidValue(f"must be a whole number, not {value!r}")
    if field.min is not None and value < field.min:
        raise InvalidValue(f"must be at least {field.min}, not {value}")
    if field.max is not None and value > field.max:
        raise InvalidValue(f"must be at most {field.max}, not {value}")
    return value


_COERCERS = {
    FieldType.TEXT: _text,
    FieldType.URL: _url,
    FieldType.SECRET: _secret,
    FieldType.CHOICE: _choice,
    FieldType.BOOL: _bool,
    FieldType.INT: _int,
}
