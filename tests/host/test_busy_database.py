"""A database another process keeps locked: a bounded wait, then a named error."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from techoms_core.cli import CliState, main
from techoms_core.store import SqliteHost, StoreError, StoreHost, open_host
from techoms_core.store.engine import WRITE_LOCK_KEY
from techoms_core.store.problems import DatabaseBusy
from tests.host import samples

PRODUCTS = Path(__file__).resolve().parents[2] / "techoms_core" / "demo_data" / "products.json"


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "techoms.db"


@pytest.fixture
def locked(db_path):
    """The database, with another connection holding its write lock."""
    with SqliteHost(db_path):
        pass
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    yield db_path
    other.execute("ROLLBACK")
    other.close()


def test_a_write_waits_its_timeout_then_says_the_database_is_busy(locked):
    with SqliteHost(locked, busy_timeout=0.3) as host:
        started = time.monotonic()
        with pytest.raises(DatabaseBusy, match=r"is busy: another process held its write lock"):
            host.add_channel(samples.channel())
        assert 0.25 < time.monotonic() - started < 5
        assert host.channels() == []  # reading never waits for a writer


def test_the_cli_says_so_in_words_and_in_json(locked):
    def run(*args: str):
        state = CliState(locked, environ={})
        env = {"TECHOMS_BUSY_TIMEOUT": "0.2", "COLUMNS": "200"}
        return CliRunner().invoke(main, list(args), obj=state, env=env)

    result = run("account", "set", "--master-product-source", "techoms")
    assert result.exit_code == 1
    assert "is busy: another process held its write lock for more than 0.2 s" in result.stderr
    assert "Traceback" not in result.stderr and "unexpected" not in result.stderr
    document = json.loads(run("load", "products", str(PRODUCTS), "--json").stdout)
    assert document["ok"] is False
    assert "busy" in document["message"] + " ".join(document["problems"])


def test_the_busy_timeout_from_the_environment_is_checked(db_path, monkeypatch):
    for bad in ("soon", "-1", "nan", "1e9"):
        monkeypatch.setenv("TECHOMS_BUSY_TIMEOUT", bad)
        with pytest.raises(
            StoreError, match=r"TECHOMS_BUSY_TIMEOUT: .* is not a number of seconds"
        ):
            open_host(db_path)


@pytest.mark.postgresql
def test_on_postgresql_a_write_waits_its_timeout_then_says_the_database_is_busy(pg_cluster):
    pg_cluster.execute("CREATE ROLE busy_keeper LOGIN SUPERUSER PASSWORD 'keeper-secret-pw'")
    name = pg_cluster.create_database(template="techoms_template")
    url = pg_cluster.url(name).replace("postgres@", "busy_keeper:keeper-secret-pw@")
    import psycopg

    with psycopg.connect(pg_cluster.conninfo(name)) as other:
        other.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK_KEY,))
        with StoreHost(url, busy_timeout=0.3) as host:
            started = time.monotonic()
            with pytest.raises(DatabaseBusy, match=r"is busy: another process held") as busy:
                host.add_channel(samples.channel())
            assert 0.25 < time.monotonic() - started < 5
            assert "keeper-secret-pw" not in str(busy.value) and "***" in str(busy.value)
            assert host.channels() == []  # reading never waits for a writer
