"""Each channel's throughput cap, held for all its runs together in the database.

Every process using the store (``techoms sync``, ``techoms jobs run``, ``techoms
worker`` on any machine) draws a channel's requests from two tables:

* ``throughput_caps``: one row per channel, the starts booked last (as many
  as the rate's longest window holds). A take books the next start the rate
  allows (:func:`~techoms_core.http.shared_limiter.book_start`, the rule of the
  in-process limiter: no second holds more than the profile's requests per
  second) and appends it, so the starts of all runs keep to one schedule.
* ``throughput_leases``: one row per run, how many requests it has in flight.
  A slot is taken only while the live runs' sum is below ``max_concurrency``.
  A run renews its row with every take and return; a row counts no more once
  its process is gone (at once on the same host) or once it has not been
  renewed for :data:`LEASE_SECONDS` (from any host), so a SIGKILLed worker
  holds its slots no longer than that.

Both steps of a take are one transaction that locks the channel's row: on
PostgreSQL a row lock (``SELECT ... FOR UPDATE``), not the store's database-wide
write lock, so channels never wait for one another nor for the store's
writers; on SQLite the file's one write lock, as every write. Times are the
database server's clock on PostgreSQL (machines' clocks may differ), this
machine's on SQLite (the only machine that can share the file).

A take and a return happen for every request a channel sends, so they are
plain SQL handed to the driver (:data:`STATEMENTS`): building and caching
SQLAlchemy expressions would cost more CPU than the database's work.
"""

from __future__ import annotations

import functools
import os
import re
import socket
import threading
import time
import uuid
from typing import Any

from sqlalchemy import Connection

from techoms_core.http.limiter import rates_for
from techoms_core.http.limits import DEADLINE_SECONDS
from techoms_core.http.shared_limiter import book_start
from techoms_core.store.database import Database
from techoms_core.store.locks import process_alive
from techoms_core.throughput import ThroughputProfile

#: How long a run's slots count without being renewed: more than the longest
#: request can last, so a live run's slot never lapses while it is on the wire.
LEASE_SECONDS = DEADLINE_SECONDS + 60.0

#: The ledger's statements, with ``:name`` parameters and ``{now}`` for the clock.
STATEMENTS = {
    # PostgreSQL only: SQLite's transaction has the file's write lock from its BEGIN.
    "lock": "SELECT 1 FROM throughput_caps WHERE channel = :channel FOR UPDATE",
    "make": "INSERT INTO throughput_caps (channel, recent_starts) VALUES (:channel, '')"
    " ON CONFLICT (channel) DO NOTHING",
    "ledger": "SELECT {now} AS now, c.recent_starts, l.token, l.pid, l.hostname, l.in_flight,"
    " l.expires_at FROM throughput_caps c LEFT JOIN throughput_leases l ON l.channel = c.channel"
    " WHERE c.channel = :channel",
    "book": "UPDATE throughput_caps SET recent_starts = :starts WHERE channel = :channel",
    "take": "INSERT INTO throughput_leases (channel, token, pid, hostname, in_flight, expires_at)"
    " VALUES (:channel, :token, :pid, :hostname, 1, :expires_at)"
    " ON CONFLICT (channel, token) DO UPDATE"
    " SET in_flight = throughput_leases.in_flight + 1, expires_at = excluded.expires_at",
    "return": "UPDATE throughput_leases SET in_flight = in_flight - 1,"
    " expires_at = {now} + :lease_seconds"
    " WHERE channel = :channel AND token = :token AND in_flight > 0",
    "drop": "DELETE FROM throughput_leases WHERE channel = :channel AND token = :token",
}
# PostgreSQL books the start and takes the slot in one statement.
STATEMENTS["book and take"] = f"WITH booked AS ({STATEMENTS['book']}) {STATEMENTS['take']}"


@functools.cache
def statements(dialect: str) -> dict[str, str]:
    """:data:`STATEMENTS` in ``dialect``'s SQL and its driver's parameter style."""
    if dialect == "postgresql":
        now = "CAST(EXTRACT(EPOCH FROM clock_timestamp()) AS DOUBLE PRECISION)"
    else:
        now = ":now"
    rendered = {key: sql.format(now=now) for key, sql in STATEMENTS.items()}
    if dialect == "postgresql":
        rendered = {key: re.sub(r":(\w+)", r"%(\1)s", sql) for key, sql in rendered.items()}
    return rendered


class CapStore(Database):
    """The host's :class:`~techoms_core.host.ThroughputRole`."""

    def shared_cap(self, channel: str, profile: ThroughputProfile) -> StoreCap:
        """``channel``'s cap for one run; see :class:`StoreCap`."""
        return StoreCap(self, channel, profile)


class StoreCap:
    """One run's share of its channel's cap (a
    :class:`~techoms_core.http.shared_limiter.SharedCap`), kept in the store."""

    def __init__(self, store: Database, channel: str, profile: ThroughputProfile) -> None:
        self._store = store
        self.channel = channel
        self.profile = profile
        self.token = uuid.uuid4().hex
        self._rates = rates_for(profile.requests_per_second)
        self._kept = max(rate.limit for rate in self._rates)
        self._full = False
        self._mine = {"channel": channel, "token": self.token}
        # One ledger transaction of this run at a time: threads of one process
        # that met at SQLite's write lock would wait in its busy handler's
        # sleeps (milliseconds each), where a lock here hands over at once.
        self._one_at_a_time = threading.Lock()

    def take_slot(self) -> float | None:
        """A slot and a booked start: seconds until it, or ``None`` if every slot is taken."""
        with self._one_at_a_time:
            if self._full and self._still_full():
                return None
            return self._take()

    def _take(self) -> float | None:
        with self._store._row_write() as connection:
            run = _Statements(connection)
            rows = self._locked_ledger(run)
            # Read once the lock is had: a wait for it is not "now".
            now, in_flight = self._in_flight(rows, run)
            self._full = in_flight >= self.profile.max_concurrency
            if self._full:
                return None
            recent = [float(start) for start in rows[0].recent_starts.split()]
            start = book_start(recent, now, self._rates)
            kept = [*recent[1 - self._kept :], start] if self._kept > 1 else [start]
            starts = " ".join(map(repr, kept))
            lease = {**self._mine, "pid": os.getpid(), "hostname": _HOSTNAME}
            lease["expires_at"] = now + LEASE_SECONDS
            if run.row_locks:
                run("book and take", starts=starts, **lease)
            else:
                run("book", channel=self.channel, starts=starts)
                run("take", **lease)
        return start - now

    def _still_full(self) -> bool:
        """Whether every slot is still taken, as a read that locks nothing: a
        run waiting for a slot asks this way, and holds up no other run's take."""
        with self._store._read() as connection:
            _, in_flight = self._in_flight(_Statements(connection)("ledger", channel=self.channel))
        self._full = in_flight >= self.profile.max_concurrency
        return self._full

    def return_slot(self) -> None:
        """One request of this run ended: its slot is free for the next take,
        of this run or another, which need not ask first whether one is."""
        self._full = False
        with self._one_at_a_time, self._store._one_statement() as connection:
            _Statements(connection)("return", **self._mine, lease_seconds=LEASE_SECONDS)

    def close(self) -> None:
        """The run is over: its row goes."""
        with self._one_at_a_time, self._store._one_statement() as connection:
            _Statements(connection)("drop", **self._mine)

    def _locked_ledger(self, run: _Statements) -> list[Any]:
        """The channel's ledger (see :meth:`_in_flight`; every row holds its
        recent starts), its row locked until the transaction ends (made, with
        no starts, if the channel has none yet)."""
        if not run.row_locks or run("lock", channel=self.channel).first() is not None:
            # On PostgreSQL read after the lock is had: a statement waiting
            # for it would see the leases as they were before the wait.
            rows = run("ledger", channel=self.channel).all()
            if rows:
                return rows
        # Another process may make it first; then wait for its lock.
        run("make", channel=self.channel)
        if run.row_locks:
            run("lock", channel=self.channel)
        return run("ledger", channel=self.channel).all()

    def _in_flight(self, rows: Any, run: _Statements | None = None) -> tuple[float, int]:
        """Now, and the requests in flight on the channel (of every run that
        still counts), from the ``ledger`` statement's ``rows`` (one per lease,
        or one without a lease). Given ``run``, the rows that no longer count go."""
        rows = list(rows)
        now = rows[0].now if rows else time.time()
        total = 0
        for row in rows:
            if row.token is None:
                continue
            if row.token != self.token and not _counts(row, now):
                if run is not None:
                    run("drop", channel=self.channel, token=row.token)
                continue
            total += row.in_flight
        return now, total

    def __repr__(self) -> str:
        return f"<StoreCap {self.channel!r} {self.profile.key!r}>"


class _Statements:
    """Runs :data:`STATEMENTS` on one connection, in its dialect."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.sql = statements(connection.dialect.name)
        #: Whether a transaction must lock the rows it changes (PostgreSQL);
        #: otherwise it has the whole file's write lock (SQLite).
        self.row_locks = connection.dialect.name == "postgresql"
        self.local_clock = not self.row_locks

    def __call__(self, key: str, **params: Any) -> Any:
        if self.local_clock:
            params["now"] = time.time()
        return self.connection.exec_driver_sql(self.sql[key], params)


_HOSTNAME = socket.gethostname()


def _counts(row: Any, now: float) -> bool:
    """Whether a run's row still counts: renewed in time, and its process alive
    (which only this host can tell of its own processes)."""
    if row.expires_at <= now:
        return False
    if row.hostname == _HOSTNAME:
        return process_alive(row.pid)
    return True
