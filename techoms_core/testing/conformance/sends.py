"""Checks of the send hooks: one result per record, a refused record does not
stop the others, and sends are idempotent, even after answers were lost."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from techoms_core.context import ChannelContext
from techoms_core.http.exceptions import Unreachable
from techoms_core.models import RecordResult, Status
from techoms_core.options import SyncOption, option_named
from techoms_core.testing.conformance.base import CREATE_OPTIONS, ConformanceBase, keys_of
from techoms_core.testing.faults import lose_answers

#: What must have been sent before an option's records exist in the WMS.
PREREQUISITES = {"update-products": "export-products", "cancel-shipments": "send-shipments"}
SETTLED = (Status.OK, Status.SKIPPED, Status.WARNING)


class SendChecks(ConformanceBase):
    """``export_products``, ``send_shipments``, ``send_receipts``... behave."""

    def send(self, context: ChannelContext, option: SyncOption, records: Sequence[Any]) -> list:
        """Call the send hook; return its results as a list."""
        results = self.hooks.send(option, context, list(records))
        assert results is not None, f"{option.hook} returned None instead of results"
        return list(results)

    def batch_for(self, option: SyncOption, wms: Any) -> list[Any]:
        """Sample records for ``option``, after sending what they depend on."""
        records = self.sample_records(option, wms)
        first = PREREQUISITES.get(option.key)
        if first and self.implements(option_named(first).hook):
            with self.open_channel(wms) as context:
                results = self.send(context, option_named(first), records)
            unsettled = [r for r in results if r.status not in SETTLED]
            assert not unsettled, f"could not {first} the samples first: {unsettled}"
        return records

    def test_send_reports_one_result_per_record(self, wms: Any, send_option: SyncOption) -> None:
        records = self.batch_for(send_option, wms)
        with self.open_channel(wms) as context:
            results = self.send(context, send_option, records)
        assert_one_result_each(results, records)
        failed = [r for r in results if r.status is Status.FAILED]
        assert not failed, f"valid sample records failed: {failed}"
        missing_id = [r.key for r in results if r.status is Status.OK and not r.remote_id]
        assert not missing_id, f"ok results without the WMS's remote_id: {missing_id}"

    def test_send_survives_a_refused_record(self, wms: Any, send_option: SyncOption) -> None:
        records = self.batch_for(send_option, wms)
        refused = self.refused_record(send_option, wms)
        batch = [records[0], refused, *records[1:]]
        with self.open_channel(wms) as context:
            results = self.send(context, send_option, batch)
        assert_one_result_each(results, batch)
        by_key = {r.key: r for r in results}
        bad = by_key[refused.key]
        assert bad.status is Status.FAILED, f"the refused record was reported {bad.status}"
        assert bad.message.strip(), "the refused record's result does not say why"
        others = [by_key[k] for k in keys_of(records) if by_key[k].status not in SETTLED]
        assert not others, f"one refused record stopped the others: {others}"

    def test_send_twice_creates_nothing_new(self, wms: Any, send_option: SyncOption) -> None:
        records = self.batch_for(send_option, wms)
        before = self.created_count(wms)
        with self.open_channel(wms) as context:
            first = self.send(context, send_option, records)
        created = self.created_count(wms) - before
        if send_option.key in CREATE_OPTIONS:
            assert created == len(records), (
                f"the first send created {created} records for {len(records)} sent"
            )
        with self.open_channel(wms) as context:
            second = self.send(context, send_option, records)
        assert_one_result_each(second, records)
        again = self.created_count(wms) - before - created
        assert again == 0, f"sending the same batch again created {again} more records"
        unsettled = [r for r in second if r.status not in SETTLED]
        assert not unsettled, f"a repeated send must not fail: {unsettled}"
        assert_same_remote_ids(first, second)

    def test_send_to_an_unreachable_wms_stops_the_run(
        self, wms: Any, send_option: SyncOption
    ) -> None:
        """A failure of the whole call (the WMS cannot be reached past the retry
        budget) is raised, so the run stops and resumes next time; failing each
        record instead would report the WMS's outage as the records' fault."""
        records = self.sample_records(send_option, wms)
        settings = self.unreachable_settings(self.channel_settings(wms))
        with self.open_channel(wms, settings) as context:
            try:
                results = self.send(context, send_option, records)
            except Unreachable:
                return
        raise AssertionError(
            f"{send_option.hook} returned {len(results)} results for an unreachable WMS "
            f"({Counter(r.status.value for r in results)}); let Unreachable propagate"
        )

    def test_send_after_lost_answers_creates_no_duplicates(
        self, wms: Any, create_option: SyncOption
    ) -> None:
        records = self.batch_for(create_option, wms)
        before = self.created_count(wms)
        with self.open_channel(wms) as context, lose_answers(context.http) as lost:
            first = self.send(context, create_option, records)
        assert lost.count, "no create answer was lost: does the plugin create with POST?"
        assert_one_result_each(first, records)
        blamed = [r for r in first if r.status is Status.FAILED and not r.fatal]
        assert not blamed, (
            "a lost answer is not the record's fault: look the record up, or report it "
            f"fatal so that the next run retries it: {blamed}"
        )
        with self.open_channel(wms) as context:
            second = self.send(context, create_option, records)
        assert_one_result_each(second, records)
        unsettled = [r for r in second if r.status not in SETTLED]
        assert not unsettled, f"the re-run after lost answers failed: {unsettled}"
        created = self.created_count(wms) - before
        assert created == len(records), (
            f"{len(records)} records were sent, answers lost, then sent again: the WMS "
            f"now holds {created} created records (duplicates: look before you create)"
        )


def assert_one_result_each(results: Iterable[Any], records: Sequence[Any]) -> None:
    """Exactly one :class:`RecordResult` per record, keyed by the record's key."""
    results = list(results)
    strangers = [r for r in results if not isinstance(r, RecordResult)]
    assert not strangers, f"not RecordResult objects: {strangers[:3]}"
    wanted = Counter(keys_of(records))
    got = Counter(r.key for r in results)
    missing = sorted((wanted - got).elements())
    extra = sorted((got - wanted).elements())
    assert not missing and not extra, (
        f"one result per record, keyed by the record's key: missing {missing}, "
        f"unexpected or repeated {extra}"
    )


def assert_same_remote_ids(first: list[RecordResult], second: list[RecordResult]) -> None:
    """A record sent twice is bound to the same WMS record both times."""
    before = {r.key: r.remote_id for r in first if r.remote_id}
    moved = {
        r.key: (before[r.key], r.remote_id)
        for r in second
        if r.key in before and r.remote_id and r.remote_id != before[r.key]
    }
    assert not moved, f"the repeated send bound records to other WMS ids: {moved}"
