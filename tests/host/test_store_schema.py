"""The store opens, migrates from empty, and keeps its schema in step."""

from __future__ import annotations

import inspect
import sqlite3

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from techoms_core.host import Host, RunStatus, RunTraffic
from techoms_core.models import Product
from techoms_core.store import SqliteHost, default_db_path, open_host
from techoms_core.store.engine import alembic_config, sqlite_engine
from techoms_core.store.schema import metadata
from tests.host import samples


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
        name for name in dir(Host) if callable(getattr(Host, name)) and not name.startswith("_")
    ]
    assert len(members) > 20
    with SqliteHost(db_path) as host:
        assert isinstance(host, Host)
        for name in members:
            wanted = inspect.signature(getattr(Host, name)).parameters
            assert inspect.signature(getattr(SqliteHost, name)).parameters == wanted, name


def test_runs_logged_before_revision_0002_have_no_traffic(db_path):
    engine = sqlite_engine(db_path, busy_timeout=5)
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    engine.dispose()
    old = sqlite3.connect(db_path)
    old.execute(
        "INSERT INTO runs (channel, option, started_at, status, dry_run, ok, skipped, warning,"
        " failed) VALUES ('east', 'send-shipments', '2025-01-06 09:00:00.000000', 'completed',"
        " 0, 3, 0, 0, 0)"
    )
    old.commit()
    old.close()

    with SqliteHost(db_path) as host:
        [before] = host.runs()
        run_id = host.start_run("east", "send-shipments")
        host.finish_run(
            run_id, RunStatus.COMPLETED, {"ok": 1}, traffic=RunTraffic(requests=4, retries=1)
        )
        after = host.run(run_id)

    assert (before.counts["ok"], before.traffic) == (3, None)
    assert after.traffic == RunTraffic(requests=4, retries=1, rate_limited=0)


def test_sku_keys_written_before_nfkc_are_rewritten_on_open(db_path):
    full_width = "\uff21\uff22\uff23-\uff11"  # "ABC-1" in full-width forms
    old_key = full_width.casefold()  # as keys were made before NFKC
    with SqliteHost(db_path) as host:
        host.load_products([Product(sku=full_width, name="Mug", uom="each")])
        host.add_channel(samples.channel())
        host.add_sku_mappings("wms", [(full_width, "LF-\uff21")])
    with sqlite3.connect(db_path) as connection:
        connection.execute("UPDATE products SET sku_key = ?", (old_key,))
        connection.execute("UPDATE sku_mappings SET system_key = ?", (old_key,))
        connection.execute("UPDATE alembic_version SET version_num = '0002'")
    with SqliteHost(db_path) as host:
        report = host.load_products([Product(sku="abc-1", name="Mug, renamed", uom="each")])
        assert (report.created, report.updated) == (0, 1)
        assert host.mappings("wms").skus.to_channel("ABC-1") == "LF-\uff21"
