"""Bad inputs: each gets an error that names what is wrong, and nothing is half-written.

Three corpora: load files that do not fit the load format (through
``techoms load``), channel settings that do not validate (through ``techoms
channel add`` and ``channel set``), and Leanafy answers that are malformed
or carry wrong data (through the runner, against the sandbox).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from plugins.leanafy.sandbox.testing import sandbox, sandbox_server  # noqa: F401
from plugins.registry import Registry
from techoms_core.cli import main
from techoms_core.context import ChannelConfig
from techoms_core.http.retry import RetryPolicy
from techoms_core.loading import read_load_file
from techoms_core.models import RecordResult
from techoms_core.runner import run_option
from techoms_core.settings.validation import ENV_PREFIX
from techoms_core.store import SqliteHost
from techoms_core.testing import find_secrets
from tests.soak.records import WAREHOUSE, receipt, shipment

FAST = {
    "retry": RetryPolicy(
        max_attempts=3, backoff_initial=0.001, backoff_max=0.002, retry_after_cap=0
    )
}


#: What the ``env:`` references of :data:`VALID` read.
ENVIRON = {"SOAK_BAD_KEY": "bad-inputs-key-5d1e", "SOAK_BAD_SECRET": "bad-inputs-secret-93ac0f"}


def techoms(db: Path, *args: str) -> Any:
    """``techoms --db DB ARGS`` in process; its output never holds a secret."""
    result = CliRunner().invoke(main, ["--db", str(db), *args], env=ENVIRON)
    assert find_secrets([result.output], ENVIRON.values()) == [], result.output
    return result


def _with(record: dict, path: str, value: Any) -> dict:
    """A copy of ``record`` with the dotted ``path`` set (``lines.0.quantity``)."""
    changed = copy.deepcopy(record)
    *parents, last = path.split(".")
    target: Any = changed
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    target[int(last) if last.isdigit() else last] = value
    return changed


def _without(record: dict, field: str) -> dict:
    changed = copy.deepcopy(record)
    *parents, last = field.split(".")
    target: Any = changed
    for part in parents:
        target = target[part]
    del target[last]
    return changed


GOOD_S, GOOD_R = shipment(2), receipt(2)
#: (kind, case, file text, what the error must name)
LOAD_CORPUS: list[tuple[str, str, str, str]] = [
    ("shipments", "empty file", "", "not valid JSON"),
    ("shipments", "cut short", json.dumps([GOOD_S])[:-20], "not valid JSON"),
    ("shipments", "an object, not an array", json.dumps(GOOD_S), "JSON array"),
    ("shipments", "a number among records", json.dumps([GOOD_S, 42]), "record 1"),
    (
        "shipments",
        "no lines",
        json.dumps([GOOD_S, _without(shipment(3), "lines")]),
        "record 1 (shipment S-00003): lines",
    ),
    (
        "shipments",
        "zero quantity",
        json.dumps([GOOD_S, _with(shipment(3), "lines.0.quantity", 0)]),
        "lines[0].quantity",
    ),
    (
        "shipments",
        "unknown field",
        json.dumps([GOOD_S, {**shipment(3), "colour": "red"}]),
        "colour",
    ),
    (
        "shipments",
        "repeated number",
        json.dumps([GOOD_S, shipment(3), shipment(3)]),
        "repeats record 1",
    ),
    (
        "shipments",
        "bad due date",
        json.dumps([GOOD_S, {**shipment(3), "due_date": "31/01/2030"}]),
        "due_date",
    ),
    (
        "shipments",
        "unknown order type",
        json.dumps([GOOD_S, _with(shipment(3), "order_type", "B2X")]),
        "order_type",
    ),
    (
        "shipments",
        "no city",
        json.dumps([GOOD_S, _without(shipment(3), "ship_to.city")]),
        "ship_to.city",
    ),
    (
        "shipments",
        "repeated line number",
        json.dumps([GOOD_S, _with(shipment(4), "lines.1.line_number", 1)]),
        "lines",
    ),
    (
        "receipts",
        "cost not a number",
        json.dumps([GOOD_R, _with(receipt(3), "lines.0.unit_cost", "cheap")]),
        "lines[0].unit_cost",
    ),
    (
        "receipts",
        "supplier a string",
        json.dumps([GOOD_R, {**receipt(3), "supplier": "Acme"}]),
        "supplier",
    ),
    ("receipts", "no number", json.dumps([GOOD_R, _without(receipt(3), "number")]), "number"),
    (
        "products",
        "no name",
        json.dumps([{"sku": "P-1", "name": "P", "uom": "EA"}, {"sku": "P-2", "uom": "EA"}]),
        "record 1 (product P-2): name",
    ),
    (
        "products",
        "same SKU in another case",
        json.dumps(
            [{"sku": "P-1", "name": "P", "uom": "EA"}, {"sku": " p-1 ", "name": "Q", "uom": "EA"}]
        ),
        "repeats record 0",
    ),
]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A store holding one loaded shipment, receipt and product."""
    path = tmp_path / "techoms.db"
    for kind, record in (
        ("shipments", shipment(1)),
        ("receipts", receipt(1)),
        ("products", {"sku": "P-0", "name": "P", "uom": "EA"}),
    ):
        file = tmp_path / f"{kind}.json"
        file.write_text(json.dumps([record]))
        assert techoms(path, "load", kind, str(file)).exit_code == 0
    return path


def _store(db: Path) -> tuple[Any, ...]:
    with SqliteHost(db) as host:
        return host.shipment_rows(), host.receipt_rows(), host.product_rows()


@pytest.mark.parametrize(
    ("kind", "case", "text", "named"), LOAD_CORPUS, ids=[c[1] for c in LOAD_CORPUS]
)
def test_a_bad_load_file_is_refused_whole_with_the_problem_named(
    db, tmp_path, kind, case, text, named
):
    before = _store(db)
    file = tmp_path / "bad.json"
    file.write_text(text)
    result = techoms(db, "load", kind, str(file))
    assert result.exit_code == 1, result.output
    assert named in result.output, result.output
    assert _store(db) == before


def test_a_reload_that_changes_a_sent_shipment_is_refused_whole(db, tmp_path):
    with SqliteHost(db) as host:
        host.add_channel(
            ChannelConfig(name="c", plugin="leanafy", settings={}, warehouse=WAREHOUSE)
        )
        run_id = host.start_run("c", "send-shipments")
        host.record_send_results(
            run_id, "c", "send-shipments", [RecordResult.ok("S-00001", remote_id="a" * 24)]
        )
    before = _store(db)
    file = tmp_path / "again.json"
    file.write_text(json.dumps([shipment(9), _with(shipment(1), "lines.0.quantity", 99)]))
    result = techoms(db, "load", "shipments", str(file))
    assert result.exit_code == 1 and "S-00001" in result.output, result.output
    assert _store(db) == before


SETTINGS_CORPUS = [
    ({"api_url": "ftp://wms.example"}, "api_url (Api Url): must use https"),
    ({"api_url": "http://wms.example"}, "plain http is accepted only for a loopback host"),
    ({"api_url": "not a url"}, "api_url"),
    ({"api_key": ""}, "api_key (Api Key): is required"),
    ({"throughput": "turbo"}, "throughput (Throughput): 'turbo' is not a valid choice"),
    ({"suppress_pii": "maybe"}, "suppress_pii (Suppress PII): must be true or false"),
    ({"colour": "red"}, "colour"),
]
VALID = {
    "api_url": "https://nova-sandbox.leanafywms.com",
    "api_key": "env:SOAK_BAD_KEY",
    "api_secret": ENV_PREFIX + "SOAK_BAD_SECRET",
}


@pytest.mark.parametrize(("change", "named"), SETTINGS_CORPUS, ids=[n for _, n in SETTINGS_CORPUS])
def test_invalid_settings_are_named_and_nothing_is_saved(db, change, named):
    sets = [arg for k, v in {**VALID, **change}.items() for arg in ("--set", f"{k}={v}")]
    result = techoms(db, "channel", "add", "bad", "--plugin", "leanafy", *sets)
    assert result.exit_code == 1 and named in result.output, result.output
    with SqliteHost(db) as host:
        assert [c.name for c in host.channels()] == []

    sets = [arg for k, v in VALID.items() for arg in ("--set", f"{k}={v}")]
    assert techoms(db, "channel", "add", "good", "--plugin", "leanafy", *sets).exit_code == 0
    with SqliteHost(db) as host:
        saved = host.channel("good")
    key, value = next(iter(change.items()))
    result = techoms(db, "channel", "set", "good", f"{key}={value}")
    assert result.exit_code == 1 and named in result.output, result.output
    with SqliteHost(db) as host:
        assert host.channel("good") == saved


# -- malformed answers from Leanafy ------------------------------------------------


@pytest.fixture
def lean(tmp_path, sandbox):  # noqa: F811
    """A store with a Leanafy channel on the sandbox, 3 shipments and 2 receipts sent."""
    sandbox.warehouse.generate_items(40)
    host = SqliteHost(tmp_path / "lean.db")
    settings = sandbox.channel_settings()
    host.add_channel(
        ChannelConfig(name="lean", plugin="leanafy", settings=settings, warehouse=WAREHOUSE)
    )
    file = tmp_path / "s.json"
    file.write_text(json.dumps([shipment(n) for n in (1, 2, 3)]))
    host.load_shipments(read_load_file("shipments", file))
    file.write_text(json.dumps([receipt(1), receipt(2)]))
    host.load_receipts(read_load_file("receipts", file))
    for option in ("send-shipments", "send-receipts"):
        assert run(host, option).counts["failed"] == 0
    yield host
    host.close()


def run(host: SqliteHost, option: str):
    return run_option(host, Registry.discover(strict=True), "lean", option, session_options=FAST)


def test_answers_that_are_never_json_fail_the_run_by_name_and_apply_nothing(lean, sandbox):  # noqa: F811
    for order in sandbox.warehouse.orders():
        sandbox.warehouse.ship(order["_id"])
    sandbox.faults.add("malformed_json", endpoint="GET /v1/orders")
    before = lean.shipment_rows()

    summary = run(lean, "receive-shipments")

    assert summary.status == "failed" and "no JSON" in summary.message, summary
    assert lean.shipment_rows() == before
    assert lean.cursor("lean", "receive-shipments") is None


def test_an_over_shipped_order_is_a_named_data_error_and_the_others_apply(lean, sandbox):  # noqa: F811
    orders = {o["primary_reference_number"]: o for o in sandbox.warehouse.orders()}
    over = orders["S-00001"]
    line = over["items"][0]
    sandbox.warehouse.ship(
        over["_id"],
        [{"lines": [{"sku": line["sku"], "qty": line["total_qty"] + 5}]}],
        allow_over=True,
    )
    for number in ("S-00002", "S-00003"):
        sandbox.warehouse.ship(orders[number]["_id"])

    summary = run(lean, "receive-shipments")

    failed = [r for r in summary.records if r.status == "failed"]
    assert [(r.key, r.field) for r in failed] == [("S-00001", "lines")], summary.records
    rows = {row["number"]: row for row in lean.shipment_rows()}
    assert rows["S-00001"]["status"] == "sent" and rows["S-00001"]["packages"] == []
    assert {rows[n]["status"] for n in ("S-00002", "S-00003")} == {"shipped"}


def test_an_arn_with_impossible_quantities_is_named_and_not_applied(lean, sandbox):  # noqa: F811
    for arn in sandbox.warehouse.arns():
        sandbox.warehouse.close_arn(arn["_id"])
    broken = next(a for a in sandbox.state.arns.values() if a.primary_reference_number == "R-00001")
    broken.items[0].received_qty = -3

    summary = run(lean, "receive-receipts")

    failed = [r for r in summary.records if r.status == "failed"]
    assert [(r.key, r.field) for r in failed] == [("R-00001", "received_qty")], summary.records
    rows = {row["number"]: row for row in lean.receipt_rows()}
    assert rows["R-00001"]["status"] == "sent" and rows["R-00002"]["status"] == "received"
