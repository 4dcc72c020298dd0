"""A throwaway PostgreSQL server for tests and benchmarks: :class:`ThrowawayCluster`.

The cluster is made with ``initdb`` in a fresh directory under the system
temporary directory, started with ``pg_ctl`` on a free loopback port (and a
unix socket in that directory), and removed entirely by :meth:`stop`. Under
root it runs as the ``postgres`` user through ``runuser``: PostgreSQL refuses
to run as root, and that user cannot read a checkout under root's home, hence
the system temporary directory. Durability is switched off (``fsync``,
``synchronous_commit``, ``full_page_writes``): the data dies with the cluster.

The server binaries are found through ``$TECHOMS_PG_BIN``, else ``initdb`` on
``PATH``, else the newest ``/usr/lib/postgresql/<version>/bin`` (Debian).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

#: Names the directory holding ``initdb`` and ``pg_ctl``.
PG_BIN_ENV_VAR = "TECHOMS_PG_BIN"
#: The superuser of a throwaway cluster (trusted on loopback, no password).
SUPERUSER = "postgres"


class ClusterUnavailable(RuntimeError):
    """PostgreSQL's server binaries are not installed, or the server did not start."""


def server_bin_dir() -> Path:
    """The directory of ``initdb`` and ``pg_ctl``."""
    named = os.environ.get(PG_BIN_ENV_VAR)
    if named:
        return Path(named)
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).parent
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda path: int(Path(path).parts[-3]) if Path(path).parts[-3].isdigit() else 0,
    )
    if not found:
        raise ClusterUnavailable(
            "PostgreSQL's server is not installed (no initdb): apt-get install postgresql, "
            f"or name its bin directory in ${PG_BIN_ENV_VAR}"
        )
    return Path(found[-1]).parent


class ThrowawayCluster:
    """One PostgreSQL server in a temporary directory, for one test session.

    ``start()`` makes and starts it; :meth:`url` names a database in it;
    :meth:`create_database` makes a new one (optionally from a template);
    ``stop()`` stops it and deletes everything. A context manager too.
    """

    def __init__(self) -> None:
        self.bin = server_bin_dir()
        self.port = 0
        self.directory: Path | None = None

    @property
    def _as_root(self) -> bool:
        return os.geteuid() == 0

    def _run(self, *args: str) -> None:
        command = [str(self.bin / args[0]), *args[1:]]
        if self._as_root:
            command = ["runuser", "-u", SUPERUSER, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise ClusterUnavailable(f"{args[0]} failed ({done.returncode}): {done.stderr.strip()}")

    def start(self) -> ThrowawayCluster:
        self.directory = Path(tempfile.mkdtemp(prefix="techoms-pg-"))
        data = self.directory / "data"
        if self._as_root:
            shutil.chown(self.directory, user=SUPERUSER)
        self._run("initdb", "-D", str(data), "-U", SUPERUSER, "-A", "trust", "-E", "UTF8",
                  "--no-sync", "--no-instructions")  # fmt: skip
        self.port = _free_port()
        settings = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port} "
            f"-c unix_socket_directories={self.directory} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=200"
        )
        try:
            self._run("pg_ctl", "-D", str(data), "-o", settings, "-l",
                      str(self.directory / "server.log"), "-w", "-t", "60", "start")  # fmt: skip
        except ClusterUnavailable:
            log = self.directory / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            self._remove()
            raise ClusterUnavailable(f"the throwaway PostgreSQL did not start:\n{tail}") from None
        return self

    def url(self, database: str = SUPERUSER) -> str:
        """The SQLAlchemy URL of ``database`` in this cluster."""
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def conninfo(self, database: str = SUPERUSER) -> str:
        """The libpq connection string of ``database`` (psycopg, Procrastinate)."""
        return f"host=127.0.0.1 port={self.port} user={SUPERUSER} dbname={database}"

    def execute(self, sql: str, database: str = SUPERUSER) -> None:
        """Run one statement outside a transaction (``CREATE DATABASE`` needs that)."""
        import psycopg

        with psycopg.connect(self.conninfo(database), autocommit=True) as connection:
            connection.execute(sql)

    def create_database(self, name: str | None = None, *, template: str | None = None) -> str:
        """Make a new database (a unique name unless given) and return its name."""
        name = name or f"t_{uuid.uuid4().hex[:16]}"
        copy = f" TEMPLATE {template}" if template else ""
        self.execute(f"CREATE DATABASE {name}{copy}")
        return name

    def stop(self) -> None:
        if self.directory is None:
            return
        try:
            self._run("pg_ctl", "-D", str(self.directory / "data"), "-m", "immediate",
                      "-w", "stop")  # fmt: skip
        finally:
            self._remove()

    def _remove(self) -> None:
        if self.directory is not None:
            shutil.rmtree(self.directory, ignore_errors=True)
            self.directory = None

    def __enter__(self) -> ThrowawayCluster:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
