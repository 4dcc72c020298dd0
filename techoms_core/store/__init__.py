"""The embedded reference host: techOMS's side of every flow, in SQLite.

:class:`SqliteHost` implements :class:`techoms_core.host.Host` over SQLAlchemy
Core, with the schema kept by Alembic migrations that run when the database is
opened. SQLite is opened in WAL mode with a busy timeout, so the CLI, a job
runner and a sync can share one file. Nothing here is SQLite-only except the
connection pragmas: the same tables and queries run on PostgreSQL (see
``docs/host.md``).

Open one with :func:`open_host` (path from an argument, else ``TECHOMS_DB``,
else :func:`default_db_path`) or ``SqliteHost(path)``.
"""

from techoms_core.store.paths import DB_ENV_VAR, default_db_path
from techoms_core.store.problems import LoadConflict, LoadProblem, LoadReport, StoreError
from techoms_core.store.sqlite_host import SqliteHost, open_host

__all__ = [
    "DB_ENV_VAR",
    "LoadConflict",
    "LoadProblem",
    "LoadReport",
    "SqliteHost",
    "StoreError",
    "default_db_path",
    "open_host",
]
