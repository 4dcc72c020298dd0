"""Choices a plugin listed for a settings form, kept for a short while.

A settings page re-evaluates its form on every change, and each evaluation
asks the plugin for the choices of its ``choices_from`` fields (Leanafy: one
``GET /v1/me``). What the WMS listed for the same field of the same channel
read with the same values is kept for :data:`KEEP_SECONDS`, so editing other
fields asks the WMS nothing; changing a value the choices are read with asks
again. :meth:`ListedChoices.kept` answers from what is kept without asking,
for pages that list the choices by a request of their own. Refusals are never
kept. Keys are digests, so no secret is held as a key.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Mapping
from typing import TypeVar

from techoms_core.secrets import Secret
from techoms_core.settings import SettingsField

#: How long listed choices are reused.
KEEP_SECONDS = 30.0
#: How many lists are kept at most (the oldest goes first).
MOST_KEPT = 64

T = TypeVar("T")
#: What :meth:`ListedChoices.kept` answers when nothing is kept.
NOT_KEPT = object()


class ListedChoices:
    """Listed choices by field and by the values they were read with."""

    def __init__(
        self, keep_seconds: float = KEEP_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._keep_seconds = keep_seconds
        self._clock = clock
        self._kept: dict[str, tuple[float, object]] = {}
        self._lock = threading.Lock()

    def kept(
        self, field: SettingsField, settings: Mapping[str, object], *, scope: str = ""
    ) -> object:
        """What was listed for ``field`` of channel ``scope`` with these
        ``settings`` less than :data:`KEEP_SECONDS` ago, else :data:`NOT_KEPT`."""
        key = _key(field, settings, scope)
        with self._lock:
            kept = self._kept.get(key)
        if kept is not None and self._clock() - kept[0] < self._keep_seconds:
            return kept[1]
        return NOT_KEPT

    def get_or_list(
        self,
        field: SettingsField,
        settings: Mapping[str, object],
        listing: Callable[[], T],
        *,
        scope: str = "",
    ) -> T:
        """What ``listing()`` answered for ``field`` of channel ``scope`` with
        these ``settings`` less than :data:`KEEP_SECONDS` ago, else ``listing()`` now."""
        kept = self.kept(field, settings, scope=scope)
        if kept is not NOT_KEPT:
            return kept  # type: ignore[return-value]
        key = _key(field, settings, scope)
        now = self._clock()
        listed = listing()
        with self._lock:
            self._kept[key] = (now, listed)
            while len(self._kept) > MOST_KEPT:
                del self._kept[next(iter(self._kept))]
        return listed


def _key(field: SettingsField, settings: Mapping[str, object], scope: str) -> str:
    digest = hashlib.sha256()
    digest.update(f"{scope}\0".encode())
    for name in (field.key, *field.choices_from):
        value = settings.get(name)
        text = value.reveal() if isinstance(value, Secret) else repr(value)
        digest.update(f"{name}\0{text}\0".encode())
    return digest.hexdigest()
