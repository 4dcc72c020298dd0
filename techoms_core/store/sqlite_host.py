"""The SQLite reference host: :class:`SqliteHost`."""

from __future__ import annotations

import os
from pathlib import Path

from techoms_core.store.browse import RecordBrowser
from techoms_core.store.channels import ChannelStore
from techoms_core.store.database import Clock, utc_now
from techoms_core.store.engine import migrate, sqlite_engine
from techoms_core.store.locks import LockStore
from techoms_core.store.mapping_edits import MappingEdits
from techoms_core.store.mapping_rows import MappingStore
from techoms_core.store.paths import create_private_file, default_db_path
from techoms_core.store.problems import BUSY_TIMEOUT_ENV_VAR, StoreError
from techoms_core.store.receives import ReceiveStore
from techoms_core.store.records import RecordStore
from techoms_core.store.reviews import ReviewStore
from techoms_core.store.runlog import RunLogStore
from techoms_core.store.schedule import JobStore
from techoms_core.store.secret_key import SecretKeys
from techoms_core.store.sends import SendStore
from techoms_core.store.views import RecordViews


class SqliteHost(
    ChannelStore,
    MappingStore,
    MappingEdits,
    RecordStore,
    RecordViews,
    RecordBrowser,
    SendStore,
    ReceiveStore,
    ReviewStore,
    RunLogStore,
    LockStore,
    JobStore,
):
    """The embedded techOMS host; implements :class:`techoms_core.host.Host`.

    ``SqliteHost(path)`` opens the database at ``path`` (creating the file if
    needed) and brings its schema up to date with the Alembic migrations. Each
    part of the host lives in its own module: account and channels
    (``channels``), mappings (``mapping_rows``), loading records (``records``),
    display (``views``), sends, receives and snapshots, the review queue
    (``reviews``), the run log, locks and jobs (``schedule``), and the
    console's paged reads (``browse``) and mapping row edits (``mapping_edits``).

    A new database file is created readable by its owner only (0600; SQLite
    gives its WAL and shared-memory files the same mode). Literal secrets in
    channel settings are encrypted with ``secret_keys``, by default the key of
    ``$TECHOMS_SECRET_KEY`` or the key file
    (:mod:`techoms_core.store.secret_key`).

    ``clock`` returns the current aware UTC time; tests inject one. Use the
    host as a context manager, or call :meth:`close`.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        busy_timeout: float = 30.0,
        clock: Clock | None = None,
        secret_keys: SecretKeys | None = None,
    ) -> None:
        self.path = Path(path)
        self._clock = clock or utc_now
        self._keys = secret_keys or SecretKeys.from_environment()
        create_private_file(self.path)
        self._busy_timeout = busy_timeout
        self._engine = sqlite_engine(self.path, busy_timeout=busy_timeout)
        try:
            with self._busy_is_named():
                migrate(self._engine)
        except Exception:
            self._engine.dispose()
            raise

    def close(self) -> None:
        """Release the database connections (SQLite checkpoints its WAL)."""
        self._engine.dispose()

    def __enter__(self) -> SqliteHost:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<SqliteHost {str(self.path)!r}>"


def open_host(path: str | Path | None = None, **options) -> SqliteHost:
    """Open the host database at ``path``, else ``$TECHOMS_DB``, else the
    default in the user's data directory (a directory it creates is 0700).
    ``$TECHOMS_BUSY_TIMEOUT`` (seconds) sets the busy timeout unless given."""
    chosen = Path(path).expanduser() if path else default_db_path()
    chosen.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if "busy_timeout" not in options and os.environ.get(BUSY_TIMEOUT_ENV_VAR, "").strip():
        options["busy_timeout"] = _busy_timeout(os.environ[BUSY_TIMEOUT_ENV_VAR])
    return SqliteHost(chosen, **options)


def _busy_timeout(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not (0 <= seconds <= MAX_BUSY_TIMEOUT):
        raise StoreError(
            f"${BUSY_TIMEOUT_ENV_VAR}: {text.strip()!r} is not a number of seconds "
            f"from 0 to {MAX_BUSY_TIMEOUT}"
        )
    return seconds


#: The longest busy timeout accepted (an hour): a wait is always bounded.
MAX_BUSY_TIMEOUT = 3600
