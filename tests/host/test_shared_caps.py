"""Each channel's throughput cap as the store shares it between runs, on SQLite
and on PostgreSQL: slots, booked starts, and what a run that died leaves.

Every ``shared_cap`` below stands for one run; two of them on one channel are
two runs that a worker, a ``techoms sync`` and a ``techoms jobs run`` could be
doing at the same time.
"""

from __future__ import annotations

import itertools
import logging
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import insert, text

from techoms_core.http import SharedThroughputLimiter, build_session
from techoms_core.store import StoreHost, schema
from techoms_core.store.caps import LEASE_SECONDS
from techoms_core.store.engine import WRITE_LOCK_KEY
from techoms_core.store.problems import DatabaseBusy
from techoms_core.throughput import ThroughputProfile
from tests.core.http_server import Answer, ScriptedServer
from tests.host import samples
from tests.stores import raw_transaction

ROOT = Path(__file__).resolve().parents[2]
TWO = ThroughputProfile("two", "Two", max_concurrency=2, requests_per_second=1000)
FIVE_PER_SECOND = ThroughputProfile("five", "Five", max_concurrency=50, requests_per_second=5)
EVERY_FIVE_SECONDS = ThroughputProfile("slow", "Slow", max_concurrency=50, requests_per_second=0.2)


def test_a_channel_s_slots_are_shared_by_all_its_runs(wms):
    first, second = wms.shared_cap("wms", TWO), wms.shared_cap("wms", TWO)

    assert first.take_slot() is not None
    assert second.take_slot() is not None
    assert first.take_slot() is None
    assert second.take_slot() is None

    second.return_slot()
    assert first.take_slot() is not None
    assert second.take_slot() is None


def test_channels_have_caps_of_their_own(wms):
    wms.add_channel(samples.channel(name="other", warehouse="EAST"))
    for _ in range(TWO.max_concurrency):
        assert wms.shared_cap("wms", TWO).take_slot() is not None

    assert wms.shared_cap("other", TWO).take_slot() is not None


def test_the_starts_of_all_runs_are_booked_on_one_schedule(wms, db_target):
    """Five takes in a row, from two runs, of a channel allowed one start every
    five seconds: each is booked five seconds after the one before, whichever
    run took it, and each waits about that much longer."""
    runs = [wms.shared_cap("wms", EVERY_FIVE_SECONDS), wms.shared_cap("wms", EVERY_FIVE_SECONDS)]
    waits, booked = [], []
    for turn in range(5):
        waits.append(runs[turn % 2].take_slot())
        booked.append(last_booked_start(db_target))

    assert [later - earlier for earlier, later in itertools.pairwise(booked)] == [
        pytest.approx(5.0)
    ] * 4
    assert waits[0] == pytest.approx(0.0, abs=0.001)
    # Later takes wait five seconds more, less the time the take before took.
    assert all(4 < later - earlier <= 5 for earlier, later in itertools.pairwise(waits)), waits


def last_booked_start(db_target) -> float:
    with raw_transaction(db_target) as connection:
        starts = connection.execute(text("SELECT recent_starts FROM throughput_caps")).scalar_one()
    return float(starts.split()[-1])


def test_closing_a_run_gives_its_slots_back(wms):
    run = wms.shared_cap("wms", TWO)
    run.take_slot()
    run.take_slot()
    assert wms.shared_cap("wms", TWO).take_slot() is None

    run.close()

    assert wms.shared_cap("wms", TWO).take_slot() is not None


def test_the_slots_of_a_killed_process_are_free_at_once(wms, db_target):
    """A run on this machine whose process is gone holds nothing, lease or not."""
    taker = subprocess.Popen(
        [sys.executable, "-c", TAKER, str(db_target), "wms"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert taker.stdout.readline().strip() == "taken"
        assert wms.shared_cap("wms", TWO).take_slot() is None
    finally:
        taker.send_signal(signal.SIGKILL)
        taker.wait()

    assert wms.shared_cap("wms", TWO).take_slot() is not None


#: A process that takes both slots of the channel and never gives them back.
TAKER = """
import sys, threading
from techoms_core.store import StoreHost
from techoms_core.throughput import ThroughputProfile
host = StoreHost(sys.argv[1])
run = host.shared_cap(sys.argv[2], ThroughputProfile("two", "Two", 2, 1000))
run.take_slot(); run.take_slot()
print("taken", flush=True)
threading.Event().wait()
"""


@pytest.mark.parametrize(("lease_left", "free"), [(60.0, False), (-1.0, True)])
def test_a_run_on_another_machine_holds_its_slots_until_its_lease_lapses(
    wms, db_target, lease_left, free
):
    """Another machine's process cannot be asked whether it lives: its slots
    count until its lease, renewed with every take and return, runs out."""
    with raw_transaction(db_target) as connection:
        connection.execute(
            insert(schema.throughput_leases).values(
                channel="wms",
                token="elsewhere-run",
                pid=1,
                hostname="another-machine.example",
                in_flight=2,
                expires_at=time.time() + lease_left,
            )
        )

    taken = wms.shared_cap("wms", TWO).take_slot()

    assert (taken is not None) is free


def test_a_lease_outlasts_the_longest_request():
    from techoms_core.http.limits import DEADLINE_SECONDS

    assert LEASE_SECONDS > DEADLINE_SECONDS


def test_deleting_the_channel_deletes_its_cap(wms, db_target):
    run = wms.shared_cap("wms", TWO)
    run.take_slot()

    wms.delete_channel("wms")

    with raw_transaction(db_target) as connection:
        for table in ("throughput_caps", "throughput_leases"):
            assert connection.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 0


@pytest.mark.postgresql
def test_on_postgresql_a_take_does_not_queue_behind_the_store_s_writers(pg_url):
    """The store's writes queue on one advisory lock; the cap's rows are locked
    on their own, so a long store write does not hold every channel's requests."""
    with StoreHost(pg_url, busy_timeout=2) as host:
        host.add_channel(samples.channel())
        with raw_transaction(pg_url) as writer:
            writer.execute(text(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})"))
            with pytest.raises(DatabaseBusy):
                host.add_channel(samples.channel(name="blocked", warehouse="EAST"))
            assert host.shared_cap("wms", TWO).take_slot() is not None


@pytest.mark.postgresql
def test_on_postgresql_a_return_held_up_by_a_lock_says_the_database_is_busy(pg_url):
    """A return is one statement outside any transaction; another connection
    holding the run's lease row makes it wait the busy timeout (the lock timeout
    every connection of the store is opened with), then give up as busy."""
    with StoreHost(pg_url, busy_timeout=0.5) as host:
        host.add_channel(samples.channel())
        run = host.shared_cap("wms", TWO)
        assert run.take_slot() is not None
        # The holder's server ends its session after 5 s: a return that waited
        # for the lock past its timeout would then go through.
        holder = psycopg.connect(pg_url.replace("postgresql+psycopg://", "postgresql://"))
        try:
            holder.execute("SET idle_in_transaction_session_timeout = 5000")
            holder.execute("SELECT * FROM throughput_leases FOR UPDATE")
            with pytest.raises(DatabaseBusy):
                run.return_slot()
        finally:
            holder.close()
        run.return_slot()
        assert host.shared_cap("wms", TWO).take_slot() is not None


def test_two_sessions_of_one_channel_keep_to_its_cap_together(wms):
    """Two runs of the channel in one process, each with a session drawing on
    the channel's shared cap: the server never has more than the cap at once,
    nor more starts within a second than its rate (and the slot a request
    holds until its start, at most the concurrency, may arrive late)."""
    profile = ThroughputProfile("pair", "Pair", max_concurrency=2, requests_per_second=20)
    server = ScriptedServer().start()
    server.default = Answer(delay=0.02)
    sessions = [
        build_session(
            profile=profile,
            secrets=[],
            logger=logging.getLogger("techoms.test.caps"),
            base_url=server.url("/v1"),
            shared_cap=wms.shared_cap("wms", profile),
        )
        for _ in range(2)
    ]
    try:
        assert all(isinstance(s.limiter, SharedThroughputLimiter) for s in sessions)
        threads = [
            threading.Thread(target=lambda s=session: [s.get("items") for _ in range(6)])
            for session in sessions
            for _ in range(3)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        for session in sessions:
            session.close()
        server.stop()

    assert len(server.received()) == 36
    assert server.max_in_flight <= profile.max_concurrency
    assert server.max_started_within(1.0) <= 20 + profile.max_concurrency


def test_a_request_s_answer_stands_when_its_slot_cannot_be_returned(tmp_path, caplog):
    """The ledger is busy when a request ends (another writer holds the SQLite
    file past the busy timeout): the answer is still the caller's, the slot
    stays counted until the run closes, and a warning says so."""
    db = tmp_path / "busy.db"
    profile = ThroughputProfile("one", "One", max_concurrency=1, requests_per_second=50)
    server = ScriptedServer().start()
    server.default = Answer(delay=0.5)
    with StoreHost(db, busy_timeout=0.1) as host:
        host.add_channel(samples.channel())
        session = build_session(
            profile=profile,
            secrets=[],
            logger=logging.getLogger("techoms.test.caps"),
            base_url=server.url("/v1"),
            shared_cap=host.shared_cap("wms", profile),
        )
        answers = []
        request = threading.Thread(target=lambda: answers.append(session.get("items")))
        request.start()
        blocker = sqlite3.connect(db, isolation_level=None)
        try:
            while not server.received():
                time.sleep(0.01)
            blocker.execute("BEGIN IMMEDIATE")
            request.join(timeout=30)
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
        assert host.shared_cap("wms", profile).take_slot() is None
        session.close()
        assert host.shared_cap("wms", profile).take_slot() is not None
    server.stop()

    assert [answer.status_code for answer in answers] == [200]
    assert "could not return a request slot" in caplog.text


def test_an_idle_channel_may_start_a_second_s_worth_at_once_and_no_more(wms):
    """The rule of the in-process limiter: five a second admits five starts at
    once, and the sixth a second after the first, whichever run asks."""
    runs = [wms.shared_cap("wms", FIVE_PER_SECOND), wms.shared_cap("wms", FIVE_PER_SECOND)]

    waits = [runs[turn % 2].take_slot() for turn in range(7)]

    assert all(wait <= 0.5 for wait in waits[:5]), waits
    assert all(wait > 0.5 for wait in waits[5:]), waits
