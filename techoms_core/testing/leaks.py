"""Finding secret values where they must never be: logs, results, cassettes.

A secret can leak in more than one spelling: as typed, URL-encoded (in a
query string or a form body), or base64-encoded (in an ``Authorization``
header). :func:`find_secrets` looks for all of them and names what it found
without repeating the secret itself.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import quote, quote_plus

from attrs import frozen

from techoms_core.secrets import Secret

#: Shorter secrets match by accident; a test should configure longer ones.
MIN_DETECTABLE_LENGTH = 8


@frozen
class Leak:
    """Where a secret was found: ``where`` (a file and line, or a label) and
    which secret, by its position in the list searched for."""

    where: str
    secret_index: int
    spelling: str

    def __str__(self) -> str:
        return f"secret #{self.secret_index + 1} ({self.spelling}) found in {self.where}"


def revealed(values: Iterable[str | Secret]) -> list[str]:
    """The distinct non-empty values, revealed, in their first order."""
    seen: dict[str, None] = {}
    for value in values:
        text = value.reveal() if isinstance(value, Secret) else str(value)
        if text:
            seen.setdefault(text, None)
    return list(seen)


def spellings(secret: str) -> dict[str, str]:
    """The forms ``secret`` may take on the wire or in a file, by name."""
    forms = {
        "as typed": secret,
        "URL-encoded": quote(secret, safe=""),
        "form-encoded": quote_plus(secret),
        "base64": base64.b64encode(secret.encode()).decode().rstrip("="),
    }
    return {name: form for name, form in forms.items() if form}


def too_short(secrets: Iterable[str | Secret]) -> list[int]:
    """Positions of secrets too short to be searched for reliably."""
    return [i for i, value in enumerate(revealed(secrets)) if len(value) < MIN_DETECTABLE_LENGTH]


def find_secrets(
    texts: Iterable[tuple[str, str]] | Iterable[str], secrets: Iterable[str | Secret]
) -> list[Leak]:
    """Every secret found in ``texts``: plain strings, or (label, text) pairs."""
    values = revealed(secrets)
    leaks: list[Leak] = []
    for number, item in enumerate(texts):
        label, text = item if isinstance(item, tuple) else (f"text #{number + 1}", item)
        for index, value in enumerate(values):
            for spelling, form in spellings(value).items():
                if form in text:
                    leaks.append(Leak(label, index, spelling))
                    break
    return leaks


def find_secrets_in_files(paths: Iterable[Path], secrets: Iterable[str | Secret]) -> list[Leak]:
    """Every secret found in the files under ``paths`` (files or folders), by line."""
    values = revealed(secrets)
    lines: list[tuple[str, str]] = []
    for path in _files(paths):
        text = path.read_text(encoding="utf-8", errors="replace")
        lines.extend((f"{path}:{n}", line) for n, line in enumerate(text.splitlines(), 1))
    return find_secrets(lines, values)


def _files(paths: Iterable[Path]) -> Iterable[Path]:
    for path in paths:
        path = Path(path)
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file())
        elif path.is_file():
            yield path
