"""The reference host: :class:`StoreHost`, on SQLite or PostgreSQL."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.engine import make_url

from techoms_core.private_files import Tightened
from techoms_core.store.browse import RecordBrowser
from techoms_core.store.caps import CapStore
from techoms_core.store.channel_saves import ChannelSaves
from techoms_core.store.database import Clock, utc_now
from techoms_core.store.engine import holds_no_schema, is_url, migrate, open_engine
from techoms_core.store.health_checks import HealthCheckStore
from techoms_core.store.locks import LockStore
from techoms_core.store.mapping_edits import MappingEdits
from techoms_core.store.mapping_rows import MappingStore
from techoms_core.store.paths import create_private_file, default_db_target, tighten_store_files
from techoms_core.store.problems import BUSY_TIMEOUT_ENV_VAR, NoStore, StoreError
from techoms_core.store.receives import ReceiveStore
from techoms_core.store.records import RecordStore
from techoms_core.store.reviews import ReviewStore
from techoms_core.store.runlog import RunLogStore
from techoms_core.store.schedule import JobStore
from techoms_core.store.secret_key import SecretKeys
from techoms_core.store.sends import SendStore
from techoms_core.store.views import RecordViews


class StoreHost(
    ChannelSaves,
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
    HealthCheckStore,
    CapStore,
):
    """The reference techOMS host; implements :class:`techoms_core.host.Host`.

    ``StoreHost(target)`` opens the database ``target``: a SQLite file path
    (the file is created if needed) or a ``postgresql+psycopg://`` URL (the
    database must exist), and brings its schema up to date with the Alembic
    migrations. ``create=False`` opens only a techOMS database that exists
    (a missing file, or a database without the schema, is
    :class:`~techoms_core.store.problems.NoStore`): what every read uses.
    Each part of the host lives in its own module: account and channels
    (``channels``; a channel page's Save in one transaction:
    ``channel_saves``), mappings (``mapping_rows``), loading records
    (``records``), display (``views``), sends, receives and snapshots, the
    review queue (``reviews``), the run log, locks and jobs (``schedule``),
    each channel's last health check (``health_checks``), each channel's
    throughput cap shared by its runs (``caps``), and the console's paged
    reads (``browse``) and mapping row edits (``mapping_edits``).

    A new SQLite file is created readable by its owner only (0600; SQLite
    gives its WAL and shared-memory files the same mode). An existing one
    open to other users (made by an older version, or copied in) is made
    private when opened, with its ``-wal`` and ``-shm`` files and the default
    directory (0700) when it is in it; :attr:`tightened` lists what changed. Literal secrets in
    channel settings are encrypted with ``secret_keys``, by default the key of
    ``$TECHOMS_SECRET_KEY`` or the key file
    (:mod:`techoms_core.store.secret_key`).

    ``busy_timeout`` is how long a write waits for another writer (seconds).
    ``pool_size``: PostgreSQL connections kept open (one per thread that uses
    the host at once; more are opened when needed).
    ``clock`` returns the current aware UTC time; tests inject one. Use the
    host as a context manager, or call :meth:`close`.
    """

    def __init__(
        self,
        target: str | Path,
        *,
        busy_timeout: float = 30.0,
        clock: Clock | None = None,
        secret_keys: SecretKeys | None = None,
        pool_size: int = 5,
        create: bool = True,
    ) -> None:
        self._clock = clock or utc_now
        self._keys = secret_keys or SecretKeys.from_environment()
        self._busy_timeout = busy_timeout
        self._engine = open_engine(target, busy_timeout=busy_timeout, pool_size=pool_size)
        #: The SQLite file, or ``None`` on PostgreSQL.
        self.path: Path | None = None
        #: The files (and directory) this open made private: they were open to
        #: other users. Say so; the next open finds them private.
        self.tightened: tuple[Tightened, ...] = ()
        self._label = self._engine.url.render_as_string(hide_password=True)
        if self._engine.dialect.name == "sqlite":
            self.path = Path(self._engine.url.database)
            self._label = str(self.path)
            if create:
                create_private_file(self.path)
            elif not self.path.exists() or self.path.stat().st_size == 0:
                # Connecting would create it (or, empty, make it a WAL database).
                self._engine.dispose()
                raise NoStore(self.path, missing_file=not self.path.exists())
            elif holds_no_schema(self.path):
                self._engine.dispose()
                raise NoStore(self.path, missing_file=False)
            self.tightened = tighten_store_files(self.path)
        try:
            with self._busy_is_named():
                migrate(self._engine, create=create, label=self._label)
        except Exception:
            self._engine.dispose()
            raise

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self._engine.dialect.name

    def close(self) -> None:
        """Release the database connections (SQLite checkpoints its WAL)."""
        self._engine.dispose()

    def __enter__(self) -> StoreHost:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._label!r}>"


#: The embedded default's name: a :class:`StoreHost` on a SQLite file.
SqliteHost = StoreHost


def open_host(target: str | Path | None = None, **options) -> StoreHost:
    """Open the host database ``target`` (a SQLite path or a PostgreSQL URL),
    else ``$TECHOMS_DB``, else the default file in the user's data directory.
    A SQLite file's directory is created (0700) unless ``create=False`` is
    given (then the database must exist). ``$TECHOMS_BUSY_TIMEOUT`` (seconds)
    sets the busy timeout unless given."""
    if target is None:
        target = default_db_target()
    if "busy_timeout" not in options and os.environ.get(BUSY_TIMEOUT_ENV_VAR, "").strip():
        options["busy_timeout"] = _busy_timeout(os.environ[BUSY_TIMEOUT_ENV_VAR])
    if is_url(target):
        make_url(str(target))  # a malformed URL fails here, naming no password
        return StoreHost(target, **options)
    chosen = Path(target).expanduser()
    if options.get("create", True):
        chosen.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    return StoreHost(chosen, **options)


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
