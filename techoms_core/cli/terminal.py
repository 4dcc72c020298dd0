"""Text from records and from WMS answers made safe to print on a terminal.

A SKU, a name or a WMS message may hold escape sequences (``\\x1b[2J`` clears
the screen, OSC 8 makes links), other control characters, or Unicode bidi
controls that reorder what is shown (``\\u202e``). Printed raw, they let data
rewrite the terminal or disguise itself; :func:`terminal_safe` shows each as
its escape instead (``\\x1b``, ``\\u202e``), and :class:`SafeConsole` applies it
to everything rich renders from text, before its own styling is added.
"""

from __future__ import annotations

import re
from typing import Any

from rich.console import Console
from rich.text import Text

#: Bidi controls, and invisible characters that make two strings look alike.
INVISIBLE = "\u061c\u200b\u200c\u200d\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff"
# C0 controls but tab and newline, DEL, C1 controls, and the invisibles.
_UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{INVISIBLE}]")


def _escaped(match: re.Match[str]) -> str:
    code = ord(match[0])
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_safe(text: str) -> str:
    """``text`` with control, bidi and invisible characters shown as escapes."""
    return _UNSAFE.sub(_escaped, text)


def has_unsafe(text: str) -> bool:
    return _UNSAFE.search(text) is not None


class SafeConsole(Console):
    """A rich console that never writes a control or bidi character taken from
    data: markup strings and :class:`~rich.text.Text` are escaped before rendering."""

    def render_str(self, text: str, **options: Any) -> Text:
        return super().render_str(terminal_safe(text), **options)

    def print(self, *objects: Any, **options: Any) -> None:
        super().print(*(_safe(item) for item in objects), **options)


def _safe(item: Any) -> Any:
    if isinstance(item, Text) and has_unsafe(item.plain):
        return Text(terminal_safe(item.plain), style=item.style)
    return item
