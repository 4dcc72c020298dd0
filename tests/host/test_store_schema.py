"""The store opens, migrates from empty, and keeps its schema in step."""

from __future__ import annotations

import inspect
import sqlite3
import subprocess
import sys
from contextlib import closing

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from techoms_core.host import Host, RunStatus, RunTraffic
from techoms_core.models import Product
from techoms_core.store import StoreHost, default_db_path, default_db_target, open_host
from techoms_core.store.engine import alembic_config, open_engine
from techoms_core.store.problems import NoStore
from techoms_core.store.schema import metadata
from tests.host import samples
from tests.stores import raw_transaction


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "techoms.db"


@pytest.fixture
def empty_target(request, db_kind, tmp_path):
    """A database with no schema yet: a new SQLite file, or an empty PostgreSQL database."""
    if db_kind == "sqlite":
        return tmp_path / "empty.db"
    cluster = request.getfixturevalue("pg_cluster")
    return cluster.url(cluster.create_database())


def test_migrates_an_empty_database_to_the_declared_schema(empty_target):
    with StoreHost(empty_target) as host:
        with host._engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), metadata)
        assert diff == []
        assert host.master_product_source() == "techoms"


def test_opens_in_wal_mode_with_a_busy_timeout(db_path):
    StoreHost(db_path, busy_timeout=7).close()
    raw = sqlite3.connect(db_path)
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    raw.close()
    with StoreHost(db_path, busy_timeout=7) as host, host._engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 7000


def test_reopening_a_current_database_writes_nothing(db_path):
    StoreHost(db_path).close()
    before = db_path.read_bytes()
    StoreHost(db_path).close()
    assert db_path.read_bytes() == before


def test_default_path_follows_techoms_db_then_user_data_dir(tmp_path, monkeypatch):
    assert default_db_path({"TECHOMS_DB": str(tmp_path / "x.db")}) == tmp_path / "x.db"
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_db_path({}) == tmp_path / "data" / "techoms" / "techoms.db"
    monkeypatch.setenv("TECHOMS_DB", str(tmp_path / "nested" / "t.db"))
    with open_host() as host:
        assert host.path == tmp_path / "nested" / "t.db"
    assert (tmp_path / "nested" / "t.db").exists()


def test_the_store_implements_every_method_of_the_protocol(db_path):
    members = [
        name for name in dir(Host) if callable(getattr(Host, name)) and not name.startswith("_")
    ]
    assert len(members) > 20
    with StoreHost(db_path) as host:
        assert isinstance(host, Host)
        for name in members:
            wanted = inspect.signature(getattr(Host, name)).parameters
            assert inspect.signature(getattr(StoreHost, name)).parameters == wanted, name


def test_runs_logged_before_revision_0002_have_no_traffic(empty_target):
    engine = open_engine(empty_target, busy_timeout=5)
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    engine.dispose()
    with raw_transaction(empty_target) as old:
        old.execute(
            text(
                "INSERT INTO runs (channel, option, started_at, status, dry_run, ok, skipped,"
                " warning, failed) VALUES ('east', 'send-shipments', '2025-01-06 09:00:00',"
                " 'completed', false, 3, 0, 0, 0)"
            )
        )

    with StoreHost(empty_target) as host:
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
    with StoreHost(db_path) as host:
        host.load_products([Product(sku=full_width, name="Mug", uom="each")])
        host.add_channel(samples.channel())
        host.add_sku_mappings("wms", [(full_width, "LF-\uff21")])
    _downgrade(db_path, "0002")
    with sqlite3.connect(db_path) as connection:
        connection.execute("UPDATE products SET sku_key = ?", (old_key,))
        connection.execute("UPDATE sku_mappings SET system_key = ?", (old_key,))
    with StoreHost(db_path) as host:
        report = host.load_products([Product(sku="abc-1", name="Mug, renamed", uom="each")])
        assert (report.created, report.updated) == (0, 1)
        assert host.mappings("wms").skus.to_channel("ABC-1") == "LF-\uff21"


def _downgrade(target, revision: str) -> None:
    engine = open_engine(target, busy_timeout=5)
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)
    engine.dispose()


@pytest.mark.postgresql
def test_a_postgresql_url_in_techoms_db_opens_that_database(pg_url, monkeypatch):
    monkeypatch.setenv("TECHOMS_DB", pg_url)
    assert default_db_target() == pg_url
    with open_host() as host:
        assert (host.dialect, host.path) == ("postgresql", None)
        assert host.master_product_source() == "techoms"


@pytest.mark.postgresql
def test_the_host_never_shows_the_database_password(pg_cluster):
    pg_cluster.execute("CREATE ROLE keeper LOGIN SUPERUSER PASSWORD 'hunter2-secret'")
    url = pg_cluster.url().replace("postgres@", "keeper:hunter2-secret@")
    with open_host(url) as host:
        assert "hunter2-secret" not in repr(host)
        assert "***" in repr(host)


def test_an_unsupported_database_url_is_refused_by_name():
    with pytest.raises(ValueError, match=r"unsupported database 'mysql'.*postgresql\+psycopg"):
        open_host("mysql://someone@localhost/techoms")


@pytest.mark.postgresql
def test_workers_starting_together_migrate_an_empty_database_once(pg_cluster):
    """Three processes open one empty PostgreSQL database at the same moment:
    the migration runs once, under the write lock, and every process opens it."""
    url = pg_cluster.url(pg_cluster.create_database())
    opener = (
        "import sys; from techoms_core.store import StoreHost\n"
        "with StoreHost(sys.argv[1]) as host: print(host.master_product_source())"
    )
    workers = [
        subprocess.Popen([sys.executable, "-c", opener, url], stdout=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    outputs = [worker.communicate(timeout=60)[0].strip() for worker in workers]
    assert [worker.returncode for worker in workers] == [0, 0, 0]
    assert outputs == ["techoms"] * 3
    with raw_transaction(url) as connection:
        assert connection.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1


def test_opening_only_to_read_creates_nothing(empty_target):
    with pytest.raises(NoStore, match="reading never creates one") as refused:
        StoreHost(empty_target, create=False)
    assert refused.value.where is not None
    with StoreHost(empty_target):
        pass
    StoreHost(empty_target, create=False).close()  # a store that exists opens


def test_a_missing_file_opened_to_read_is_not_created(tmp_path):
    missing = tmp_path / "deeper" / "x.db"
    with pytest.raises(NoStore, match=f"no techOMS database at {missing}"):
        open_host(missing, create=False)
    assert list(tmp_path.iterdir()) == []


def test_another_programs_database_opened_to_read_is_left_as_it_was(tmp_path):
    other = tmp_path / "other.db"
    with closing(sqlite3.connect(other)) as connection:
        connection.execute("CREATE TABLE notes (body TEXT)")
        connection.commit()
    before = other.read_bytes()

    with pytest.raises(NoStore, match=f"{other} holds no techOMS database yet"):
        StoreHost(other, create=False)

    assert other.read_bytes() == before  # still in rollback-journal mode, untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.db"]
