"""The store opens, migrates from empty, and keeps its schema in step."""

from __future__ import annotations

import inspect
import sqlite3

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from techoms_core.host import Host
from techoms_core.store import SqliteHost, default_db_path, open_host
from techoms_core.store.schema import metadata


def test_migrates_an_empty_file_to_the_declared_schema(db_path):
    with SqliteHost(db_path) as host:
        with host._engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), metadata)
        assert diff == []
        assert host.master_product_source() == "techoms"


def test_opens_in_wal_mode_with_a_busy_timeout(db_path):
    SqliteHost(db_path, busy_timeout=7).close()
    raw = sqlite3.connect(db_path)
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    raw.close()
    with SqliteHost(db_path, busy_timeout=7) as host, host._engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 7000


def test_reopening_a_current_database_writes_nothing(db_path):
    SqliteHost(db_path).close()
    before = db_path.read_bytes()
    SqliteHost(db_path).close()
    assert db_path.read_bytes() == before


def test_default_path_follows_techoms_db_then_user_data_dir(tmp_path, monkeypatch):
    assert default_db_path({"TECHOMS_DB": str(tmp_path / "x.db")}) == tmp_path / "x.db"
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_db_path({}) == tmp_path / "data" / "techoms" / "techoms.db"
    monkeypatch.setenv("TECHOMS_DB", str(tmp_path / "nested" / "t.db"))
    with open_host() as host:
        assert host.path == tmp_path / "nested" / "t.db"
    assert (tmp_path / "nested" / "t.db").exists()


def test_sqlite_host_implements_every_method_of_the_protocol(db_path):
    members = [
        name for name, value in vars(Host).items() if callable(value) and not name.startswith("_")
    ]
    assert len(members) > 20
    with SqliteHost(db_path) as host:
        assert isinstance(host, Host)
        for name in members:
            wanted = inspect.signature(getattr(Host, name)).parameters
            assert inspect.signature(getattr(SqliteHost, name)).parameters == wanted, name
