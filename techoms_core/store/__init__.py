"""The reference host: techOMS's side of every flow, in SQLite or PostgreSQL.

:class:`StoreHost` implements :class:`techoms_core.host.Host` over SQLAlchemy
Core, with the schema kept by Alembic migrations that run when the database is
opened. The embedded default is a SQLite file in WAL mode with a busy timeout,
so the CLI, a job runner and a sync can share one file (:data:`SqliteHost` is
the same class). Given a ``postgresql+psycopg://`` URL, the same tables,
queries and migrations run on PostgreSQL, for many workers on many machines
(see ``docs/deploy.md``).

Open one with :func:`open_host` (a path or URL from an argument, else
``TECHOMS_DB``, else :func:`default_db_path`) or ``StoreHost(target)``.
"""

from techoms_core.store.paths import DB_ENV_VAR, default_db_path, default_db_target
from techoms_core.store.problems import LoadConflict, LoadProblem, LoadReport, StoreError
from techoms_core.store.store_host import SqliteHost, StoreHost, open_host

__all__ = [
    "DB_ENV_VAR",
    "LoadConflict",
    "LoadProblem",
    "LoadReport",
    "SqliteHost",
    "StoreError",
    "StoreHost",
    "default_db_path",
    "default_db_target",
    "open_host",
]
