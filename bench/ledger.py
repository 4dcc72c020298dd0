"""What one request costs the throughput ledger: round trips and CPU of a take and a return.

    .venv/bin/python -m bench.ledger                  # SQLite and PostgreSQL
    .venv/bin/python -m bench.ledger --db sqlite --requests 2000

One run of a channel on a fresh store takes a slot (:meth:`StoreCap.take_slot`)
and returns it (:meth:`StoreCap.return_slot`) ``--requests`` times, as a
session does for each request it sends, at High (the ledger keeps the last 120
starts; the bench books them and sleeps for none). Round trips are counted on
the engine: every statement the driver sends (``before_cursor_execute``;
SQLite's ``BEGIN IMMEDIATE`` is one), every transaction ended (``commit``,
``rollback``), and on PostgreSQL every transaction begun (psycopg sends
``BEGIN`` by itself) and every connection checked out of the pool (its
pre-ping). CPU is this process's, per take and return.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, event

from bench.shared_cap import new_stores
from techoms_core.context import ChannelConfig
from techoms_core.store import StoreHost
from techoms_core.store.engine import ONE_STATEMENT
from techoms_core.store.secret_key import KEY_FILE_ENV_VAR
from techoms_core.throughput import HIGH

CHANNEL = "ledger"


@contextmanager
def counted(host: StoreHost, counts: Counter) -> Iterator[None]:
    """``counts`` the round trips of ``host``'s engine while the block runs."""
    engine = host._engine
    postgresql = engine.dialect.name == "postgresql"
    pinged = postgresql and engine.pool._pre_ping

    def statement(*_args: object) -> None:
        counts["statements"] += 1

    def transaction(connection: Connection, *_args: object) -> None:
        # A statement that is its own transaction sends no BEGIN nor COMMIT.
        counts["transaction"] += not connection.get_execution_options().get(ONE_STATEMENT)

    def checkout(*_args: object) -> None:
        counts["pings"] += pinged

    listeners = [(engine, "begin", transaction)] if postgresql else []
    listeners += [
        (engine, "before_cursor_execute", statement),
        (engine, "commit", transaction),
        (engine, "rollback", transaction),
        (engine.pool, "checkout", checkout),
    ]
    for target, name, listener in listeners:
        event.listen(target, name, listener)
    try:
        yield
    finally:
        for target, name, listener in listeners:
            event.remove(target, name, listener)


def trips(counts: Counter, calls: int) -> dict[str, float]:
    """Round trips per call."""
    return {key: value / calls for key, value in counts.items()}


def measure(target: str | Path, requests: int) -> dict[str, object]:
    """Take and return ``requests`` slots of one run on the store ``target``."""
    with StoreHost(target) as host:
        host.add_channel(ChannelConfig(name=CHANNEL, plugin="leanafy", settings={}))
        cap = host.shared_cap(CHANNEL, HIGH)
        cap.take_slot(), cap.return_slot()  # the channel's row and the run's lease exist
        take, give = Counter(), Counter()
        cpu = []
        for _ in range(requests):
            started = time.process_time()
            with counted(host, take):
                cap.take_slot()
            with counted(host, give):
                cap.return_slot()
            cpu.append(time.process_time() - started)
        cap.close()
    per_take, per_return = trips(take, requests), trips(give, requests)
    return {
        "take": sum(per_take.values()),
        "return": sum(per_return.values()),
        "take_detail": per_take,
        "return_detail": per_return,
        "cpu_ms": 1000 * sum(cpu) / requests,
        "cpu_ms_median_of_100": 1000
        * statistics.median(sum(cpu[i : i + 100]) / 100 for i in range(0, requests - 99, 100)),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--requests", type=int, default=1000, help="takes and returns (1000)")
    args = parser.parse_args(argv)
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    print(
        "| store | round trips (SQLite: statements) per take | per return"
        " | CPU per request, ms (mean, median of 100s) |"
    )
    print("|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="techoms-ledger-") as workdir:
        os.environ.setdefault(KEY_FILE_ENV_VAR, str(Path(workdir) / "secret.key"))
        for kind in kinds:
            with new_stores(kind, Path(workdir)) as new_store:
                row = measure(new_store(), args.requests)
            print(
                f"| {kind} | {row['take']:g} | {row['return']:g} |"
                f" {row['cpu_ms']:.3f}, {row['cpu_ms_median_of_100']:.3f} |"
                f"  <!-- {row['take_detail']} / {row['return_detail']} -->",
                flush=True,
            )


if __name__ == "__main__":
    main()
