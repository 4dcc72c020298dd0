"""Output that stays readable when a run has thousands of records.

A receive-inventory of a warehouse whose SKUs techOMS does not know gives every
SKU the same warning: the human output groups them, prints a bounded number of
lines at 80 columns, and the run log pages through them in the database.
"""

from __future__ import annotations

import re

import pytest
from rich.progress import Progress

from techoms_core.cli import CliState
from techoms_core.cli.progress import EtaColumn, RateColumn
from techoms_core.runner import run_option
from tests.cli.conftest import DATA

UNKNOWN = 1_200
MESSAGE = "SKU is not a techOMS product; its level is kept"


@pytest.fixture
def unknown_stock(cli, channel, sandbox) -> str:
    """The warehouse holds :data:`UNKNOWN` SKUs that are not techOMS products."""
    sandbox.warehouse.generate_items(UNKNOWN, sku_prefix="BULK-")
    rows = [{"sku": f"BULK-{n:06d}", "on_hand": n} for n in range(1, UNKNOWN + 1)]
    sandbox.warehouse.set_inventory_rows(rows)
    return channel


def lines(text: str) -> list[str]:
    return text.rstrip("\n").split("\n")


def test_identical_warnings_are_grouped_in_a_few_lines(cli, unknown_stock):
    printed = cli("sync", unknown_stock, "receive-inventory", columns=80).stdout

    assert len(lines(printed)) <= 100
    assert all(len(line) <= 80 for line in lines(printed) if "BULK-" not in line)
    grouped = [line for line in lines(printed) if MESSAGE in line]
    assert len(grouped) == 1
    assert re.search(
        r"1,200 x sku: SKU is not .*, e\.g\. BULK-\d+, BULK-\d+, BULK-\d+, \.\.\.", grouped[0]
    )


def test_all_lists_every_record_and_json_is_unchanged(cli, unknown_stock):
    printed = cli("sync", unknown_stock, "receive-inventory", "--all").stdout
    assert sum(1 for line in lines(printed) if "BULK-" in line) == UNKNOWN

    document = cli.json("sync", unknown_stock, "receive-inventory")
    assert len(document["records"]) == UNKNOWN
    assert {record["message"] for record in document["records"]} == {MESSAGE}


def test_the_log_lists_runs_without_their_messages(cli, unknown_stock):
    cli("sync", unknown_stock, "receive-inventory")
    printed = cli("log", columns=80).stdout
    assert "BULK-" not in printed
    assert re.search(r"1,200\s", printed) and "warning" in printed
    assert "techoms log --run ID" in printed


def test_one_runs_messages_are_grouped_paged_and_filtered(cli, unknown_stock):
    run_id = str(cli.json("sync", unknown_stock, "receive-inventory")["run_id"])

    page = cli.json("log", "--run", run_id, "--limit", "10", "--offset", "1195")["runs"][0]
    assert page["messages_total"] == UNKNOWN
    assert len(page["messages"]) == 5
    (group,) = page["message_groups"]
    assert (group["count"], group["status"], group["message"]) == (UNKNOWN, "warning", MESSAGE)
    assert len(group["examples"]) == 3
    first = cli.json("log", "--run", run_id, "--limit", "3")["runs"][0]["messages"]
    assert [m["key"] for m in first] == group["examples"]

    printed = cli("log", "--run", run_id, "--limit", "10", columns=80).stdout
    assert sum(1 for line in lines(printed) if line.lstrip("│ ").startswith("BULK-")) == 10
    assert "1,200 x sku: SKU is not a techOMS product" in printed
    assert "messages 1-10 of 1,200; --offset 10 for the next" in printed
    assert len(lines(printed)) <= 40

    errors = cli("log", "--run", run_id, "--level", "error").stdout
    assert "No messages at this level." in errors and "BULK-" not in errors
    assert len(cli.json("log", "--run", run_id, "--all")["runs"][0]["messages"]) == UNKNOWN


def test_show_is_paged_and_filtered(cli, loaded):
    cli("sync", loaded, "export-products", status=1)
    products = cli.json("show", "products")
    skus = [p["sku"] for p in products]

    assert [p["sku"] for p in cli.json("show", "products", "--limit", "2")] == skus[:2]
    assert [p["sku"] for p in cli.json("show", "products", "--offset", "2")] == skus[2:]
    assert [p["sku"] for p in cli.json("show", "products", "--sku", "tee-*")] == [
        s for s in skus if s.startswith("TEE-")
    ]
    printed = cli("show", "products", "--limit", "2").stdout
    assert f"products 1-2 of {len(skus)}; --offset 2 for the next" in printed

    shipments = cli.json("show", "shipments")
    one = shipments[0]
    by_number = cli.json("show", "shipments", "--number", one["number"])
    assert [s["number"] for s in by_number] == [one["number"]]
    assert by_number[0]["lines"] == one["lines"]
    sku = one["lines"][0]["sku"]
    with_sku = {s["number"] for s in cli.json("show", "shipments", "--sku", sku)}
    assert with_sku == {s["number"] for s in shipments if sku in {x["sku"] for x in s["lines"]}}
    assert cli.json("show", "shipments", "--status", "shipped") == []
    assert len(cli.json("show", "receipts", "--status", "ready")) == len(
        cli.json("show", "receipts")
    )

    refused = cli("show", "products", "--status", "ready", status=2).stderr
    assert "--status applies to shipments and receipts" in refused
    assert "not 'lost'" in cli("show", "shipments", "--status", "lost", status=2).stderr


def test_tables_fit_80_columns_without_losing_a_value(cli, loaded):
    cli("sync", loaded, "export-products", status=1)
    for command in (("log",), ("show", "shipments"), ("show", "receipts"), ("show", "products")):
        printed = cli(*command, columns=80).stdout
        assert max(len(line) for line in lines(printed)) <= 80, command
    log = cli("log", columns=80).stdout
    assert "export-products" in log and "5 ok, 1" in log and "failed" in log
    narrow = cli("log", columns=40).stdout
    table = [line for line in lines(narrow) if not line.startswith("techoms log --run")]
    assert max(len(line) for line in table) <= 40
    assert "Sync:" in narrow and "export-products" in narrow and "5 ok, 1 failed" in narrow
    receipts = cli("show", "receipts", columns=80).stdout
    numbers = [r["number"] for r in cli.json("show", "receipts")]
    assert all(number in receipts for number in numbers)


def test_a_pattern_matches_literally_apart_from_the_star(cli, channel, tmp_path):
    (tmp_path / "odd.json").write_text(
        (DATA / "products.json").read_text().replace('"TEE-BLK-M"', '"TEE_%-M"')
    )
    cli("load", "products", str(tmp_path / "odd.json"))
    assert [p["sku"] for p in cli.json("show", "products", "--sku", "tee_%*")] == ["TEE_%-M"]
    assert cli.json("show", "products", "--sku", "tee__*") == []


def test_the_progress_bar_shows_the_rate_and_the_time_left_when_the_total_is_known():
    clock = iter(float(second) for second in range(100))
    progress = Progress(RateColumn(), EtaColumn(), get_time=lambda: next(clock))
    known = progress.add_task("send", total=100)
    unknown = progress.add_task("receive", total=None)
    for task in (known, unknown):
        progress.advance(task, 10)
        progress.advance(task, 10)
    rate, eta = RateColumn(), EtaColumn()
    sending, receiving = progress.tasks
    assert rate.render(sending).plain == "10/s"
    assert eta.render(sending).plain == "ETA 0:00:08"
    assert rate.render(receiving).plain == "10/s"
    assert eta.render(receiving).plain == ""


class Recorded:
    """A run's progress as the runner reports it: totals given, records advanced."""

    def __init__(self) -> None:
        self.totals: list[int | None] = []
        self.done = 0

    def start(self, total: int | None, description: str) -> None:
        self.totals.append(total)

    def advance(self, count: int = 1) -> None:
        self.done += count


def test_a_snapshot_shows_the_rows_it_reads_against_the_warehouses_total(cli, unknown_stock):
    recorded = Recorded()
    state = CliState(cli.db, registry=cli.registry, environ=cli.environ)
    try:
        summary = run_option(
            state.host,
            state.registry,
            unknown_stock,
            "receive-inventory",
            progress=recorded,
            environ=cli.environ,
        )
    finally:
        state.close()
    assert summary.counts["warning"] == UNKNOWN
    assert recorded.totals == [None, UNKNOWN]  # unknown at the start, then Leanafy's total
    assert recorded.done == UNKNOWN  # every row read, once
