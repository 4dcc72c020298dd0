"""Everything the CLI prints goes through here, with secret values masked.

The CLI learns a channel's secret values as soon as it reads them (from the
store, from ``--set``, from an ``env:VAR``) and registers them with
:class:`Output`. Both consoles write through a :class:`MaskingStream`, so a
secret never reaches the terminal, whatever printed it: a table, a JSON
document, an error message from deep inside a library.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from typing import Any, TextIO

from rich.markup import escape
from rich.text import Text

from techoms_core.cli.terminal import INVISIBLE, SafeConsole, terminal_safe
from techoms_core.http.secret_mask import SecretMask
from techoms_core.loading import json_value
from techoms_core.secrets import Secret

#: Shorter values are not masked: masking "a" would garble every line.
MIN_SECRET_LENGTH = 4


class SecretValues(SecretMask):
    """The secret values known so far; masks them in every written form
    (plain, URL-encoded, JSON-escaped, cut short)."""

    def __init__(self) -> None:
        super().__init__(min_length=MIN_SECRET_LENGTH)

    def mask(self, text: str) -> str:
        return self(text)


class MaskingStream:
    """A text stream that masks known secret values before writing them on."""

    def __init__(self, target: TextIO, secrets: SecretValues) -> None:
        self._target = target
        self._secrets = secrets

    def write(self, text: str) -> int:
        self._target.write(self._secrets.mask(text))
        return len(text)

    def flush(self) -> None:
        self._target.flush()

    def isatty(self) -> bool:
        isatty = getattr(self._target, "isatty", None)
        return bool(isatty and isatty())

    def fileno(self) -> int:
        return self._target.fileno()

    @property
    def encoding(self) -> str:
        return getattr(self._target, "encoding", None) or "utf-8"


#: The width of tables written to a file or a pipe, unless ``COLUMNS`` says otherwise.
PIPE_WIDTH = 120


def _width(stream: MaskingStream) -> int | None:
    """A terminal's own width; for files and pipes ``COLUMNS`` or :data:`PIPE_WIDTH`."""
    if stream.isatty():
        return None
    columns = os.environ.get("COLUMNS", "")
    return int(columns) if columns.isdigit() else PIPE_WIDTH


class Output:
    """The CLI's two consoles (``out`` for results, ``err`` for errors and
    progress) and its JSON printer, all masking secrets."""

    def __init__(self, stdout: TextIO | None = None, stderr: TextIO | None = None) -> None:
        self.secrets = SecretValues()
        #: Called before an error is printed (the CLI learns stored secrets then).
        self.before_error: Callable[[], None] = _nothing
        self._stdout = MaskingStream(stdout or sys.stdout, self.secrets)
        self._stderr = MaskingStream(stderr or sys.stderr, self.secrets)
        # soft_wrap: lines of text are never cut by the console (a message stays one
        # greppable line); tables still fit the width.
        self.out = SafeConsole(
            file=self._stdout, highlight=False, soft_wrap=True, width=_width(self._stdout)
        )
        self.err = SafeConsole(
            file=self._stderr, highlight=False, soft_wrap=True, width=_width(self._stderr)
        )
        _ACTIVE.set(self.secrets)

    def add_secrets(self, values: Iterable[str | Secret | None]) -> None:
        """Mask these values in everything printed from now on."""
        self.secrets.add(values)

    def json(self, document: Any) -> None:
        """Print ``document`` as indented JSON on stdout (control, bidi and
        invisible characters as ``\\uXXXX`` escapes, so the JSON reads the same)."""
        text = json.dumps(json_value(document), indent=2, ensure_ascii=False)
        self._stdout.write(_JSON_UNSAFE.sub(_json_escape, text) + "\n")
        self._stdout.flush()

    def error(self, message: str) -> None:
        """Print an error on stderr (one ``Error:`` line, then any detail lines)."""
        self.before_error()
        self.err.print(f"[bold red]Error:[/] {escape(message)}")

    def note(self, message: str) -> None:
        """A remark on stderr, kept out of machine-readable stdout."""
        self.err.print(message)


def _nothing() -> None:
    pass


def plain(value: Any) -> Text:
    """A table cell holding data, never read as rich markup (``items[0]`` stays),
    with control and bidi characters escaped and known secrets masked before
    the table is laid out (a cell cut or wrapped never shows part of one)."""
    text = "-" if value is None else str(value)
    secrets = _ACTIVE.get()
    return Text(terminal_safe(secrets(text) if secrets is not None else text))


#: The secrets of the newest :class:`Output`, for cells made by :func:`plain`.
_ACTIVE: ContextVar[SecretValues | None] = ContextVar("active_secrets", default=None)
# In JSON text only the escapes' meaning matters; C0 controls json.dumps escapes itself.
_JSON_UNSAFE = re.compile(f"[\x7f-\x9f{INVISIBLE}]")


def _json_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match[0]):04x}"
