"""Validators and converters shared by the record models.

Validation lives on the models so that a record that exists is a record that is
valid: a loader, a plugin and a test all get the same errors, each naming the
field.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any


def trimmed(value: Any) -> Any:
    """Strip surrounding whitespace from strings; leave other values alone."""
    return value.strip() if isinstance(value, str) else value


def optional_text(value: Any) -> str | None:
    """Trim a string; an empty one becomes ``None``."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"expected text, got {type(value).__name__}")
    value = value.strip()
    return value or None


def required_text(instance: Any, attribute: Any, value: Any) -> None:
    """A non-empty string after trimming."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{attribute.name}: required, must be non-empty text")


def positive_int(instance: Any, attribute: Any, value: Any) -> None:
    """A whole number above zero (``True`` is not a number here)."""
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"{attribute.name}: must be a positive integer, got {value!r}")


def non_negative_int(instance: Any, attribute: Any, value: Any) -> None:
    """A whole number, zero or above."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{attribute.name}: must be an integer >= 0, got {value!r}")


def to_date(value: Any) -> dt.date | None:
    """Accept a ``date`` or an ISO ``YYYY-MM-DD`` string."""
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        raise ValueError(f"not a date (YYYY-MM-DD): {value!r}") from None


def to_datetime(value: Any) -> dt.datetime | None:
    """Accept an aware ``datetime`` or an RFC 3339 string; naive means UTC."""
    if value is None:
        return None
    if not isinstance(value, dt.datetime):
        try:
            value = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"not a timestamp (RFC 3339): {value!r}") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value


def to_decimal(value: Any) -> Decimal | None:
    """Money and measures travel as ``Decimal``; floats go through ``str``."""
    if value is None or isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise ValueError(f"not a number: {value!r}")
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"not a number: {value!r}") from None


def to_mapping(value: Any) -> dict[str, str]:
    """References: a mapping of code to a text value (numbers are written as text)."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValueError(f"expected an object of code -> value, got {value!r}"[:200])
    nested = next((k for k, v in value.items() if isinstance(v, dict | list | tuple)), None)
    if nested is not None:
        raise ValueError(f"the value of {str(nested)[:60]!r} must be text, not an object or array")
    return {str(k).strip(): "" if v is None else str(v) for k, v in value.items()}
