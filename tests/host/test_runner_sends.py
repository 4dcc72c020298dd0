"""The runner's send guarantees, with a plugin written for the test."""

from __future__ import annotations

import threading

import pytest

from techoms_core import rules, runner
from techoms_core.runner import RunRefused, run_option
from techoms_core.send_groups import GROUP_SIZE
from techoms_core.store import StoreHost
from techoms_core.throughput import DEFAULT, HIGH, LOW, ThroughputProfile
from tests.host import samples
from tests.host.fake_channel import FakeWms, registered
from tests.stores import store_content

SECRET = "literal-secret-9f8e7d"


@pytest.fixture
def fake():
    return FakeWms()


@pytest.fixture
def channel(host, fake):
    host.add_channel(samples.channel(api_key=SECRET))
    return host, registered(fake)


class Progress:
    def __init__(self) -> None:
        self.total = None
        self.advanced = 0

    def start(self, total, description):
        self.total = total
        self.description = description

    def advance(self, count=1):
        self.advanced += count


def test_send_binds_remote_ids_and_keeps_failures_ready(channel, fake):
    host, registry = channel
    host.load_shipments([samples.shipment(f"S-{i}") for i in range(1, 4)])
    fake.refuse["S-2"] = "unknown SKU"
    progress = Progress()
    summary = run_option(host, registry, "wms", "send-shipments", progress=progress)
    assert summary.status == "completed" and not summary.succeeded
    assert summary.counts == {"ok": 2, "skipped": 0, "warning": 0, "failed": 1}
    assert [(r.key, r.status) for r in summary.records] == [
        ("S-1", "ok"),
        ("S-2", "failed"),
        ("S-3", "ok"),
    ]
    assert (progress.total, progress.advanced) == (3, 3)
    states = {r["number"]: (r["status"], r["remote_id"], r["error"]) for r in host.shipment_rows()}
    assert states == {
        "S-1": ("sent", "id-S-1", None),
        "S-2": ("ready", None, "unknown SKU"),
        "S-3": ("sent", "id-S-3", None),
    }
    [run] = host.runs("wms")
    assert (run.id, run.status, run.counts["failed"]) == (summary.run_id, "completed", 1)
    assert [m.key for m in host.run_messages(run.id)] == ["S-1", "S-2", "S-3"]

    del fake.refuse["S-2"]
    again = run_option(host, registry, "wms", "send-shipments")
    assert [r.key for r in again.records] == ["S-2"] and again.succeeded
    assert fake.creates == 3


def test_batches_follow_the_throughput_profile(channel, fake, monkeypatch):
    host, registry = channel
    monkeypatch.setattr(runner, "MAX_SEND_BATCH", 5)
    host.load_shipments([samples.shipment(f"S-{i:02}") for i in range(19)])
    run_option(host, registry, "wms", "send-shipments")  # 2 slots x 4 beats the cap of 5
    assert [len(batch) for batch in fake.batches] == [8, 8, 3]
    host.update_channel("wms", settings={"api_key": SECRET, "throughput": "tiny"})
    host.load_shipments([samples.shipment(f"T-{i}") for i in range(6)])
    fake.batches.clear()
    run_option(host, registry, "wms", "send-shipments")  # 1 slot x 4 < 4 s at 100/s, cap 5
    assert [len(batch) for batch in fake.batches] == [5, 1]


@pytest.mark.parametrize(
    ("profile", "size"),
    [
        (LOW, 20),  # 4 s at 5 requests/s, more than 2 slots x 4
        (DEFAULT, 100),  # 4 s at 40 requests/s is 160: capped
        (HIGH, 100),
        (ThroughputProfile("slow", "Slow", max_concurrency=3, requests_per_second=0.5), 12),
        (ThroughputProfile("wide", "Wide", max_concurrency=40, requests_per_second=10), 160),
    ],
)
def test_a_send_batch_holds_about_four_seconds_of_requests(profile, size):
    assert runner.send_batch_size(profile) == size


def test_results_commit_in_groups_each_with_its_states(channel, fake, monkeypatch):
    host, registry = channel
    monkeypatch.setattr(runner, "MAX_SEND_BATCH", 60)
    host.load_shipments([samples.shipment(f"S-{i:02}") for i in range(70)])
    committed: list[list[str]] = []
    record = host.record_send_results

    def recording(run_id, channel_name, option, results):
        record(run_id, channel_name, option, results)
        committed.append([r.key for r in results])
        sent = {r["number"] for r in host.shipment_rows() if r["status"] == "sent"}
        assert {key for group in committed for key in group} == sent

    monkeypatch.setattr(host, "record_send_results", recording)
    summary = run_option(host, registry, "wms", "send-shipments")

    assert summary.succeeded  # and after every commit, the sent records were those committed
    assert all(1 <= len(group) <= GROUP_SIZE for group in committed)
    assert [key for group in committed for key in group] == [r.key for r in summary.records]
    assert len(committed) >= 4  # 60 + 10 records: at least 3 groups, then the batch's end
    assert committed[-1][-1] == "S-69"
    messages = host.run_messages(summary.run_id)
    assert len(messages) == 70


def test_export_products_reports_what_the_core_refuses(channel, fake):
    host, registry = channel
    host.load_products([samples.product("A"), samples.product("B", description=None)])
    summary = run_option(host, registry, "wms", "export-products")
    assert {r.key: r.status for r in summary.records} == {"A": "ok", "B": "failed"}
    assert "description" in next(r.message for r in summary.records if r.key == "B")
    assert fake.creates == 1


def test_a_whole_run_failure_keeps_what_was_committed_and_is_logged(channel, fake):
    host, registry = channel
    host.load_shipments([samples.shipment(f"S-{i}") for i in range(1, 4)])

    def explode(key):
        if key == "S-2":
            raise ConnectionError(f"WMS hung up on key {SECRET}")

    fake.on_record = explode
    summary = run_option(host, registry, "wms", "send-shipments")
    assert summary.status == "failed" and SECRET not in summary.message
    assert "ConnectionError: WMS hung up" in summary.message
    [run] = host.runs("wms")
    assert run.status == "failed" and run.message == summary.message
    assert [r["status"] for r in host.shipment_rows()] == ["sent", "ready", "ready"]
    fake.on_record = lambda key: None
    assert run_option(host, registry, "wms", "send-shipments").counts["ok"] == 2
    assert fake.creates == 3


def test_stop_finishes_the_current_batch(channel, fake, monkeypatch):
    host, registry = channel
    monkeypatch.setattr(runner, "MAX_SEND_BATCH", 8)
    host.load_shipments([samples.shipment(f"S-{i:02}") for i in range(20)])
    stop = threading.Event()
    fake.on_record = lambda key: stop.set()
    summary = run_option(host, registry, "wms", "send-shipments", stop=stop)
    assert summary.status == "stopped" and summary.counts["ok"] == 8
    assert host.runs("wms")[0].status == "stopped"
    assert host.count_to_send("wms", "send-shipments") == 12


class DueReadsNoted(StoreHost):
    """The SQLite host, noting each read of what is due: ``"count"``, or a
    batch's length."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.reads: list[int | str] = []

    def count_to_send(self, channel, option):
        self.reads.append("count")
        return super().count_to_send(channel, option)

    def records_to_send(self, channel, option, *, limit, after=None):
        batch = super().records_to_send(channel, option, limit=limit, after=after)
        self.reads.append(len(batch))
        return batch


@pytest.mark.parametrize(
    ("due", "reads"),
    [
        (3, [3]),  # one short batch: the total and the end are known
        (8, [8, "count", 0]),
        (19, [8, "count", 8, 3]),
    ],
)
def test_what_is_due_is_read_no_more_than_needed(db_target, clock, fake, monkeypatch, due, reads):
    monkeypatch.setattr(runner, "MAX_SEND_BATCH", 5)
    with DueReadsNoted(db_target, clock=clock) as host:
        host.add_channel(samples.channel(api_key=SECRET))  # 2 slots: batches of 8
        host.load_shipments([samples.shipment(f"S-{i:02}") for i in range(due)])
        host.reads.clear()
        progress = Progress()
        summary = run_option(host, registered(fake), "wms", "send-shipments", progress=progress)
        assert summary.counts["ok"] == due and progress.total == due
        assert host.reads == reads


def test_dry_run_send_calls_no_hook_and_writes_nothing(channel, fake, db_target):
    host, registry = channel
    host.load_products([samples.product("A"), samples.product("B", description=None)])
    host.close()
    before = store_content(db_target)
    summary = run_option(host, registry, "wms", "export-products", dry_run=True)
    assert summary.dry_run and summary.run_id is None
    assert {(r.key, r.status, r.message.split(":")[0]) for r in summary.records} == {
        ("A", "ok", runner.WOULD_BE_SENT),
        ("B", "failed", "missing required field(s) for this channel"),
    }
    assert fake.batches == []
    host.close()
    assert store_content(db_target) == before


def test_refusals_are_clear_and_logged(channel, fake):
    host, registry = channel
    with pytest.raises(RunRefused, match="not offered"):
        run_option(host, registry, "wms", "import-products")
    with pytest.raises(RunRefused, match="not supported by Fake WMS"):
        run_option(host, registry, "wms", "cancel-shipments")
    with pytest.raises(RunRefused, match="unknown sync option"):
        run_option(host, registry, "wms", "send-everything")
    with pytest.raises(RunRefused, match="no channel named"):
        run_option(host, registry, "nope", "send-shipments")
    host.update_channel("wms", settings={"throughput": "warp"})
    with pytest.raises(RunRefused) as refused:
        run_option(host, registry, "wms", "send-shipments")
    assert "api_key" in str(refused.value) and "throughput" in str(refused.value)
    host.update_channel("wms", enabled=False)
    with pytest.raises(RunRefused, match="disabled"):
        run_option(host, registry, "wms", "send-shipments")
    statuses = [(run.option, run.status) for run in host.runs("wms")]
    assert statuses == [
        ("send-shipments", "refused"),
        ("send-shipments", "refused"),
        ("cancel-shipments", "refused"),
        ("import-products", "refused"),
    ]
    assert fake.batches == []


def test_secrets_from_the_environment(channel, fake):
    host, registry = channel
    host.update_channel("wms", settings={"api_key": "env:FAKE_WMS_KEY"})
    host.load_shipments([samples.shipment("S-1")])
    with pytest.raises(RunRefused, match="FAKE_WMS_KEY"):
        run_option(host, registry, "wms", "send-shipments", environ={})
    summary = run_option(host, registry, "wms", "send-shipments", environ={"FAKE_WMS_KEY": "k"})
    assert summary.succeeded
    assert host.channel("wms").settings == {"api_key": "env:FAKE_WMS_KEY"}


class CountingHost(StoreHost):
    """The store, counting the look-ups a run makes."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.looked_up: list[str] = []

    def channel(self, name):
        self.looked_up.append(f"channel {name}")
        return super().channel(name)

    def mappings(self, channel):
        self.looked_up.append(f"mappings {channel}")
        return super().mappings(channel)


def test_one_shipments_path_looks_up_channel_plugin_and_sku_mapping_once(
    db_target, fake, monkeypatch
):
    """A send of one shipment: the channel and its mappings are read once, the
    plugin found once, and the shipment's SKUs translated once."""
    with CountingHost(db_target) as host:
        host.add_channel(samples.channel(api_key=SECRET))
        host.add_sku_mappings("wms", [("SKU-1", "WMS-1")])
        host.load_shipments([samples.shipment("S-1")])
        registry = registered(fake)
        found: list[str] = []
        real_get = registry.get
        monkeypatch.setattr(registry, "get", lambda key: found.append(key) or real_get(key))
        translated: list[tuple[str, list[str]]] = []
        real_to_channel = rules.to_channel

        def to_channel(record, skus):
            outbound = real_to_channel(record, skus)
            translated.append((record.key, [line.sku for line in outbound.lines]))
            return outbound

        monkeypatch.setattr(rules, "to_channel", to_channel)
        host.looked_up.clear()

        summary = run_option(host, registry, "wms", "send-shipments")

    assert summary.counts["ok"] == 1
    assert host.looked_up == ["channel wms", "mappings wms"]
    assert found == ["fake"]
    assert translated == [("S-1", ["WMS-1"])]


class _FailingSecondCommit:
    """The store, whose second commit of send results fails (a disk full,
    a lock lost): the run log then holds the first group only."""

    def __init__(self, host: StoreHost) -> None:
        self._host = host
        self.commits = 0

    def record_send_results(self, *args, **kwargs):
        self.commits += 1
        if self.commits == 2:
            raise OSError("disk full")
        return self._host.record_send_results(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._host, name)


def test_a_run_counts_only_the_results_it_committed(channel):
    host, registry = channel
    host.load_shipments([samples.shipment(f"S-{i:03}") for i in range(GROUP_SIZE * 3)])
    failing = _FailingSecondCommit(host)

    summary = run_option(failing, registry, "wms", "send-shipments")

    assert summary.status == "failed" and "disk full" in summary.message
    logged = host.run(summary.run_id)
    committed = len(host.run_messages(summary.run_id))
    sent = [r for r in host.shipment_rows() if r["status"] == "sent"]
    assert committed == len(sent) == GROUP_SIZE
    assert summary.counts["ok"] == logged.counts["ok"] == GROUP_SIZE
