"""What every part of the SQLite host shares: the engine, transactions, the clock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, select

from techoms_core.host import UnknownChannel
from techoms_core.store import schema

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Database:
    """The engine and the two kinds of transaction the host uses.

    ``_write()`` is ONE transaction that takes SQLite's write lock at once
    (``BEGIN IMMEDIATE``); ``_read()`` a read-only one that never blocks writers.
    """

    _engine: Engine
    _clock: Clock

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with self._engine.begin() as connection:
            yield connection

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        connection = self._engine.connect().execution_options(sqlite_read=True)
        with connection, connection.begin():
            yield connection

    def _now(self) -> dt.datetime:
        return self._clock()

    @staticmethod
    def _require_channel(connection: Connection, name: str) -> None:
        found = connection.execute(
            select(schema.channels.c.name).where(schema.channels.c.name == name)
        ).first()
        if found is None:
            raise UnknownChannel(name)
