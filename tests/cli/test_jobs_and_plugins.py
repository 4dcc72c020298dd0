"""``techoms jobs`` and ``techoms plugins``."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from importlib.metadata import EntryPoint

from click.testing import CliRunner
from jsonschema import Draft202012Validator

from plugins.registry import ENTRY_POINT_GROUP, Registry
from techoms_core.cli import CliState, main
from techoms_core.store import StoreHost


def test_jobs_set_list_and_run_once(cli, loaded, sandbox):
    cli("sync", loaded, "export-products", status=1)
    result = cli("jobs", "set", loaded, "send-shipments", "15m")
    assert "east send-shipments: every 15m, next due" in result.stdout
    cli("jobs", "set", loaded, "send-receipts", "none")
    jobs = {job["option"]: job for job in cli.json("jobs", "list")}
    assert jobs["send-shipments"]["period"] == "15m"
    assert jobs["send-shipments"]["runnable"] is True
    assert jobs["send-receipts"]["next_due_at"] is None

    result = cli("jobs", "run", "--once")
    assert "east send-shipments: completed" in result.stdout
    assert len(sandbox.warehouse.orders()) == 4
    assert "No job is due." in cli("jobs", "run", "--once").stdout
    job = {job["option"]: job for job in cli.json("jobs", "list")}["send-shipments"]
    assert job["last_status"] == "completed"


def test_jobs_only_for_options_in_the_menu(cli, channel):
    result = cli("jobs", "set", channel, "import-products", "1h", status=1)
    assert "not in the Sync menu" in result.stderr
    result = cli("jobs", "set", channel, "update-products", "1h", status=1)
    assert "not supported by Leanafy" in result.stderr
    cli("jobs", "set", channel, "export-products", "1h")
    cli("account", "set", "--master-product-source", channel)
    [job] = cli.json("jobs", "list")
    assert job["runnable"] is False
    assert "cannot run" in cli("jobs", "list").stdout
    assert cli("jobs", "set", channel, "send-shipments", "2h", status=2).exit_code == 2


def test_jobs_run_stops_cleanly_on_sigterm(tmp_path):
    StoreHost(tmp_path / "t.db").close()
    command = [sys.executable, "-m", "techoms_core.cli", "--db", str(tmp_path / "t.db")]
    process = subprocess.Popen(
        [*command, "jobs", "run"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    try:
        assert process.stdout.readline().startswith("Running due jobs until stopped")
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 0, err
    assert "Stopped cleanly." in out


def test_plugins_master_list(cli):
    document = cli.json("plugins")
    [leanafy] = document["plugins"]
    assert leanafy["key"] == "leanafy"
    assert "Lot #" in leanafy["features"]
    assert "update-products" not in leanafy["options"]
    assert document["problems"] == []
    text = cli("plugins").stdout
    assert "Channel master list" in text and "Suppress PII" in text


def test_plugins_schema_prints_json_schema_and_a_ui_schema_that_validate_as_on_save(cli, sandbox):
    document = json.loads(cli("plugins", "schema", "leanafy").stdout)
    assert document["plugin"] == "leanafy"
    Draft202012Validator.check_schema(document["schema"])
    validator = Draft202012Validator(document["schema"])
    good = {"api_url": sandbox.url, "api_key": sandbox.api_key, "api_secret": "s"}
    assert validator.is_valid(good)
    custom = {**good, "throughput": "custom", "concurrent_requests": 4}
    assert not validator.is_valid(custom)
    assert validator.is_valid({**custom, "requests_per_second": 20})
    assert not validator.is_valid({**custom, "requests_per_second": 20, "warehouse": "x"})
    [channel_tab, advanced_tab] = document["uischema"]["elements"]
    assert (channel_tab["label"], advanced_tab["label"]) == ("Channel Settings", "Advanced")
    rules = {e["scope"]: e.get("rule", {}).get("effect") for e in channel_tab["elements"]}
    assert rules["#/properties/concurrent_requests"] == "SHOW"


def test_plugins_schema_of_an_unknown_plugin_names_the_installed_ones(cli):
    result = cli("plugins", "schema", "nope", status=1)
    assert "no channel plugin 'nope' is installed (loaded: leanafy)" in result.stderr


def test_a_broken_plugin_is_listed_and_strict_fails():
    good = EntryPoint("leanafy", "plugins.leanafy.hooks", ENTRY_POINT_GROUP)
    broken = EntryPoint("broken", "no_such_module_anywhere", ENTRY_POINT_GROUP)
    registry = Registry.discover(entries=[good, broken])

    def run(*args: str):
        return CliRunner().invoke(main, list(args), obj=CliState(registry=registry))

    result = run("plugins")
    assert result.exit_code == 0
    assert "plugin 'broken' skipped: import failed" in result.stderr
    assert "leanafy" in result.stdout
    strict = run("plugins", "--strict")
    assert strict.exit_code == 1
    assert "1 plugin(s) failed to load (--strict)" in strict.stderr
