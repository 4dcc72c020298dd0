"""Checks of the receive hooks: pages of the right records, cursors that
resume without skipping or repeating, and an inventory snapshot with each SKU
once."""

from __future__ import annotations

from typing import Any

import pytest

from techoms_core.models import (
    InventoryLevel,
    Page,
    Product,
    ReceiptUpdate,
    RecordResult,
    ShipmentUpdate,
    sku_key,
)
from techoms_core.options import SyncOption, option_named
from techoms_core.testing.conformance.base import ConformanceBase, keys_of

#: A receive that yields more pages than this is taken to never end.
MAX_PAGES = 1000
#: The record type each receive option yields.
RECORD_TYPES = {
    "import-products": Product,
    "receive-inventory": InventoryLevel,
    "receive-shipments": ShipmentUpdate,
    "receive-receipts": ReceiptUpdate,
}


class ReceiveChecks(ConformanceBase):
    """``receive_shipments``, ``receive_receipts``, ``import_products`` and the
    inventory snapshot behave."""

    def receive(self, wms: Any, option: SyncOption, cursor: str | None) -> list[Page]:
        """Every page the hook yields from ``cursor``, checked for shape."""
        with self.open_channel(wms) as context:
            pages = []
            for page in self.hooks.receive(option, context, cursor):
                pages.append(checked_page(option, page))
                assert len(pages) <= MAX_PAGES, f"{option.hook} yielded over {MAX_PAGES} pages"
        return pages

    def test_receive_yields_what_the_wms_holds(self, wms: Any, receive_option: SyncOption) -> None:
        made = self.make_receivable(receive_option, wms, self.batch_size)
        pages = self.receive(wms, receive_option, None)
        received = keys_in(pages)
        missing = [key for key in made if key not in received]
        assert not missing, f"records the WMS holds were not received: {missing}"
        repeated = sorted({key for key in received if received.count(key) > 1})
        assert not repeated, f"one receive gave these records more than once: {repeated}"
        uncovered = [i for i, page in enumerate(pages) if page.records and page.cursor is None]
        assert not uncovered, (
            f"pages {uncovered} hold records but no cursor: the next run would read them again"
        )

    def test_receive_resumes_from_each_cursor(self, wms: Any, receive_option: SyncOption) -> None:
        self.make_receivable(receive_option, wms, self.batch_size)
        pages = self.receive(wms, receive_option, None)
        for index, page in enumerate(pages):
            if page.cursor is None:
                continue
            resumed = keys_in(self.receive(wms, receive_option, page.cursor))
            later = keys_in(pages[index + 1 :])
            skipped = [key for key in later if key not in resumed]
            assert not skipped, f"resuming after page {index + 1} skips {skipped}"
            repeats = self.repeats(resumed, pages, index)
            assert not repeats, f"resuming after page {index + 1} repeats {repeats}"

    def test_receive_from_the_last_cursor_brings_only_new_records(
        self, wms: Any, receive_option: SyncOption
    ) -> None:
        self.make_receivable(receive_option, wms, self.batch_size)
        pages = self.receive(wms, receive_option, None)
        with_cursor = [i for i, page in enumerate(pages) if page.cursor is not None]
        assert with_cursor, f"{receive_option.hook} returned no cursor to resume from"
        last = with_cursor[-1]
        cursor = pages[last].cursor
        nothing_new = keys_in(self.receive(wms, receive_option, cursor))
        repeats = self.repeats(nothing_new, pages, last)
        assert not repeats, f"with nothing new, resuming from the last cursor repeats {repeats}"
        made = self.make_receivable(receive_option, wms, 2)
        resumed = keys_in(self.receive(wms, receive_option, cursor))
        missing = [key for key in made if key not in resumed]
        assert not missing, f"new records were not received from the last cursor: {missing}"
        repeats = self.repeats(resumed, pages, last)
        assert not repeats, f"resuming from the last cursor repeats {repeats}"

    def test_inventory_snapshot_lists_each_sku_once(self, wms: Any) -> None:
        if not self.implements("receive_inventory"):
            pytest.skip("the plugin does not implement receive_inventory")
        option = option_named("receive-inventory")
        made = self.make_receivable(option, wms, self.batch_size)
        pages = self.receive(wms, option, None)
        with_cursor = [i for i, page in enumerate(pages) if page.cursor is not None]
        assert not with_cursor, f"snapshot pages {with_cursor} carry a cursor; they must not"
        skus = [sku_key(key) for key in keys_in(pages)]
        repeated = sorted({sku for sku in skus if skus.count(sku) > 1})
        assert not repeated, f"SKUs listed more than once in one snapshot: {repeated}"
        missing = [key for key in made if sku_key(key) not in skus]
        assert not missing, f"SKUs the WMS stocks are missing from the snapshot: {missing}"

    def repeats(self, resumed: list[str], pages: list[Page], index: int) -> list[str]:
        """Keys of committed pages (up to ``index``) that came back; the page
        at ``index`` itself is tolerated when ``resume_may_repeat_boundary``."""
        upto = index if self.resume_may_repeat_boundary else index + 1
        committed = set(keys_in(pages[:upto]))
        return sorted({key for key in resumed if key in committed})


def keys_in(pages: list[Page]) -> list[str]:
    """The keys of every record of ``pages``, in order, repeats kept."""
    return [key for page in pages for key in keys_of(page.records)]


def checked_page(option: SyncOption, page: Any) -> Page:
    """``page``, once it is a Page of the option's records and RecordResult problems."""
    assert isinstance(page, Page), f"{option.hook} yielded {type(page).__name__}, not a Page"
    wanted = RECORD_TYPES[option.key]
    strangers = [type(r).__name__ for r in page.records if not isinstance(r, wanted)]
    assert not strangers, f"{option.hook} yielded {strangers} records, not {wanted.__name__}"
    bad = [type(p).__name__ for p in page.problems if not isinstance(p, RecordResult)]
    assert not bad, f"{option.hook} page problems must be RecordResult objects, not {bad}"
    return page
