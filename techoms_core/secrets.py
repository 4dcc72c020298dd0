"""Secret values: settings such as API keys that must never be shown.

A :class:`Secret` hides its value from ``repr``, ``str``, f-strings and logging;
the value is read only through :meth:`Secret.reveal`, so every place that
handles the real value is easy to find.
"""

from __future__ import annotations

MASK = "********"


class Secret:
    """A string whose value never appears in a repr, a log line or an error."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        if isinstance(value, Secret):
            value = value.reveal()
        if not isinstance(value, str):
            raise TypeError("a Secret wraps a string")
        self._value = value

    def reveal(self) -> str:
        """Return the real value, for the one place that must send it."""
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Secret):
            return self._value == other._value
        return NotImplemented

    def __hash__(self) -> int:
        return hash(("Secret", self._value))

    def __repr__(self) -> str:
        return f"Secret({MASK!r})"

    def __str__(self) -> str:
        return MASK

    def __format__(self, spec: str) -> str:
        return MASK

    def __reduce__(self):  # pickling would otherwise write the value out
        raise TypeError("a Secret cannot be pickled")
