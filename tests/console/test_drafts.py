"""A page's draft of unsaved mapping changes: kept per page, lost with a clear message."""

from __future__ import annotations

import pytest

from techoms_core.channel_changes import MappingChanges
from techoms_core.console.drafts import KEEP_SECONDS, MOST_KEPT, DraftLost, PageDrafts
from techoms_core.mappings import UnmappedPolicy


class Clock:
    now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_draft_belongs_to_its_page_and_channel():
    drafts = PageDrafts()
    first, second = drafts.open("east"), drafts.open("east")
    draft = drafts.get(first, "east")
    draft.mappings["sku"] = MappingChanges(kind="sku", added=[("A", "a-1")])
    drafts.put(first, draft)
    assert not drafts.get(first, "east").empty
    assert drafts.get(second, "east").empty
    with pytest.raises(DraftLost, match="reload the page"):
        drafts.get(first, "west")
    # Saved: emptied, unless it changed while Save ran.
    changed = drafts.get(first, "east")
    changed.carrier_policy = UnmappedPolicy.ERROR
    drafts.put(first, changed)
    drafts.saved(first, draft)
    assert drafts.get(first, "east") == changed
    drafts.saved(first, changed)
    assert drafts.get(first, "east").empty
    drafts.discard(first)
    with pytest.raises(DraftLost):
        drafts.get(first, "east")


def test_old_and_surplus_drafts_go():
    clock = Clock()
    drafts = PageDrafts(clock=clock)
    old = drafts.open("east")
    clock.now += KEEP_SECONDS + 1
    kept = [drafts.open("east") for _ in range(MOST_KEPT + 1)]
    with pytest.raises(DraftLost):
        drafts.get(old, "east")
    with pytest.raises(DraftLost):
        drafts.get(kept[0], "east")
    assert drafts.get(kept[-1], "east").empty
