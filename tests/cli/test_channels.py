"""Channels, account, health and menu through the CLI, against the sandbox."""

from __future__ import annotations

import re

from click.testing import CliRunner

from techoms_core.cli import CliState, main
from techoms_core.settings.validation import ENV_PREFIX
from techoms_core.store import open_host
from tests.cli.conftest import SECRET_VARIABLE, channel_settings

MENU = [
    "export-products",
    "receive-inventory",
    "send-shipments",
    "receive-shipments",
    "send-receipts",
    "receive-receipts",
]


def test_add_list_show_set_delete(cli, sandbox):
    cli("channel", "add", "east", "--plugin", "leanafy", "--warehouse", "MAIN",
        *channel_settings(sandbox))  # fmt: skip
    assert cli.json("channel", "list") == [
        {
            "name": "east",
            "plugin": "leanafy",
            "warehouse": "MAIN",
            "enabled": True,
            "master_product_source": False,
        }
    ]
    shown = cli.json("channel", "show", "east")
    assert shown["settings"]["api_key"] == "********"
    assert shown["settings"]["api_secret"] == "********"
    assert shown["sources"] == {
        "api_key": "env:TEST_LEANAFY_KEY",
        "api_secret": ENV_PREFIX + "TEST_LEANAFY_SECRET",
    }
    assert shown["settings"]["throughput"] == "default"
    assert shown["menu"] == MENU
    assert shown["problems"] == []

    result = cli("channel", "set", "east", "throughput=low", "--disable")
    assert "Channel east saved (throughput, disabled)" in result.stdout
    shown = cli.json("channel", "show", "east")
    assert (shown["settings"]["throughput"], shown["enabled"]) == ("low", False)

    cli("channel", "delete", "east", "--yes")
    assert cli.json("channel", "list") == []


def test_bad_settings_are_all_reported_and_nothing_is_saved(store):
    cli = store
    result = cli(
        "channel", "add", "east", "--plugin", "leanafy",
        "--set", "api_url=http://example.com",
        "--set", "api_key=env:NOT_SET_ANYWHERE",
        "--set", "throughput=turbo",
        "--set", "colour=blue",
        "--set", "oops",
        status=1,
    )  # fmt: skip
    errors = result.stderr
    assert "Error: 6 problems:" in errors
    for expected in (
        "setting #5: expected FIELD=VALUE",
        "api_url (Api Url): must use https",
        "api_key (Api Key): environment variable NOT_SET_ANYWHERE is not set",
        "api_secret (Api Secret): is required",
        "throughput (Throughput): 'turbo' is not a valid choice",
        "unknown setting 'colour'",
    ):
        assert expected in " ".join(errors.split()), expected
    assert cli.json("channel", "list") == []


def test_channel_set_validates_the_whole_result(cli, channel):
    result = cli("channel", "set", channel, "throughput=turbo", "api_url=ftp://x", status=1)
    assert "throughput (Throughput)" in result.stderr
    assert "api_url (Api Url)" in result.stderr
    assert cli.json("channel", "show", channel)["settings"]["throughput"] == "default"


def test_unknown_channel_and_unknown_plugin(store):
    cli = store
    for args in (("channel", "show", "nope"), ("health", "nope"), ("menu", "nope")):
        assert "no channel named 'nope'" in cli(*args, status=1).stderr
    result = cli("channel", "add", "x", "--plugin", "acme", status=1)
    assert "no channel plugin 'acme' is installed (loaded: leanafy)" in result.stderr


def test_a_channel_name_is_taken_once(cli, channel, sandbox):
    result = cli("channel", "add", channel, "--plugin", "leanafy", *channel_settings(sandbox),
                 status=1)  # fmt: skip
    assert f"a channel named {channel!r} already exists" in result.stderr


def test_health_check_ok_and_failing(cli, channel, sandbox):
    report = cli.json("health", channel)
    assert report["ok"] is True
    assert report["message"].startswith("healthy")
    assert {check["name"] for check in report["checks"]} >= {"credentials", "warehouse"}
    assert all(check["latency_ms"] >= 0 for check in report["checks"])
    assert report["latency_ms"] >= max(check["latency_ms"] for check in report["checks"])
    assert re.search(r"✓ warehouse: .* \(\d+ ms\)", cli("health", channel).stdout)
    with open_host(cli.db) as host:
        kept = host.last_health_checks()[channel]
    assert kept.ok and [c.name for c in kept.report.checks] == [c["name"] for c in report["checks"]]

    cli.environ[SECRET_VARIABLE] = "not-the-secret"
    report = cli.json("health", channel, status=1)
    assert report["ok"] is False
    assert "credentials" in report["message"]
    assert "NOT healthy" in cli("health", channel, status=1).stdout
    with open_host(cli.db) as host:
        assert not host.last_health_checks()[channel].ok


def test_a_missing_environment_variable_is_named(cli, channel):
    del cli.environ[SECRET_VARIABLE]
    result = cli("health", channel, status=1)
    assert "environment variable TEST_LEANAFY_SECRET is not set" in result.stderr


def test_menu_follows_the_master_product_source(cli, channel):
    assert cli.json("menu", channel) == MENU
    cli("account", "set", "--master-product-source", channel)
    assert cli.json("account", "show") == {"master_product_source": channel}
    menu = cli.json("menu", channel)
    assert menu == ["import-products", *MENU[1:]]
    assert "export-products is hidden" in cli("menu", channel).stdout
    cli("account", "set", "--master-product-source", "techoms")
    assert cli.json("menu", channel) == MENU


def test_the_master_product_source_must_be_a_channel(cli):
    result = cli("account", "set", "--master-product-source", "nowhere", status=1)
    assert "nowhere" in result.stderr


def test_the_database_comes_from_db_or_techoms_db(tmp_path, registry):
    chosen, from_env = tmp_path / "chosen.db", tmp_path / "from-env.db"
    runner = CliRunner(env={"TECHOMS_DB": str(from_env)})
    start = ["account", "set", "--master-product-source", "techoms"]
    result = runner.invoke(main, start, obj=CliState(registry=registry))
    assert result.exit_code == 0 and from_env.exists()
    result = runner.invoke(main, ["--db", str(chosen), *start], obj=CliState(registry=registry))
    assert result.exit_code == 0 and chosen.exists()
    result = runner.invoke(main, ["account", "show"], obj=CliState(registry=registry))
    assert result.exit_code == 0 and "techoms" in result.stdout
