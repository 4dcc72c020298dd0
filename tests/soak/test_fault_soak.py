"""The fault soak: sends and receives through a misbehaving Leanafy, killed at random.

Shipments and receipts are loaded with ``techoms load`` and sent with
``techoms sync`` (real subprocesses) to the sandbox, which injects about 10 %
faults on every API request (429 with Retry-After, 5xx, store-then-fail
creates answered 504 or with a dropped connection, malformed JSON). The first
runs of every option are SIGKILLed at seeded points (an API request, or right
after a create is stored); each option is run again until a run completes
with nothing failed. Then the warehouse ships, splits, cancels and closes
everything, and the receives run the same way.

The sandbox's counters and the host's store must then show: every shipment
exactly one Leanafy order, every receipt exactly one ARN, every update applied
exactly once, nothing stuck, every kill an interrupted run, every failure
explained by an injected fault, every fault in a log line, and no secret in
any log, output, database or cassette.

``SOAK_SIZE=large`` runs 1,000 shipments and 500 receipts (see conftest).
"""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest

from plugins.leanafy.contract import RECEIVE_PAGE_SIZE
from plugins.leanafy.sandbox import SandboxServer
from techoms_core.store import SqliteHost
from techoms_core.testing import find_secrets_in_files
from tests.soak import floor
from tests.soak.accounting import FAULT_WORDS, unaccounted
from tests.soak.cassette import record_cassette
from tests.soak.harness import (
    KEY_VARIABLE,
    SECRET_VARIABLE,
    Attempt,
    Cli,
    Kill,
    KillSwitch,
    sync_until_done,
)
from tests.soak.records import CATALOGUE_SIZE, WAREHOUSE, receipt, shipment, write_load_file

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]

CHANNEL = "soak"
API_KEY = "soak-key-4b1d9e2a7c"
API_SECRET = "soak-secret-e83f0c6a91d2"
SENDS = ("send-shipments", "send-receipts")
RECEIVES = ("receive-shipments", "receive-receipts")
FAULT_KINDS = ("throttle", "server_error", "store_then_fail", "malformed_json")


def fault_rules(retry_after: int) -> list[dict]:
    """About one request in ten answered with a fault, reads and creates alike."""
    return [
        {"kind": "throttle", "endpoint": "GET /v1/*", "rate": 0.03, "retry_after": retry_after},
        {"kind": "server_error", "endpoint": "GET /v1/*", "rate": 0.03},
        {"kind": "malformed_json", "endpoint": "GET /v1/*", "rate": 0.04},
        {"kind": "throttle", "endpoint": "POST /v1/*", "rate": 0.02, "retry_after": retry_after},
        {"kind": "server_error", "endpoint": "POST /v1/*", "rate": 0.02},
        {"kind": "store_then_fail", "endpoint": "POST /v1/*", "rate": 0.02, "mode": "504"},
        {"kind": "store_then_fail", "endpoint": "POST /v1/*", "rate": 0.02, "mode": "drop"},
        {"kind": "malformed_json", "endpoint": "POST /v1/*", "rate": 0.02},
    ]


def kill_plan(rng: random.Random, kills: int, requests: int, *, creates: bool) -> list[Kill]:
    """``kills`` seeded cues, each within what the run still has to do."""
    plan = []
    for number in range(kills):
        on = "stored" if creates and rng.random() < 0.5 else "request"
        plan.append(Kill(on, rng.randint(1, max(1, requests // (2 + number)))))
    return plan


def receive_kill_plan(rng: random.Random, kills: int, records: int) -> list[Kill]:
    """``kills`` seeded cues among a receive's requests, one per page of up to
    ``RECEIVE_PAGE_SIZE`` records (the last page says it is the last), so a kill
    lands before the first page is read or between pages."""
    pages = max(1, -(-records // RECEIVE_PAGE_SIZE))
    return [Kill("request", rng.randint(1, pages)) for _ in range(kills)]


@pytest.fixture
def sandbox(soak_seed: int):
    with SandboxServer(api_key=API_KEY, api_secret=API_SECRET, fault_seed=soak_seed) as server:
        server.warehouse.generate_items(CATALOGUE_SIZE)
        yield server


@pytest.fixture
def cli(tmp_path: Path, sandbox: SandboxServer) -> Cli:
    """``techoms`` on a fresh database with channel ``soak`` on the sandbox."""
    logdir = tmp_path / "logs"
    logdir.mkdir()
    environ = {KEY_VARIABLE: API_KEY, SECRET_VARIABLE: API_SECRET}
    cli = Cli(db=tmp_path / "techoms.db", logdir=logdir, environ=environ)
    settings = {
        "api_url": sandbox.url,
        "api_key": f"env:{KEY_VARIABLE}",
        "api_secret": f"env:{SECRET_VARIABLE}",
        "warehouse_id": sandbox.warehouse_ids[0],
        "throughput": "high",
    }
    sets = [arg for key, value in settings.items() for arg in ("--set", f"{key}={value}")]
    cli.run("channel", "add", CHANNEL, "--plugin", "leanafy", *sets, "--warehouse", WAREHOUSE)
    cli.run("map", "carrier", CHANNEL, "UPS", "Ground", "UPS", "Ground", "--primary")
    return cli


def test_nothing_is_lost_or_duplicated_under_faults_and_kills(
    cli: Cli, sandbox: SandboxServer, soak_size, soak_seed: int, tmp_path: Path
):
    rng = random.Random(soak_seed)
    shipments = [shipment(n) for n in range(1, soak_size.shipments + 1)]
    receipts = [receipt(n) for n in range(1, soak_size.receipts + 1)]
    cli.run("load", "shipments", str(write_load_file(tmp_path / "shipments.json", shipments)))
    cli.run("load", "receipts", str(write_load_file(tmp_path / "receipts.json", receipts)))
    sandbox.faults.configure(seed=soak_seed, rules=fault_rules(soak_size.retry_after))
    switch = KillSwitch(sandbox)
    attempts: dict[str, list[Attempt]] = {}
    try:
        for option, count in zip(SENDS, (len(shipments), len(receipts)), strict=True):
            plan = kill_plan(rng, soak_size.send_kills, count, creates=True)
            attempts[option] = sync_until_done(cli, switch, sandbox, CHANNEL, option, plan)
        with SqliteHost(cli.db) as host:
            assert_sent_exactly_once(host, sandbox)
        floor.ship_everything(sandbox, rng)
        floor.close_every_arn(sandbox, rng)
        for option, count in zip(RECEIVES, (len(shipments), len(receipts)), strict=True):
            plan = receive_kill_plan(rng, soak_size.receive_kills, count)
            attempts[option] = sync_until_done(cli, switch, sandbox, CHANNEL, option, plan)
    finally:
        switch.remove()
        sandbox.faults.clear()

    with SqliteHost(cli.db) as host:
        assert_applied_exactly_once(host, sandbox)
        assert_nothing_stuck(host)
        assert_run_log_accounts_for_every_fault(host, attempts)
    assert_every_fault_kind_happened(sandbox)
    assert unaccounted(a for runs in attempts.values() for a in runs) == []
    assert_no_secret_anywhere(cli, sandbox, tmp_path)
    print(soak_report(soak_size.name, soak_seed, sandbox, attempts))


def soak_report(size: str, seed: int, sandbox: SandboxServer, attempts: dict) -> str:
    """What the soak went through (shown with ``pytest -s``; docs/benchmarks.md)."""
    snapshot = sandbox.counters.snapshot()
    injected = {k: sum(v.values()) for k, v in snapshot["injected"].items()}
    requests = sum(snapshot["requests"].values())
    faults = sum(injected.values())
    lines = [f"soak {size}, seed {seed}: {requests} API requests, {faults} faults {injected}"]
    for option, runs in attempts.items():
        kills = sum(run.killed for run in runs)
        lines.append(f"  {option}: {len(runs)} runs, {kills} killed")
    return "\n".join(lines)


def assert_sent_exactly_once(host: SqliteHost, sandbox: SandboxServer) -> None:
    """Every shipment is one Leanafy order and every receipt one ARN, bound to it."""
    for rows, kind, remote in (
        (host.shipment_rows(), "order", sandbox.warehouse.orders),
        (host.receipt_rows(), "arn", sandbox.warehouse.arns),
    ):
        for row in rows:
            found = remote(primary_reference_number=row["number"])
            assert len(found) == 1, f"{row['number']}: {len(found)} {kind}s in Leanafy"
            assert sandbox.counters.creates(kind, row["number"])["stored"] == 1
            assert (row["status"], row["remote_id"]) == ("sent", found[0]["_id"]), row
        assert sandbox.counters.duplicates(kind) == {}


def assert_applied_exactly_once(host: SqliteHost, sandbox: SandboxServer) -> None:
    """techOMS holds what the warehouse did: statuses, packages, quantities; and the
    run log shows one applied (ok) update per record over every receive run."""
    for row in host.shipment_rows():
        [order] = sandbox.warehouse.orders(primary_reference_number=row["number"])
        if order["status"] == "cancelled":
            assert row["status"] == "cancelled", row
            continue
        assert row["status"] == "shipped", row
        tracking = sorted(package["tracking_number"] for package in row["packages"])
        assert tracking == sorted(s["tracking_number"] for s in order["shipments"])
        shipped = [(line["sku"], line["shipped_quantity"]) for line in row["lines"]]
        assert shipped == [(item["sku"], item["shipped_qty"]) for item in order["items"]]
    for row in host.receipt_rows():
        [arn] = sandbox.warehouse.arns(primary_reference_number=row["number"])
        assert row["status"] == "received", row
        received = sorted((line["sku"], line["received_quantity"]) for line in row["lines"])
        expected = sorted(
            (item["sku"], item["received_qty"] * item["base_conversion_rate"])
            for item in arn["items"]
        )
        assert received == expected, row["number"]
    numbers = {
        "receive-shipments": {row["number"] for row in host.shipment_rows()},
        "receive-receipts": {row["number"] for row in host.receipt_rows()},
    }
    for option, expected_keys in numbers.items():
        applied = Counter(
            message.key
            for run in host.runs(CHANNEL, limit=10_000)
            if run.option == option
            for message in host.run_messages(run.id)
            if message.status == "ok"
        )
        assert set(applied) == expected_keys and set(applied.values()) == {1}, option


def assert_nothing_stuck(host: SqliteHost) -> None:
    assert {row["status"] for row in host.shipment_rows()} <= {"shipped", "cancelled"}
    assert {row["status"] for row in host.receipt_rows()} == {"received"}
    assert host.review_items() == []
    assert [run.id for run in host.runs(limit=10_000) if run.status == "running"] == []


def assert_run_log_accounts_for_every_fault(
    host: SqliteHost, attempts: dict[str, list[Attempt]]
) -> None:
    """One run per process, every kill an interrupted run, every failure explained."""
    runs = host.runs(CHANNEL, limit=10_000)
    for option, tried in attempts.items():
        logged = sorted((run for run in runs if run.option == option), key=lambda run: run.id)
        assert len(logged) == len(tried), option
        killed = [attempt.killed for attempt in tried]
        assert [run.status == "interrupted" for run in logged] == killed, option
        assert logged[-1].status == "completed", logged[-1]
    for run in runs:
        if run.status == "failed":
            assert FAULT_WORDS.search(run.message or ""), run
        for message in host.run_messages(run.id):
            if message.status == "failed":
                assert FAULT_WORDS.search(message.message), message


def assert_every_fault_kind_happened(sandbox: SandboxServer) -> None:
    injected = sandbox.counters.snapshot()["injected"]
    assert {kind for kind in FAULT_KINDS if injected.get(kind)} == set(FAULT_KINDS), injected
    dropped = sum(
        by_status.get("0", 0) for by_status in sandbox.counters.snapshot()["responses"].values()
    )
    assert dropped > 0


def assert_no_secret_anywhere(cli: Cli, sandbox: SandboxServer, tmp_path: Path) -> None:
    """grep every log, CLI output, the database and a cassette for the key and secret."""
    for command in (
        ("log", CHANNEL, "--all", "--limit", "1000"),
        ("log", CHANNEL, "--json", "--limit", "1000"),
        ("show", "shipments", "--json"),
        ("show", "receipts"),
        ("channel", "show", CHANNEL),
        ("channel", "list", "--json"),
        ("health", CHANNEL),
        ("menu", CHANNEL, "--json"),
    ):
        cli.run(*command, check=False)
    cassettes = record_cassette(cli.db, CHANNEL, cli.environ, sandbox, tmp_path / "cassettes")
    places = [cli.logdir, cassettes, *tmp_path.glob("techoms.db*")]
    assert find_secrets_in_files(places, [API_KEY, API_SECRET]) == []
