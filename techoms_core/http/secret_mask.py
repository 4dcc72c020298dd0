"""Masking known secret values in every form a text may carry them.

A secret reaches a message not only as typed: a URL holds it percent-encoded,
a JSON document or a Python repr with ``"`` and ``\\`` escaped, and a message
cut to length (``"abc..."``, a table cell ending in ``…``) holds its first
characters. :class:`SecretMask` masks all of these with ``MASK``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from urllib.parse import quote, quote_plus

from techoms_core.secrets import MASK, Secret

#: A cut text ends in one of these, right after the characters it kept.
CUT_MARKS = ("...", "…")
#: The shortest start of a secret masked before a cut mark: shorter ones are
#: too likely to be ordinary text, and reveal too little to matter.
MIN_CUT_PREFIX = 4


def written_forms(value: str) -> tuple[str, ...]:
    """``value`` as texts may carry it: plain, URL-encoded (path, query, form),
    JSON-escaped (ASCII or not) and as a Python repr shows it."""
    forms = [value, quote(value), quote(value, safe=""), quote_plus(value)]
    forms += [json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1]]
    forms.append(repr(value)[1:-1])
    return tuple(dict.fromkeys(form for form in forms if form))


class SecretMask:
    """Masks the values it was given, in every written form and cut short."""

    def __init__(self, secrets: Iterable[str | Secret | None] = (), *, min_length: int = 1):
        self._min_length = min_length
        self._values: set[str] = set()
        self._forms: list[str] = []
        self._whole: re.Pattern[str] | None = None
        self._starts: re.Pattern[str] | None = None
        self.add(secrets)

    def add(self, secrets: Iterable[str | Secret | None]) -> None:
        """Mask these values too (those shorter than ``min_length`` are ignored)."""
        for secret in secrets:
            value = secret.reveal() if isinstance(secret, Secret) else secret
            if value and len(value) >= self._min_length:
                self._values.add(value)
        forms = {form for value in self._values for form in written_forms(value)}
        self._forms = sorted(forms, key=len, reverse=True)
        self._whole = re.compile("|".join(map(re.escape, self._forms))) if forms else None
        starts = {form[:MIN_CUT_PREFIX] for form in self._forms if len(form) > MIN_CUT_PREFIX}
        self._starts = re.compile("|".join(map(re.escape, starts))) if starts else None

    def __len__(self) -> int:
        return len(self._values)

    def __call__(self, text: str) -> str:
        """``text`` with every form of every secret, whole or cut, masked."""
        if self._whole is None:
            return text
        text = self._whole.sub(MASK, text)
        # Only where a secret's first characters appear can one be cut short.
        if self._starts is not None and self._starts.search(text):
            text = self._mask_cut_starts(text)
        return text

    def _mask_cut_starts(self, text: str) -> str:
        """``text`` with the start of a secret right before a cut mark masked."""
        longest = len(self._forms[0])
        pieces, done = [], 0
        for mark in _CUT_MARK.finditer(text):
            window_start = max(done, mark.start() - longest)
            window = text[window_start : mark.start()]
            cut = self._cut_start(window)
            if cut is not None:
                pieces += [text[done : window_start + cut], MASK]
                done = mark.start()
        return "".join([*pieces, text[done:]]) if pieces else text

    def _cut_start(self, window: str) -> int | None:
        """Where in ``window`` a proper start of a secret begins that runs to its end."""
        for form in self._forms:
            start = window.find(form[:MIN_CUT_PREFIX])
            while start != -1:
                kept = window[start:]
                if len(kept) < len(form) and form.startswith(kept):
                    return start
                start = window.find(form[:MIN_CUT_PREFIX], start + 1)
        return None


_CUT_MARK = re.compile("|".join(map(re.escape, CUT_MARKS)))
