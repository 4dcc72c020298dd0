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
import sys
from collections.abc import Iterable
from typing import Any, TextIO
from urllib.parse import quote, quote_plus

from rich.console import Console
from rich.markup import escape
from rich.text import Text

from techoms_core.loading import json_value
from techoms_core.secrets import MASK, Secret

#: Shorter values are not masked: masking "a" would garble every line.
MIN_SECRET_LENGTH = 4


class SecretValues:
    """The secret values known so far, in their plain and URL-encoded forms."""

    def __init__(self) -> None:
        self._forms: list[str] = []

    def add(self, values: Iterable[str | Secret | None]) -> None:
        for value in values:
            text = value.reveal() if isinstance(value, Secret) else value
            if not text or len(text) < MIN_SECRET_LENGTH:
                continue
            for form in (text, quote(text, safe=""), quote_plus(text)):
                if form not in self._forms:
                    self._forms.append(form)
        self._forms.sort(key=len, reverse=True)

    def mask(self, text: str) -> str:
        for form in self._forms:
            if form in text:
                text = text.replace(form, MASK)
        return text


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
        self._stdout = MaskingStream(stdout or sys.stdout, self.secrets)
        self._stderr = MaskingStream(stderr or sys.stderr, self.secrets)
        # soft_wrap: lines of text are never cut by the console (a message stays one
        # greppable line); tables still fit the width.
        self.out = Console(
            file=self._stdout, highlight=False, soft_wrap=True, width=_width(self._stdout)
        )
        self.err = Console(
            file=self._stderr, highlight=False, soft_wrap=True, width=_width(self._stderr)
        )

    def add_secrets(self, values: Iterable[str | Secret | None]) -> None:
        """Mask these values in everything printed from now on."""
        self.secrets.add(values)

    def json(self, document: Any) -> None:
        """Print ``document`` as indented JSON on stdout."""
        self._stdout.write(json.dumps(json_value(document), indent=2, ensure_ascii=False) + "\n")
        self._stdout.flush()

    def error(self, message: str) -> None:
        """Print an error on stderr (one ``Error:`` line, then any detail lines)."""
        self.err.print(f"[bold red]Error:[/] {escape(message)}")

    def note(self, message: str) -> None:
        """A remark on stderr, kept out of machine-readable stdout."""
        self.err.print(message)


def plain(value: Any) -> Text:
    """A table cell holding data, never read as rich markup (``items[0]`` stays)."""
    return Text("-" if value is None else str(value))
