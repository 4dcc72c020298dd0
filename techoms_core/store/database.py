"""What every part of the store host shares: the engine, transactions, the clock,
and reading rows for many keys."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, select
from sqlalchemy.exc import OperationalError

from techoms_core.host import UnknownChannel
from techoms_core.store import schema
from techoms_core.store.engine import ONE_STATEMENT, READ_ONLY, ROW_LOCKED
from techoms_core.store.problems import DatabaseBusy

Clock = Callable[[], dt.datetime]

#: Keys per ``IN (...)`` query, well under every database's parameter limit.
KEYS_PER_QUERY = 500


def rows_for_keys(
    connection: Connection, query: Any, keys: Sequence[str], *, param: str, **params: Any
) -> Iterator[Any]:
    """The rows of ``query`` for every key, run :data:`KEYS_PER_QUERY` keys at a
    time through its expanding bind parameter ``param`` (``params`` bind the rest)."""
    for start in range(0, len(keys), KEYS_PER_QUERY):
        chunk = keys[start : start + KEYS_PER_QUERY]
        yield from connection.execute(query, {**params, param: chunk})


def is_busy(error: OperationalError) -> bool:
    """Whether the database gave up waiting for another connection's lock
    (SQLite's busy timeout, PostgreSQL's ``lock_timeout``)."""
    text = str(error.orig).lower()
    return any(busy in text for busy in ("database is locked", "database is busy", "lock timeout"))


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Database:
    """The engine and the two kinds of transaction the host uses.

    ``_write()`` is ONE transaction that takes the database's write lock at once
    (SQLite's ``BEGIN IMMEDIATE``, PostgreSQL's advisory lock: see
    :mod:`techoms_core.store.engine`); ``_read()`` a read-only snapshot that never
    blocks writers.
    """

    _engine: Engine
    _clock: Clock
    path: Any
    _busy_timeout: float
    _label: str

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with self._busy_is_named(), self._engine.begin() as connection:
            yield connection

    @contextmanager
    def _row_write(self) -> Iterator[Connection]:
        """ONE write transaction that, on PostgreSQL, takes no database-wide
        lock: it must lock what it reads in order to change it
        (``SELECT ... FOR UPDATE``). On SQLite it is :meth:`_write`."""
        with self._busy_is_named(), self._engine_with(ROW_LOCKED).begin() as connection:
            yield connection

    @contextmanager
    def _one_statement(self) -> Iterator[Connection]:
        """A connection for ONE write statement that is its own transaction
        (autocommit): no ``BEGIN`` or ``COMMIT`` to send, and no lock held but
        that of the rows it changes, for the statement alone."""
        with self._busy_is_named(), self._engine_with(ONE_STATEMENT).begin() as connection:
            yield connection

    def _engine_with(self, option: str) -> Engine:
        """The engine with the execution ``option`` set (made once)."""
        engine = self.__dict__.get(option)
        if engine is None:
            options: dict[str, Any] = {option: True}
            if option == ONE_STATEMENT and self._engine.dialect.name == "postgresql":
                # SQLite's driver already runs outside a transaction unless told.
                options["isolation_level"] = "AUTOCOMMIT"
            engine = self.__dict__[option] = self._engine.execution_options(**options)
        return engine

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self._busy_is_named():
            connection = self._engine.connect().execution_options(**{READ_ONLY: True})
            with connection, connection.begin():
                yield connection

    @contextmanager
    def _busy_is_named(self) -> Iterator[None]:
        """A lock not had within the busy timeout, as :class:`DatabaseBusy`."""
        try:
            yield
        except OperationalError as error:
            if is_busy(error):
                raise DatabaseBusy(self._label, self._busy_timeout) from None
            raise

    def _now(self) -> dt.datetime:
        return self._clock()

    @staticmethod
    def _require_channel(connection: Connection, name: str) -> None:
        found = connection.execute(
            select(schema.channels.c.name).where(schema.channels.c.name == name)
        ).first()
        if found is None:
            raise UnknownChannel(name)
