"""End-to-end CLI fixtures: the real ``techoms`` command, a real SQLite file in a
tmp path, and the Leanafy sandbox on a free loopback port.

Every command runs in-process through click's ``CliRunner`` with a fresh
:class:`~techoms_core.cli.CliState` (as a new process would): the database is
opened and closed per command. Everything a test printed is kept in
``cli.transcript`` so secrets can be searched for in all of it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from plugins.leanafy.sandbox.testing import sandbox, sandbox_server  # noqa: F401
from plugins.registry import Registry
from techoms_core.cli import CliState, main

CHANNEL = "east"
WAREHOUSE = "MAIN"
KEY_VARIABLE = "TEST_LEANAFY_KEY"
SECRET_VARIABLE = "TEST_LEANAFY_SECRET"
#: Tables as wide as they like, whatever terminal runs the tests.
WIDE = {"COLUMNS": "200"}
DATA = Path(__file__).resolve().parents[2] / "techoms_core" / "demo_data"


class Cli:
    """Runs ``techoms`` commands against one database, with one environment."""

    def __init__(self, db: str | Path, environ: dict[str, str], registry: Registry) -> None:
        self.db = db
        self.environ = environ
        self.registry = registry
        self.transcript: list[str] = []

    def __call__(
        self,
        *args: str,
        status: int | None = 0,
        input: str | None = None,
        columns: int | None = None,
    ) -> Result:
        """Run ``techoms ARGS``; check the exit status unless ``status`` is None.
        ``columns``: the width of the terminal the tables are printed for."""
        state = CliState(self.db, registry=self.registry, environ=self.environ)
        env = {"COLUMNS": str(columns)} if columns else WIDE
        result = CliRunner().invoke(main, list(args), obj=state, input=input, env=env)
        self.transcript += [result.stdout, result.stderr]
        if status is not None:
            assert result.exit_code == status, (
                f"techoms {' '.join(args)} exited {result.exit_code}, not {status}\n"
                f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}\n{result.exception!r}"
            )
        return result

    def json(self, *args: str, status: int | None = 0) -> Any:
        """Run ``techoms ARGS --json`` and parse what it printed."""
        return json.loads(self(*args, "--json", status=status).stdout)

    def everything_printed(self) -> str:
        return "\n".join(self.transcript)


@pytest.fixture(scope="session")
def registry() -> Registry:
    return Registry.discover()


@pytest.fixture
def cli(db_target: str | Path, registry: Registry, sandbox) -> Cli:  # noqa: F811
    """The CLI on a fresh database, SQLite and PostgreSQL (``tests/stores.py``);
    the sandbox's credentials in its environment."""
    environ = {KEY_VARIABLE: sandbox.api_key, SECRET_VARIABLE: sandbox.api_secret}
    return Cli(db_target, environ, registry)


@pytest.fixture
def store(cli: Cli) -> Cli:
    """The CLI on a store that exists and holds nothing yet, started as a user
    would (a read never creates one: ``account set`` does)."""
    cli("account", "set", "--master-product-source", "techoms")
    return cli


def channel_settings(sandbox, *, key: str | None = None, secret: str | None = None) -> list[str]:  # noqa: F811
    """``--set`` options for a Leanafy channel on the sandbox (env secrets by default)."""
    return [
        "--set",
        f"api_url={sandbox.url}",
        "--set",
        f"api_key={key or 'env:' + KEY_VARIABLE}",
        "--set",
        f"api_secret={secret or 'env:' + SECRET_VARIABLE}",
        "--set",
        f"warehouse_id={sandbox.warehouse_ids[0]}",
    ]


@pytest.fixture
def channel(cli: Cli, sandbox) -> str:  # noqa: F811
    """A Leanafy channel ``east`` serving warehouse MAIN, with the demo's products loaded."""
    cli("channel", "add", CHANNEL, "--plugin", "leanafy", "--warehouse", WAREHOUSE,
        *channel_settings(sandbox))  # fmt: skip
    return CHANNEL


@pytest.fixture
def loaded(cli: Cli, channel: str) -> Iterator[str]:
    """The channel, with the demo's products, shipments and receipts loaded."""
    for kind in ("products", "shipments", "receipts"):
        cli("load", kind, str(DATA / f"{kind}.json"))
    yield channel
