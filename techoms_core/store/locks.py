"""Run locks that survive a crashed holder.

A lock is a row naming its holder (pid, host, a token per acquisition) and an
expiry the holder keeps pushing forward. Taking it is one write transaction, so
two processes never both get it. A holder that died is noticed either because
its pid is gone on this host (at once) or because it stopped renewing
(after the expiry, from any host).
"""

from __future__ import annotations

import datetime as dt
import os
import socket
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from techoms_core.host import LockHolder, RunLocked, RunStatus
from techoms_core.store import schema
from techoms_core.store.database import Database


def process_alive(pid: int) -> bool:
    """Whether ``pid`` is a live (not zombie) process on this host."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


class LockStore(Database):
    """The ``locks`` table."""

    def acquire_lock(self, name: str, holder: LockHolder, ttl: dt.timedelta) -> None:
        now = self._now()
        with self._write() as connection:
            row = _lock_row(connection, name)
            if row is not None and row.token != holder.token:
                if _alive(row, now):
                    raise RunLocked(name, _holder(row), row.expires_at)
                _interrupt_runs_of(connection, row.token, now)
                connection.execute(delete(schema.locks).where(schema.locks.c.name == name))
                row = None
            if row is None:
                connection.execute(
                    insert(schema.locks).values(
                        name=name,
                        pid=holder.pid,
                        hostname=holder.hostname,
                        token=holder.token,
                        acquired_at=now,
                        expires_at=now + ttl,
                    )
                )
            else:
                _extend(connection, name, now + ttl)

    def refresh_lock(self, name: str, holder: LockHolder, ttl: dt.timedelta) -> None:
        now = self._now()
        with self._write() as connection:
            row = _lock_row(connection, name)
            if row is None or row.token != holder.token:
                raise RunLocked(
                    name, _holder(row) if row else holder, row.expires_at if row else now
                )
            _extend(connection, name, now + ttl)

    def release_lock(self, name: str, holder: LockHolder) -> None:
        with self._write() as connection:
            connection.execute(
                delete(schema.locks).where(
                    schema.locks.c.name == name, schema.locks.c.token == holder.token
                )
            )


def _lock_row(connection: Connection, name: str) -> Any:
    return connection.execute(select(schema.locks).where(schema.locks.c.name == name)).first()


def _holder(row: Any) -> LockHolder:
    return LockHolder(pid=row.pid, hostname=row.hostname, token=row.token)


def _alive(row: Any, now: dt.datetime) -> bool:
    if row.expires_at <= now:
        return False
    if row.hostname == socket.gethostname():
        return process_alive(row.pid)
    return True


def _extend(connection: Connection, name: str, expires_at: dt.datetime) -> None:
    connection.execute(
        update(schema.locks).where(schema.locks.c.name == name).values(expires_at=expires_at)
    )


def _interrupt_runs_of(connection: Connection, token: str, now: dt.datetime) -> None:
    """Close the runs a dead holder left open: the log must not show them running."""
    connection.execute(
        update(schema.runs)
        .where(schema.runs.c.lock_token == token, schema.runs.c.status == RunStatus.RUNNING.value)
        .values(
            status=RunStatus.INTERRUPTED.value,
            finished_at=now,
            message="the process running it stopped (killed or crashed); "
            "its committed results stay and the next run resumes",
        )
    )
