"""Reading JSON bodies field by field, collecting every problem.

Every problem of a body is collected and answered at once as one 422
``validation_error`` whose ``fields`` name each problem by its path
(``items[0].sku``, ``shipping_address.zip``). Fields a reader is not told about are
refused as ``unknown field``, so a misspelt field never passes silently.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from .errors import validation_error
from .state import format_timestamp

OBJECT_ID = re.compile(r"^[0-9a-f]{24}$")
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class FieldErrors:
    """The field problems found in one request, answered together as one 422."""

    def __init__(self) -> None:
        self.fields: dict[str, str] = {}

    def add(self, path: str, message: str) -> None:
        """Record a problem; the first one found for a path is kept."""
        self.fields.setdefault(path, message)

    def __bool__(self) -> bool:
        return bool(self.fields)

    def raise_if_any(self) -> None:
        """Raise the 422 listing every problem, if there is one."""
        if self.fields:
            raise validation_error(dict(self.fields))


class BodyReader:
    """Typed reads of one JSON object of a body; each problem goes to a FieldErrors."""

    def __init__(self, data: Any, path: str, errors: FieldErrors, allowed: Iterable[str]) -> None:
        self.path = path
        self.errors = errors
        if not isinstance(data, dict):
            errors.add(path or "body", "must be an object")
            data = {}
        self.data: dict[str, Any] = data
        known = set(allowed)
        for key in data:
            if key not in known:
                errors.add(self.at(key), "unknown field")

    def at(self, key: str) -> str:
        """The path of ``key`` inside this object."""
        return f"{self.path}.{key}" if self.path else key

    def fail(self, key: str, message: str) -> None:
        """Record a problem with ``key``."""
        self.errors.add(self.at(key), message)

    def _present(self, key: str, required: bool) -> Any:
        value = self.data.get(key)
        if value is None and required:
            self.fail(key, "required")
        return value

    def text(self, key: str, *, required: bool = False) -> str | None:
        """A string, trimmed; when required it must not be empty."""
        value = self._present(key, required)
        if value is None:
            return None
        if not isinstance(value, str):
            self.fail(key, "must be a string")
            return None
        value = value.strip()
        if required and not value:
            self.fail(key, "must not be empty")
            return None
        return value

    def positive_int(self, key: str, *, required: bool = False) -> int | None:
        """An integer of at least 1 (``true`` and ``2.0`` are not integers)."""
        return self._integer(key, required, minimum=1, message="must be a positive integer")

    def count(self, key: str, *, required: bool = False) -> int | None:
        """An integer of at least 0."""
        return self._integer(key, required, minimum=0, message="must be an integer >= 0")

    def _integer(self, key: str, required: bool, minimum: int, message: str) -> int | None:
        value = self._present(key, required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.fail(key, message)
            return None
        return value

    def number(self, key: str, *, required: bool = False, positive: bool = False) -> float | None:
        """A number, at least 0 (above 0 when ``positive``)."""
        value = self._present(key, required)
        if value is None:
            return None
        valid = isinstance(value, int | float) and not isinstance(value, bool)
        if not valid or value < 0 or (positive and value == 0):
            self.fail(key, "must be a number > 0" if positive else "must be a number >= 0")
            return None
        return value

    def flag(self, key: str) -> bool | None:
        """``true``, ``false`` or absent."""
        value = self.data.get(key)
        if value is not None and not isinstance(value, bool):
            self.fail(key, "must be true or false")
            return None
        return value

    def day(self, key: str, *, required: bool = False) -> str | None:
        """A date ``YYYY-MM-DD``."""
        value = self.text(key, required=required)
        if value is None:
            return None
        if parse_day(value) is None:
            self.fail(key, "must be a date YYYY-MM-DD")
            return None
        return value

    def timestamp(self, key: str) -> str | None:
        """An RFC 3339 timestamp with an offset, given back in UTC with microseconds."""
        value = self.text(key)
        if value is None:
            return None
        moment = parse_instant(value)
        if moment is None:
            self.fail(key, "must be an RFC 3339 timestamp with a time zone")
            return None
        return format_timestamp(moment)

    def choice(self, key: str, choices: Iterable[str]) -> str | None:
        """One of ``choices``, exactly."""
        value = self.text(key)
        allowed = tuple(choices)
        if value is not None and value not in allowed:
            self.fail(key, f"must be one of {', '.join(allowed)}")
            return None
        return value

    def object_id(self, key: str) -> str | None:
        """A 24-hex id (lower case)."""
        value = self.text(key)
        if value is not None and not OBJECT_ID.match(value):
            self.fail(key, "must be a 24-hex id")
            return None
        return value

    def child(
        self, key: str, allowed: Iterable[str], *, required: bool = False
    ) -> BodyReader | None:
        """The object under ``key``, or None when absent."""
        value = self._present(key, required)
        if value is None:
            return None
        if not isinstance(value, dict):
            self.fail(key, "must be an object")
            return None
        return BodyReader(value, self.at(key), self.errors, allowed)

    def children(
        self, key: str, allowed: Iterable[str], *, required: bool = False
    ) -> list[BodyReader]:
        """The objects of the list under ``key``; when required the list must not be empty."""
        value = self._present(key, required)
        if value is None:
            return []
        if not isinstance(value, list) or (required and not value):
            self.fail(key, "must be a non-empty list" if required else "must be a list")
            return []
        return [
            BodyReader(entry, f"{self.at(key)}[{index}]", self.errors, allowed)
            for index, entry in enumerate(value)
        ]


def parse_day(text: str) -> date | None:
    """``YYYY-MM-DD`` as a date, or None."""
    if not DAY.match(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def parse_instant(text: str) -> datetime | None:
    """An RFC 3339 timestamp with ``Z`` or an offset, or a bare date (midnight UTC)."""
    day = parse_day(text)
    if day is not None:
        return datetime(day.year, day.month, day.day, tzinfo=UTC)
    if "T" not in text and " " not in text:
        return None
    try:
        moment = datetime.fromisoformat(text)
        return moment.astimezone(UTC) if moment.tzinfo is not None else None
    except (ValueError, OverflowError):
        return None
