"""The two databases the store suite runs on: a SQLite file and PostgreSQL.

Every test that takes the ``db_target`` fixture (and so ``host``) runs twice,
``[sqlite]`` and ``[postgresql]``. PostgreSQL is a throwaway cluster, one per
test process (each xdist worker), started on first use and removed at the end;
each test gets a database of its own, copied from one migrated template.
Deselect the PostgreSQL copies with ``-m "not postgresql"``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, create_engine, select

from techoms_core.store import StoreHost
from techoms_core.store.pg_cluster import ThrowawayCluster
from techoms_core.store.schema import metadata

#: The database every test's own database is copied from (schema at head).
TEMPLATE = "techoms_template"

KINDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[ThrowawayCluster]:
    """This test process's PostgreSQL server, with :data:`TEMPLATE` migrated."""
    with ThrowawayCluster() as cluster:
        cluster.create_database(TEMPLATE)
        StoreHost(cluster.url(TEMPLATE)).close()
        yield cluster


@pytest.fixture
def pg_url(request) -> Iterator[str]:
    """The URL of a new, migrated PostgreSQL database for this test (dropped after it)."""
    yield from _fresh_database(request.getfixturevalue("pg_cluster"))


def _fresh_database(cluster: ThrowawayCluster) -> Iterator[str]:
    name = cluster.create_database(template=TEMPLATE)
    yield cluster.url(name)
    # Dropped at once, so the cluster's disk never holds more than a few.
    cluster.execute(f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture(params=KINDS)
def db_kind(request) -> str:
    return request.param


@pytest.fixture
def db_target(request, db_kind, tmp_path) -> str | Path:
    """Where this test's store lives: a SQLite file, or a PostgreSQL database URL."""
    if db_kind == "sqlite":
        return tmp_path / "techoms.db"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def other_db_target(request, db_kind, tmp_path) -> Iterator[str | Path]:
    """A second store of the same kind as ``db_target``, for comparing two."""
    if db_kind == "sqlite":
        yield tmp_path / "other.db"
    else:
        yield from _fresh_database(request.getfixturevalue("pg_cluster"))


def raw_engine(target: str | Path) -> Engine:
    """A plain SQLAlchemy engine on the store ``target``."""
    return create_engine(target if isinstance(target, str) else f"sqlite:///{target}")


@contextmanager
def raw_transaction(target: str | Path) -> Iterator[Connection]:
    """One transaction on the store ``target`` outside the host, for changing rows by hand."""
    engine = raw_engine(target)
    try:
        with engine.begin() as connection:
            yield connection
    finally:
        engine.dispose()


def store_content(target: str | Path) -> object:
    """Everything a store holds, to compare before and after: a SQLite file's
    bytes, or every row of every table of a PostgreSQL database."""
    if isinstance(target, Path):
        return target.read_bytes()
    engine = raw_engine(target)
    try:
        with engine.connect() as connection:
            return {
                table.name: connection.execute(
                    select(table).order_by(*table.primary_key.columns)
                ).all()
                for table in metadata.sorted_tables
            }
    finally:
        engine.dispose()
