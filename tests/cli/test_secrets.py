"""Secrets never appear in anything the CLI prints: tables, JSON, errors, tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
import types

from click.testing import CliRunner

from plugins.registry import Registry
from techoms_core import hookimpl
from techoms_core.cli import CliState, main
from techoms_core.models import PluginDeclaration, RecordResult
from techoms_core.settings import FieldType, SettingsField, SettingsSchema
from tests.cli.conftest import DATA, channel_settings

WRONG_SECRET = "WRONG-secret-7d1c0a55"


def test_no_command_prints_a_secret(cli, sandbox, tmp_path):
    key, secret = sandbox.api_key, sandbox.api_secret
    cli("channel", "add", "east", "--plugin", "leanafy", "--warehouse", "MAIN",
        *channel_settings(sandbox, key=key, secret=secret))  # fmt: skip
    for args in (
        ("channel", "show", "east"),
        ("channel", "list"),
        ("health", "east"),
        ("menu", "east"),
        ("plugins",),
        ("map", "list", "east"),
        ("jobs", "list"),
        ("show", "shipments"),
    ):
        cli(*args)
        cli(*args, "--json")
    cli("load", "shipments", "techoms_core/demo_data/shipments.json")
    cli("sync", "east", "send-shipments", status=None)
    cli("sync", "east", "send-shipments", "--json", status=None)
    cli("log", "--all")
    cli("log", "--json", "--all")
    cli("channel", "set", "east", f"api_url={secret}", f"bogus={key}", status=1)
    cli("channel", "set", "east", f"throughput={secret}", status=1)
    cli("channel", "add", "west", "--plugin", "leanafy", f"--set=api_key={key}", "--set",
        f"api_secret={secret}", "--set", f"warehouse_id={secret}", status=1)  # fmt: skip
    cli("channel", "set", "east", f"api_secret={WRONG_SECRET}")
    cli("health", "east", status=1)
    cli("health", "east", "--json", status=1)
    cli("sync", "east", "receive-shipments", status=None)
    cli("log", "east", "--all")
    printed = cli.everything_printed()
    assert "********" in printed
    for value in (key, secret, WRONG_SECRET):
        assert value not in printed


def _plugin_that_leaks() -> types.ModuleType:
    """A plugin whose health check crashes with its token in the message."""
    module = types.ModuleType("leaky")
    schema = SettingsSchema(
        (SettingsField(key="token", label="Token", type=FieldType.SECRET, required=True),)
    )
    module.channel_declaration = hookimpl(
        lambda: PluginDeclaration(key="leaky", display_name="Leaky", version="1", settings=schema)
    )

    def health_check(context):
        raise RuntimeError(f"could not log in with {context.settings['token'].reveal()}")

    def send_shipments(context, shipments):
        token = context.settings["token"].reveal()
        return [RecordResult.failed(s.number, f"refused for token {token}") for s in shipments]

    module.health_check = hookimpl(health_check)
    module.send_shipments = hookimpl(send_shipments)
    return module


def test_a_crashing_health_check_is_a_failed_check_with_its_secret_masked(tmp_path):
    registry = Registry()
    registry.register(_plugin_that_leaks(), "leaky")
    token = "tok-0123456789abcdef"

    def run(*args: str):
        state = CliState(tmp_path / "t.db", registry=registry, environ={})
        return CliRunner().invoke(main, list(args), obj=state)

    assert run("channel", "add", "l", "--plugin", "leaky", "--set", f"token={token}").exit_code == 0
    result = run("health", "l")
    assert result.exit_code == 1
    assert (
        "health check: the health check failed: RuntimeError: could not log in with ********"
        in result.stdout
    )
    assert "unexpected" not in result.stderr and "Traceback" not in result.stderr
    json_result = run("health", "l", "--json")
    assert json.loads(json_result.stdout)["ok"] is False
    assert token not in result.stdout + result.stderr + json_result.stdout


def test_a_secret_a_plugin_let_into_the_run_log_is_masked(tmp_path):
    registry = Registry()
    registry.register(_plugin_that_leaks(), "leaky")
    token = "tok-0123456789abcdef"

    def run(*args: str):
        state = CliState(tmp_path / "t.db", registry=registry, environ={"LEAKY_TOKEN": token})
        return CliRunner().invoke(main, list(args), obj=state)

    run("channel", "add", "l", "--plugin", "leaky", "--set", "token=env:LEAKY_TOKEN")
    run("load", "shipments", str(DATA / "shipments.json"))
    sent = run("sync", "l", "send-shipments")
    assert sent.exit_code == 1
    printed = [sent, run("log", "l"), run("log", "--json"), run("show", "shipments", "--json")]
    text = "".join(result.stdout + result.stderr for result in printed)
    assert "refused for token ********" in text
    assert token not in text


def test_the_sandbox_command_masks_given_credentials():
    key, secret = "given-key-5b2e91", "given-secret-77aa03"
    process = subprocess.Popen(
        [sys.executable, "-m", "techoms_core.cli", "sandbox", "--port", "0",
         "--api-key", key, "--api-secret", secret],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        banner = [process.stdout.readline() for _ in range(3)]
        process.terminate()
        out, err = process.communicate(timeout=30)
    finally:
        process.kill()
    printed = "".join(banner) + out + err
    assert banner[0].startswith("Leanafy sandbox serving on http://127.0.0.1:")
    assert "Api Key:      ********" in printed
    assert key not in printed and secret not in printed
    assert process.returncode == 0
