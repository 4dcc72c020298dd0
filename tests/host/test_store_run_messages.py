"""A run's messages read a page at a time, and grouped as the run log groups them."""

from __future__ import annotations

from techoms_core.message_groups import group_messages
from techoms_core.models import RecordResult
from techoms_core.runs import RecordLine


def results() -> list[RecordResult]:
    unknown = [RecordResult.warning(f"U-{n}", "not a product", field="sku") for n in range(7)]
    gone = [RecordResult.failed(f"G-{n}", "gone from the WMS") for n in range(2)]
    odd = RecordResult.failed("X-1", "gone from the WMS", field="sku")
    fatal = RecordResult.failed("F-1", "stopped", fatal=True)
    return [unknown[0], *gone, *unknown[1:], odd, RecordResult.ok("OK-1"), fatal]


def test_messages_are_read_by_level_a_page_at_a_time(wms):
    run_id = wms.start_run("wms", "receive-inventory")
    wms.log_results(run_id, results())

    assert [m.key for m in wms.run_messages(run_id, level="error")] == ["G-0", "G-1", "X-1"]
    assert [m.key for m in wms.run_messages(run_id, level="fatal")] == ["F-1"]
    assert [m.key for m in wms.run_messages(run_id, limit=2, offset=3)] == ["U-1", "U-2"]
    assert [m.key for m in wms.run_messages(run_id, offset=11)] == ["F-1"]
    assert wms.run_messages(run_id + 1) == []


def test_a_summary_is_grouped_in_memory_as_the_run_log_groups_it(wms):
    run_id = wms.start_run("wms", "receive-inventory")
    wms.log_results(run_id, results())

    stored = wms.message_groups(run_id).rows
    lines = [RecordLine(r.key, r.status.value, r.message, r.field) for r in results()]
    in_memory = group_messages(lines)

    described = [(g.status, g.field, g.message, g.count, list(g.examples)) for g in in_memory]
    assert described == [
        (g["status"], g["field"], g["message"], g["count"], g["examples"]) for g in stored
    ]
    assert described[:2] == [
        ("warning", "sku", "not a product", 7, ["U-0", "U-1", "U-2"]),
        ("failed", None, "gone from the WMS", 2, ["G-0", "G-1"]),
    ]
