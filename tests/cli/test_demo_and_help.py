"""``techoms demo`` tells the whole story; every command has a help text."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from techoms_core import hookimpl
from techoms_core.cli import CliState, main
from techoms_core.models import PluginDeclaration
from techoms_core.registry import Registry
from techoms_core.settings import SettingsSchema

DEMO_KEY, DEMO_SECRET = "demo-key-4f0c2b9e", "demo-secret-a81d33c7"


def test_the_demo_tells_the_whole_story(tmp_path, registry, monkeypatch):
    monkeypatch.setenv("LEANAFY_SANDBOX_API_KEY", DEMO_KEY)
    monkeypatch.setenv("LEANAFY_SANDBOX_API_SECRET", DEMO_SECRET)
    monkeypatch.setenv("TECHOMS_DB", str(tmp_path / "must-not-be-touched.db"))
    kept = tmp_path / "demo.db"
    result = CliRunner().invoke(main, ["demo", "--db", str(kept)], obj=CliState(registry=registry))
    printed = result.stdout + result.stderr
    assert result.exit_code == 0, printed
    assert "Every step behaved as narrated." in printed
    assert "not as narrated" not in printed
    for chapter in ("Health check", "Sync menu", "Export products", "Receive inventory"):
        assert chapter in printed
    assert DEMO_KEY not in printed and DEMO_SECRET not in printed
    assert kept.exists()
    assert not (tmp_path / "must-not-be-touched.db").exists()


def test_the_demo_wants_a_new_database(tmp_path):
    existing = tmp_path / "mine.db"
    existing.write_text("")
    result = CliRunner().invoke(main, ["--db", str(existing), "demo"], obj=CliState())
    assert result.exit_code == 1
    assert "the demo needs a new database file" in result.stderr


def _commands(group: click.Group, prefix: tuple[str, ...] = ()):
    """Every command, with those the installed plugins add (as ``techoms --help`` lists them)."""
    context = click.Context(main, obj=CliState())
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        yield (*prefix, name), command
        if isinstance(command, click.Group):
            yield from _commands(command, (*prefix, name))


@pytest.mark.parametrize("path", [p for p, _ in _commands(main)], ids=" ".join)
def test_every_command_has_help(path):
    result = CliRunner().invoke(main, [*path, "--help"], obj=CliState())
    assert result.exit_code == 0, result.output
    assert "Usage: " in result.stdout
    command = dict(_commands(main))[path]
    assert command.help and len(command.help.split()) >= 5, f"{' '.join(path)} needs a docstring"


def test_spec_commands_exist():
    names = {" ".join(path) for path, _ in _commands(main)}
    assert {
        "plugins", "account set", "channel add", "channel list", "channel show", "channel set",
        "channel delete", "health", "menu", "sync", "load", "show", "map sku", "map carrier",
        "map reference", "map import", "map export", "jobs set", "jobs list", "jobs run", "log",
        "sandbox", "demo",
    } <= names  # fmt: skip


def test_plugin_commands_come_from_the_plugins_not_the_core(tmp_path):
    """``sandbox`` and ``demo`` are Leanafy's (its register_commands hook): a
    host without Leanafy has neither, and still runs its own commands."""
    without_leanafy = CliState(tmp_path / "t.db", registry=Registry())
    result = CliRunner().invoke(main, ["sandbox", "--help"], obj=without_leanafy)
    assert result.exit_code == 2
    assert "No such command 'sandbox'" in result.stderr
    listed = CliRunner().invoke(main, ["--help"], obj=CliState(registry=Registry()))
    assert listed.exit_code == 0
    assert "demo" not in listed.stdout.split("Commands:")[1]
    assert "plugins" in listed.stdout.split("Commands:")[1]


def test_a_plugin_whose_commands_fail_is_reported_and_the_host_goes_on(tmp_path):
    class Broken:
        @hookimpl
        def channel_declaration(self):
            return PluginDeclaration(
                key="broken", display_name="Broken", version="1", settings=SettingsSchema(())
            )

        @hookimpl
        def register_commands(self, cli):
            raise RuntimeError("no click here")

    registry = Registry()
    registry.register(Broken(), "broken")
    state = CliState(tmp_path / "t.db", registry=registry)
    result = CliRunner().invoke(main, ["plugins", "--json"], obj=state)
    assert result.exit_code == 0, result.output
    assert [str(p) for p in registry.problems] == [
        "plugin 'broken' skipped: register_commands failed: RuntimeError: no click here"
    ]
