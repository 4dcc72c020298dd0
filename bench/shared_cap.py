"""One channel's throughput cap held by 1, 2 and 3 processes syncing it at once.

    .venv/bin/python -m bench.shared_cap                       # SQLite and PostgreSQL
    .venv/bin/python -m bench.shared_cap --db sqlite --records 90 --rps 20 --concurrency 4

Each process is a ``techoms sync`` of another option of the same Leanafy channel
(export-products, send-shipments, send-receipts: one request per record), all
started together on one store. The sandbox runs in this process behind
:class:`ArrivalLog`, which notes when each API request reached the sandbox's
handler and when its handler was done, so the figures are the WMS's view:

* per process: its run's requests (as its run log counted them) over its run's
  seconds;
* combined: every request the sandbox got over the span from the first run's
  start to the last one's finish;
* peak: the most requests that reached the sandbox within any one second;
* in flight: the most requests the sandbox handled at once.

``tests/throughput/test_cap_across_processes.py`` runs the same harness and
asserts the bounds; docs/scale.md shows the figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench import records
from techoms_core.context import ChannelConfig
from techoms_core.store import StoreHost

REPOSITORY = Path(__file__).resolve().parents[1]
CHANNEL = "shared"
#: The options the processes sync, one each, in this order.
OPTIONS = ("export-products", "send-shipments", "send-receipts")
TECHOMS = [sys.executable, "-m", "techoms_core.cli"]
#: The table's columns.
HEADER = ("store", "processes", "per-process rps", "combined rps", "peak in 1 s",
          "most in flight", "cap")  # fmt: skip


class ArrivalLog:
    """A WSGI middleware noting, for every API request (``/v1/...``), when it
    reached the application and when the application was done with it
    (``time.monotonic()``). Both happen while the client holds the request's
    throughput slot, so the log can only understate the client's concurrency."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self._lock = threading.Lock()
        self.handled: list[tuple[float, float]] = []

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        if not environ.get("PATH_INFO", "").startswith("/v1/"):
            return self.app(environ, start_response)
        arrived = time.monotonic()
        try:
            return list(self.app(environ, start_response))
        finally:
            done = time.monotonic()
            with self._lock:
                self.handled.append((arrived, done))

    def clear(self) -> None:
        with self._lock:
            self.handled = []

    def arrivals(self) -> list[float]:
        with self._lock:
            return sorted(arrived for arrived, _ in self.handled)

    def peak_within(self, seconds: float) -> int:
        """The most requests that arrived within any window of ``seconds``."""
        times = self.arrivals()
        most, first = 0, 0
        for last, moment in enumerate(times):
            while moment - times[first] >= seconds:
                first += 1
            most = max(most, last - first + 1)
        return most

    def most_at_once(self) -> int:
        """The most requests the application was handling at the same moment."""
        with self._lock:
            events = [(arrived, 1) for arrived, _ in self.handled]
            events += [(done, -1) for _, done in self.handled]
        now = most = 0
        for _, change in sorted(events):  # an end before a start at the same instant
            now += change
            most = max(most, now)
        return most


@contextmanager
def logged_arrivals(server: Any) -> Iterator[ArrivalLog]:
    """An :class:`ArrivalLog` in front of a running sandbox server's application."""
    with server.middleware(ArrivalLog) as log:
        yield log


def prepare(
    host: StoreHost, sandbox: Any, *, count: int, concurrency: int, rps: int, processes: int
) -> list[str]:
    """The channel ``shared`` on ``sandbox`` with a custom cap, and ``count``
    records for each of the first ``processes`` options; those options."""
    sandbox.warehouse.generate_items(records.CATALOGUE_SIZE)
    settings = sandbox.channel_settings(
        throughput="custom", concurrent_requests=concurrency, requests_per_second=rps
    )
    config = ChannelConfig(
        name=CHANNEL, plugin="leanafy", settings=settings, warehouse=records.WAREHOUSE
    )
    host.add_channel(config)
    host.add_carrier_mappings(CHANNEL, [records.CARRIER])
    numbers = range(1, count + 1)
    host.load_products([records.product(n) for n in numbers])
    host.load_shipments([records.shipment(n) for n in numbers])
    host.load_receipts([records.receipt(n) for n in numbers])
    return list(OPTIONS[:processes])


def sync_together(db: str | Path, options: list[str]) -> list[dict[str, Any]]:
    """``techoms sync shared OPTION --json`` for every option, all at once; their summaries."""
    started = [
        subprocess.Popen(
            [*TECHOMS, "--db", str(db), "sync", CHANNEL, option, "--json"],
            cwd=REPOSITORY,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "COLUMNS": "200"},
        )
        for option in options
    ]
    summaries = []
    for process in started:
        out, err = process.communicate(timeout=300)
        if not out.strip():
            raise RuntimeError(f"techoms sync exited {process.returncode}:\n{err[-3000:]}")
        summaries.append(json.loads(out))
    return summaries


def run_spans(host: StoreHost) -> list[tuple[dt.datetime, dt.datetime, int]]:
    """(started, finished, requests) of every run of the channel in the log."""
    return [
        (run.started_at, run.finished_at, run.traffic.requests if run.traffic else 0)
        for run in host.runs(channel=CHANNEL)
        if run.finished_at is not None
    ]


def figures(spans: list[tuple[dt.datetime, dt.datetime, int]], log: ArrivalLog) -> dict[str, Any]:
    """Per-process and combined requests per second, the peak second and the most in flight."""
    first = min(start for start, _, _ in spans)
    last = max(finish for _, finish, _ in spans)
    return {
        "per_process_rps": [
            round(requests / max((finish - start).total_seconds(), 1e-3), 1)
            for start, finish, requests in spans
        ],
        "combined_rps": round(len(log.handled) / max((last - first).total_seconds(), 1e-3), 1),
        "peak_in_one_second": log.peak_within(1.0),
        "most_in_flight": log.most_at_once(),
        "requests": len(log.handled),
        "overlapped": max(start for start, _, _ in spans) < min(f for _, f, _ in spans),
    }


def measure(db: str | Path, sandbox: Any, processes: int, args: argparse.Namespace) -> dict:
    """One row: ``processes`` syncs of the channel on the store ``db``."""
    sandbox.reset("empty")
    if args.slow_orders:
        sandbox.faults.add("latency", endpoint="POST /v1/order", seconds=args.slow_orders)
    with StoreHost(db) as host:
        options = prepare(
            host,
            sandbox,
            count=args.records,
            concurrency=args.concurrency,
            rps=args.rps,
            processes=processes,
        )
    with logged_arrivals(sandbox) as log:
        sync_together(db, options)
    with StoreHost(db) as host:
        return {"processes": processes, **figures(run_spans(host), log)}


@contextmanager
def new_stores(kind: str, workdir: Path) -> Iterator[Any]:
    """A function making a new empty store of ``kind`` (a SQLite file in
    ``workdir``, or a database on a throwaway PostgreSQL cluster)."""
    if kind == "sqlite":
        counter = iter(range(1_000_000))
        yield lambda: workdir / f"shared-{next(counter)}.db"
        return
    from techoms_core.store.pg_cluster import ThrowawayCluster

    with ThrowawayCluster() as cluster:
        yield lambda: cluster.url(cluster.create_database())


def table_row(kind: str, row: dict, args: argparse.Namespace) -> str:
    rates = " / ".join(f"{rps:g}" for rps in row["per_process_rps"])
    cells = (kind, row["processes"], rates, f"{row['combined_rps']:g}",
             row["peak_in_one_second"], row["most_in_flight"],
             f"{args.rps} rps, {args.concurrency} at once")  # fmt: skip
    return "| " + " | ".join(map(str, cells)) + " |"


def main(argv: list[str] | None = None) -> None:
    import tempfile

    from plugins.leanafy.sandbox.server import SandboxServer
    from techoms_core.store.secret_key import KEY_FILE_ENV_VAR

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--records", type=int, default=90, help="records per process (90)")
    parser.add_argument("--rps", type=int, default=20, help="the channel's requests per second")
    parser.add_argument("--concurrency", type=int, default=4, help="its concurrent requests")
    parser.add_argument(
        "--slow-orders", type=float, default=0.4, help="seconds the sandbox takes per order"
    )
    args = parser.parse_args(argv)
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    print("| " + " | ".join(HEADER) + " |")
    print("|" + "---|" * len(HEADER))
    with tempfile.TemporaryDirectory(prefix="techoms-cap-") as workdir, SandboxServer() as sandbox:
        # The channel's secrets are sealed with a key of this run's own.
        os.environ.setdefault(KEY_FILE_ENV_VAR, str(Path(workdir) / "secret.key"))
        for kind in kinds:
            with new_stores(kind, Path(workdir)) as new_store:
                for processes in (1, 2, 3):
                    row = measure(new_store(), sandbox, processes, args)
                    print(table_row(kind, row, args), flush=True)
    bound = math.ceil(args.rps) + args.concurrency
    print(f"\nbound by design: peak in 1 s <= ceil(rps) + concurrency = {bound}; "
          f"in flight <= {args.concurrency}")  # fmt: skip


if __name__ == "__main__":
    main()
