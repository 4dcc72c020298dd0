"""The Procrastinate app of a techOMS database, and its schema."""

from __future__ import annotations

import procrastinate
import psycopg
from procrastinate.schema import SchemaManager
from sqlalchemy.engine import make_url

from techoms_core.store.engine import is_url
from techoms_core.taskqueue.tasks import WorkerSettings, register_tasks

#: Held while one process creates Procrastinate's tables (any fixed bigint).
SCHEMA_LOCK_KEY = 0x7EC0_0D5C


class NotPostgres(ValueError):
    """Workers need the store on PostgreSQL (Procrastinate keeps its queue there)."""


def conninfo(url: str) -> str:
    """The libpq URI of the SQLAlchemy URL ``url`` (``postgresql+psycopg://...``)."""
    parsed = make_url(url) if is_url(url) else None
    if parsed is None or parsed.get_backend_name() != "postgresql":
        raise NotPostgres(
            "techoms worker needs the database on PostgreSQL (--db or TECHOMS_DB "
            "postgresql+psycopg://user@host/dbname); on a SQLite file run `techoms jobs run`"
        )
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


def make_app(url: str, settings: WorkerSettings) -> procrastinate.App:
    """The app whose queue lives in the PostgreSQL database ``url``, with the
    dispatcher and the job task registered."""
    app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=conninfo(url)))
    register_tasks(app, settings)
    return app


def ensure_schema(url: str) -> None:
    """Create Procrastinate's tables unless they exist; workers starting
    together create them once (under an advisory lock)."""
    with psycopg.connect(conninfo(url), autocommit=True) as connection:
        connection.execute("SELECT pg_advisory_lock(%s)", (SCHEMA_LOCK_KEY,))
        try:
            found = connection.execute("SELECT to_regclass('procrastinate_jobs')").fetchone()
            if found is None or found[0] is None:
                connection.execute(SchemaManager.get_schema())
        finally:
            connection.execute("SELECT pg_advisory_unlock(%s)", (SCHEMA_LOCK_KEY,))
