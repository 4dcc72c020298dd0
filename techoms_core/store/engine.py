"""Opening the database: SQLite or PostgreSQL, write transactions, migrations.

The store's code assumes what SQLite gives it: one write transaction at a time,
and reads that see one snapshot. Both engines made here give exactly that.

* SQLite: every write transaction starts with ``BEGIN IMMEDIATE`` so two
  processes never both read-then-upgrade to a write lock and deadlock; readers
  use a deferred ``BEGIN`` and, in WAL mode, never block writers. The busy
  timeout makes a writer wait for another writer instead of failing at once.
* PostgreSQL (psycopg 3): every write transaction first takes one
  transaction-scoped advisory lock, so writers queue as on SQLite and a
  read-then-write (a lock's holder, a cursor, a snapshot swap) is never raced;
  readers run ``REPEATABLE READ, READ ONLY`` (one snapshot, never blocking).
  The one exception is the throughput ledger (``store.caps``): its small,
  frequent writes lock their own rows (``SELECT ... FOR UPDATE``) instead, so
  that they neither wait for the store's writers nor make them wait. The lock
  timeout is set once per connection (a connection option), not per transaction.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url

from techoms_core.store.problems import NoStore

MIGRATIONS = Path(__file__).with_name("migrations")

#: The execution option that makes a transaction read-only (``Database._read``).
READ_ONLY = "store_read"

#: The execution option of a write transaction that locks the rows it changes
#: instead of queueing on the write lock (``Database._row_write``; PostgreSQL).
ROW_LOCKED = "store_row_locked"

#: The execution option of a write that is one statement, its own transaction
#: (no ``BEGIN``, no ``COMMIT``, no write lock but the rows it changes), for
#: the throughput ledger's returns (``Database._one_statement``).
ONE_STATEMENT = "store_one_statement"

#: The advisory lock every PostgreSQL write transaction holds (any fixed bigint).
WRITE_LOCK_KEY = 0x7EC0_0D5B

#: The URL schemes :func:`open_engine` accepts besides a file path.
POSTGRES_DRIVER = "postgresql+psycopg"


def is_url(target: str | Path) -> bool:
    """Whether ``target`` is a database URL rather than a SQLite file path."""
    return isinstance(target, str) and "://" in target


def open_engine(target: str | Path, *, busy_timeout: float, pool_size: int = 5) -> Engine:
    """The engine for ``target``: a SQLite file path, a ``sqlite:///`` URL, or a
    ``postgresql+psycopg://`` URL (with up to ``pool_size`` idle connections kept)."""
    if not is_url(target):
        return sqlite_engine(Path(target), busy_timeout=busy_timeout)
    url = make_url(str(target))
    if url.get_backend_name() == "sqlite":
        if not url.database:
            raise ValueError("a sqlite:/// URL needs a file path (an in-memory database is lost)")
        return sqlite_engine(Path(url.database), busy_timeout=busy_timeout)
    if url.drivername != POSTGRES_DRIVER:
        raise ValueError(
            f"unsupported database {url.drivername!r}: give a SQLite file path "
            f"or a {POSTGRES_DRIVER}://user@host/dbname URL"
        )
    return postgres_engine(url, lock_timeout=busy_timeout, pool_size=pool_size)


def sqlite_engine(path: Path, *, busy_timeout: float) -> Engine:
    """An engine on the SQLite file ``path`` with WAL, a busy timeout and
    foreign keys on. Use ``engine.begin()`` to write, and
    ``engine.connect().execution_options(store_read=True)`` only to read."""
    engine = create_engine(
        f"sqlite+pysqlite:///{path}",
        connect_args={"timeout": busy_timeout, "check_same_thread": False},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # Hand transaction control to the "begin" listener below.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
        # NORMAL in WAL mode: a commit survives the process being killed.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        if _one_statement(connection):
            return  # the driver runs it in autocommit mode, as its own transaction
        connection.exec_driver_sql("BEGIN" if _reading(connection) else "BEGIN IMMEDIATE")

    return engine


def holds_no_schema(path: Path) -> bool:
    """Whether the SQLite file ``path`` is a database without a techOMS schema.

    Read through a read-only connection, because the store's own connection
    would first switch the file to WAL: opening someone else's database only
    to refuse it must leave it as it was. ``False`` when the file cannot be
    read that way (not a database, or locked): the store's own open then
    names the problem.
    """
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as probe:
            found = probe.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
            ).fetchone()
    except sqlite3.Error:
        return False
    return found is None


def postgres_engine(url: str | URL, *, lock_timeout: float, pool_size: int = 5) -> Engine:
    """An engine on PostgreSQL through psycopg 3 whose write transactions queue
    on one advisory lock (waiting at most ``lock_timeout`` seconds for it, as a
    SQLite writer waits at most its busy timeout), and whose read transactions
    are read-only snapshots. Connections are checked before use, so a restarted
    server costs no failed command."""
    url = make_url(url)
    # Given when connecting, the timeout costs no statement in any transaction.
    options = [url.query.get("options"), f"-c lock_timeout={int(lock_timeout * 1000)}"]
    engine = create_engine(
        url,
        pool_pre_ping=True,
        pool_size=pool_size,
        connect_args={"options": " ".join(filter(None, options))},
    )

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        if _reading(connection):
            connection.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            return
        options = connection.get_execution_options()
        if not (options.get(ROW_LOCKED, False) or options.get(ONE_STATEMENT, False)):
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")

    return engine


def _reading(connection: Connection) -> bool:
    return connection.get_execution_options().get(READ_ONLY, False)


def _one_statement(connection: Connection) -> bool:
    return connection.get_execution_options().get(ONE_STATEMENT, False)


def alembic_config(engine: Engine) -> Config:
    """An Alembic config that needs no ``alembic.ini``."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # Alembic's config is an INI parser: a literal % (an escaped password) is doubled.
    rendered = engine.url.render_as_string(hide_password=False).replace("%", "%%")
    config.set_main_option("sqlalchemy.url", rendered)
    return config


def migrate(engine: Engine, *, create: bool = True, label: str = "") -> None:
    """Bring the schema up to the newest migration; write nothing when it is.
    With ``create=False`` a database holding no techOMS schema yet is refused
    (:class:`~techoms_core.store.problems.NoStore`, naming ``label``) instead of
    getting one.

    Processes starting together (workers on one PostgreSQL) migrate one at a
    time: the upgrade runs in a write transaction, and Alembic reads the
    current revision again inside it."""
    config = alembic_config(engine)
    head = ScriptDirectory.from_config(config).get_current_head()
    with engine.connect().execution_options(**{READ_ONLY: True}) as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    if current == head:
        return
    if current is None and not create:
        raise NoStore(label or engine.url.render_as_string(hide_password=True), missing_file=False)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
