"""The unsaved mapping changes of each open channel page.

A channel page commits nothing before Save, mapping rows included: each
opened page gets a draft (its id is in the page), and adding, changing,
removing or importing rows only changes the draft. Save writes the draft with
the rest of the page in one transaction (the host's ``save_channel``), then
empties it. Drafts live in the console's memory: a console restart loses them,
as it loses the logins, and a draft untouched for :data:`KEEP_SECONDS` goes.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable

from attrs import define, evolve, field

from techoms_core.channel_changes import MappingChanges
from techoms_core.mappings import UnmappedPolicy

#: How long a draft is kept after its last use (a login lasts as long).
KEEP_SECONDS = 12 * 3600
#: How many drafts are kept at most (the least recently used goes first).
MOST_KEPT = 500


class DraftLost(LookupError):
    """A page's draft is not there (the console restarted, or the page is old)."""

    def __str__(self) -> str:
        return (
            "this page's unsaved changes are no longer kept (the console restarted "
            "or the page was open too long); reload the page"
        )


@define
class PageDraft:
    """One channel page's unsaved mapping changes (by kind) and carrier policy."""

    channel: str
    mappings: dict[str, MappingChanges] = field(factory=dict)
    carrier_policy: UnmappedPolicy | None = None

    def changes(self, kind: str) -> MappingChanges:
        return self.mappings.get(kind) or MappingChanges(kind=kind)

    @property
    def empty(self) -> bool:
        return self.carrier_policy is None and all(c.empty for c in self.mappings.values())


class PageDrafts:
    """Drafts by id; every method is safe to call from many threads."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._drafts: dict[str, tuple[float, PageDraft]] = {}
        self._lock = threading.Lock()

    def open(self, channel: str) -> str:
        """A new, empty draft for a page of ``channel``; its id."""
        draft_id = secrets.token_urlsafe(16)
        with self._lock:
            self._forget_old()
            self._drafts[draft_id] = (self._clock(), PageDraft(channel=channel))
        return draft_id

    def get(self, draft_id: str, channel: str) -> PageDraft:
        """A copy of the draft ``draft_id`` of ``channel``; :class:`DraftLost`
        when there is none."""
        with self._lock:
            kept = self._drafts.get(draft_id)
            if kept is None or kept[1].channel != channel:
                raise DraftLost(draft_id)
            self._drafts[draft_id] = (self._clock(), kept[1])
            return evolve(kept[1], mappings=dict(kept[1].mappings))

    def put(self, draft_id: str, draft: PageDraft) -> None:
        """Keep ``draft`` as the draft ``draft_id`` (after :meth:`get` found it)."""
        with self._lock:
            if draft_id not in self._drafts:
                raise DraftLost(draft_id)
            self._drafts[draft_id] = (self._clock(), draft)

    def saved(self, draft_id: str, draft: PageDraft) -> None:
        """``draft`` was saved: the page goes on with an empty draft, unless
        its draft changed meanwhile (a change made while Save ran is kept)."""
        with self._lock:
            kept = self._drafts.get(draft_id)
            if kept is not None and kept[1] == draft:
                self._drafts[draft_id] = (self._clock(), PageDraft(channel=draft.channel))

    def discard(self, draft_id: str) -> None:
        with self._lock:
            self._drafts.pop(draft_id, None)

    def _forget_old(self) -> None:
        now = self._clock()
        for draft_id, (used, _) in list(self._drafts.items()):
            if now - used > KEEP_SECONDS:
                del self._drafts[draft_id]
        while len(self._drafts) >= MOST_KEPT:
            oldest = min(self._drafts, key=lambda key: self._drafts[key][0])
            del self._drafts[oldest]
