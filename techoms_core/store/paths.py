"""Where the reference host keeps its database: a SQLite file or a PostgreSQL URL."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import platformdirs

from techoms_core.private_files import Tightened, tighten_all

#: The environment variable that names the database (a file path or a URL).
DB_ENV_VAR = "TECHOMS_DB"
APP_NAME = "techoms"
DB_FILE_NAME = "techoms.db"


def default_db_path(environ: Mapping[str, str] | None = None) -> Path:
    """``$TECHOMS_DB`` when set, else ``techoms.db`` in the user's data directory
    (e.g. ``~/.local/share/techoms/`` on Linux). The directory is not created here."""
    env = os.environ if environ is None else environ
    named = env.get(DB_ENV_VAR, "").strip()
    if named:
        return Path(named).expanduser()
    return default_directory() / DB_FILE_NAME


def default_directory() -> Path:
    """The user data directory techOMS keeps its default database in: its
    own, so it is kept private (0700) like the database."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def tighten_store_files(path: Path) -> tuple[Tightened, ...]:
    """Make the SQLite file ``path``, its ``-wal`` and ``-shm`` files, and the
    default directory when it holds them, private where an older version (or
    a copy) left them open to other users; what was changed."""
    files = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
    if path.parent.resolve() == default_directory().resolve():
        files.append(path.parent)
    return tighten_all(files)


def create_private_file(path: Path) -> None:
    """Create ``path`` empty with mode 0600 if it does not exist (an existing
    file keeps its mode). SQLite then opens it as a new database."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except (FileExistsError, FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return  # there already, or SQLite names the missing directory itself
    os.close(descriptor)


def default_db_target(environ: Mapping[str, str] | None = None) -> str | Path:
    """``$TECHOMS_DB`` as given when it is a database URL (``postgresql+psycopg://...``),
    else :func:`default_db_path`."""
    env = os.environ if environ is None else environ
    named = env.get(DB_ENV_VAR, "").strip()
    if "://" in named:
        return named
    return default_db_path(env)
