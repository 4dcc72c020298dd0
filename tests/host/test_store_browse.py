"""The console's paged reads: runs, and a run's messages grouped."""

from __future__ import annotations

from techoms_core.host import RunStatus
from techoms_core.models import RecordResult, Status


def _run(host, option: str, status: RunStatus, results=()) -> int:
    run_id = host.start_run("wms", option)
    host.log_results(run_id, list(results))
    host.finish_run(run_id, status, {"ok": len(results)})
    return run_id


def test_runs_are_paged_newest_first_and_filtered(wms):
    ids = [_run(wms, "send-shipments", RunStatus.COMPLETED) for _ in range(5)]
    failed = _run(wms, "receive-shipments", RunStatus.FAILED)
    page = wms.run_page(offset=0, limit=4)
    assert [run.id for run in page.rows] == [failed, *ids[::-1][:3]]
    assert page.total == 6 and page.has_next and not page.has_previous
    second = wms.run_page(offset=4, limit=4)
    assert [run.id for run in second.rows] == ids[1::-1] and not second.has_next
    assert [r.id for r in wms.run_page(status="failed").rows] == [failed]
    assert wms.run_page(option="send-shipments", channel="wms").total == 5
    assert wms.run_page(channel="elsewhere").total == 0


def test_the_last_run_of_each_option(wms):
    _run(wms, "send-shipments", RunStatus.FAILED)
    last_send = _run(wms, "send-shipments", RunStatus.COMPLETED)
    receive = _run(wms, "receive-shipments", RunStatus.STOPPED)
    last = wms.last_runs("wms")
    assert {key: run.id for key, run in last.items()} == {
        "send-shipments": last_send,
        "receive-shipments": receive,
    }


def _warning(key: str, message: str, field: str | None = "sku") -> RecordResult:
    return RecordResult(key=key, status=Status.WARNING, message=message, field=field)


def test_identical_messages_are_grouped_with_a_count_and_examples(wms):
    results = [_warning(f"S-{n}", "carrier UPS is not mapped") for n in range(7)]
    results += [_warning("S-100", "address line 2 dropped", field=None)]
    results += [RecordResult(key="S-200", status=Status.OK)]
    run_id = _run(wms, "send-shipments", RunStatus.COMPLETED, results)
    groups = wms.message_groups(run_id, level="warning")
    assert groups.total == 2
    first, second = groups.rows
    assert (first["count"], first["message"], first["field"]) == (
        7,
        "carrier UPS is not mapped",
        "sku",
    )
    assert first["examples"] == ["S-0", "S-1", "S-2"]
    assert (second["count"], second["examples"], second["field"]) == (1, ["S-100"], None)
    assert wms.message_groups(run_id).total == 3
    second = wms.message_groups(run_id, offset=1, limit=1)
    assert (second.total, [g["message"] for g in second.rows]) == (3, ["address line 2 dropped"])
    beyond = wms.message_groups(run_id, offset=10)
    assert (beyond.total, beyond.rows) == (3, [])
    assert wms.message_levels(run_id) == {"warning": 8, "info": 1}
    assert wms.message_counts(run_id) == {"warning": 8, "ok": 1}
