"""Names, messages, exit statuses and help text as a newcomer meets them."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from techoms_core.cli import CliState, main
from tests.cli.conftest import CHANNEL, DATA, WAREHOUSE, channel_settings


def _all_help_pages(registry, tmp_path) -> dict[str, str]:
    """``--help`` of every command, at 80 columns."""
    pages: dict[str, str] = {}

    def visit(path: list[str], command: click.Command) -> None:
        state = CliState(tmp_path / "help.db", registry=registry)
        result = CliRunner().invoke(main, [*path, "--help"], obj=state, env={"COLUMNS": "80"})
        assert result.exit_code == 0, result.output
        pages[" ".join(path) or "techoms"] = result.stdout
        if isinstance(command, click.Group):
            ctx = click.Context(command, obj=state)
            for name in command.list_commands(ctx):
                visit([*path, name], command.get_command(ctx, name))

    visit([], main)
    return pages


def test_help_reads_as_plain_text_with_whole_summaries(registry, tmp_path):
    pages = _all_help_pages(registry, tmp_path)
    assert {"sync", "map reference", "review accept", "jobs set"} <= set(pages)
    for name, page in pages.items():
        assert "``" not in page, name
        commands = page.partition("Commands:")[2]
        assert "..." not in commands, f"{name}: a summary is cut\n{commands}"
        usage = page.partition("\n\n")[0]
        assert "{" not in usage, f"{name}: choices in the usage line\n{usage}"
    assert "sync        Run sync OPTION of channel NAME now." in pages["techoms"]
    assert "LEVEL is one of: sales_order, sales_order_line" in pages["map reference"]


def test_a_channel_name_is_letters_digits_dashes_and_underscores(cli, sandbox):
    result = cli("channel", "add", "bad name!", "--plugin", "leanafy", *channel_settings(sandbox),
                 status=1)  # fmt: skip
    assert "channel name: 'bad name!' may hold only letters, digits, - and _" in result.stderr
    assert cli.json("channel", "list") == []
    cli("channel", "add", "east_2-b", "--plugin", "leanafy", *channel_settings(sandbox))


def test_disabling_says_disabled(cli, channel):
    assert "saved (disabled)" in cli("channel", "set", CHANNEL, "--disable").stdout
    assert "saved (enabled)" in cli("channel", "set", CHANNEL, "--enable").stdout


@pytest.mark.parametrize("args", [("sync", CHANNEL, "bogus"), ("jobs", "set", CHANNEL, "x", "5m")])
def test_an_unknown_sync_option_is_a_usage_error(cli, channel, args):
    result = cli(*args, status=2)
    assert "unknown sync option" in result.stderr


def test_an_unknown_warehouse_is_an_error(cli, channel):
    assert cli.json("show", "inventory", "--warehouse", WAREHOUSE) == []
    result = cli("show", "inventory", "--warehouse", "NOPE", status=1)
    assert "no warehouse 'NOPE'" in result.stderr


def test_an_unset_env_secret_hides_no_other_setting(cli, sandbox):
    cli("channel", "add", CHANNEL, "--plugin", "leanafy", "--warehouse", WAREHOUSE,
        *channel_settings(sandbox), "--set", "throughput=low")  # fmt: skip
    cli.environ.pop("TEST_LEANAFY_SECRET")

    shown = cli.json("channel", "show", CHANNEL)

    assert shown["settings"]["api_url"] == sandbox.url
    assert shown["settings"]["throughput"] == "low"
    assert shown["settings"]["warehouse_id"] == sandbox.warehouse_ids[0]
    assert shown["settings"]["api_secret"] == "********"
    assert any("TEST_LEANAFY_SECRET" in problem for problem in shown["problems"])
    health = cli.json("health", CHANNEL, status=1)
    assert health["ok"] is False and "TEST_LEANAFY_SECRET" in health["message"]


def test_a_mistyped_db_creates_nothing(cli, tmp_path):
    missing = tmp_path / "no" / "such" / "dir" / "x.db"
    cli.db = missing
    result = cli("channel", "list", status=1)
    assert f"no techOMS database at {missing}; reading never creates one" in result.stderr
    result = cli("load", "products", str(DATA / "products.json"), status=1)
    assert f"no techOMS database at {missing}, and no directory" in result.stderr
    assert not (tmp_path / "no").exists()
    document = cli.json("show", "products", status=1)
    assert document["ok"] is False and "no techOMS database" in document["message"]


READS = [
    ("channel", "list"),
    ("account", "show"),
    ("show", "products"),
    ("show", "inventory"),
    ("log",),
    ("jobs", "list"),
    ("jobs", "run", "--once"),
    ("review", "list"),
    ("key", "show"),
]


@pytest.mark.parametrize("command", READS, ids=" ".join)
def test_a_read_never_creates_a_database(cli, tmp_path, command):
    cli.db = missing = tmp_path / "x.db"
    result = cli(*command, status=1)
    said = " ".join(result.stderr.split())
    assert f"no techOMS database at {missing}; reading never creates one" in said
    assert "`techoms channel add`, `techoms load` or `techoms account set` does" in said
    assert list(tmp_path.iterdir()) == []


def test_a_read_refuses_an_empty_file_and_leaves_it_empty(cli, tmp_path):
    cli.db = empty = tmp_path / "x.db"
    empty.touch()
    document = cli.json("channel", "list", status=1)
    assert document["message"].startswith(f"{empty} holds no techOMS database yet")
    assert empty.stat().st_size == 0
    assert sorted(path.name for path in tmp_path.iterdir()) == ["x.db"]


def test_a_write_creates_the_database_a_read_then_opens(cli, tmp_path):
    cli.db = tmp_path / "x.db"
    cli("load", "products", str(DATA / "products.json"))
    assert len(cli.json("show", "products")) == 6


def test_a_file_that_is_not_a_database_is_named(cli, tmp_path):
    cli.db = tmp_path / "notes.txt"
    cli.db.write_text("these are my notes, not a database; " * 40)
    result = cli("channel", "list", status=1)
    assert f"{cli.db} is not a usable techOMS database: file is not a database" in result.stderr
    assert "Traceback" not in result.stderr and "DatabaseError" not in result.stderr
