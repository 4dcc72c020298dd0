"""Scale run: many channels, recurring jobs on ``techoms worker`` processes over
PostgreSQL, one worker SIGKILLed midway and restarted.

    python -m bench.scale                       # 200 channels, 3 workers, 180 s
    python -m bench.scale --channels 20 --workers 2 --seconds 60
    python -m bench.scale --channels 40 --seconds 60 --compare   # 1, 2, 3 workers

The store lives on a throwaway PostgreSQL cluster (``--db URL`` to use another),
the Leanafy sandbox in a process of its own, where every channel is an account
of its own whose rate limit is its throughput profile's cap (``--throughput``
names the profiles, taken in turn). Every channel gets ``--orders`` shipments to
send and three recurring jobs (send-shipments, receive-shipments,
receive-inventory, every 5 minutes: each is due once within the run). Midway
the worker holding the most run locks is SIGKILLed and started again. The run
then waits until every job has run (or the time is up) and prints: jobs due vs
run, the most runs of one (channel, option) at once, orders stored twice in the
sandbox, shipments not sent, how long the killed worker's jobs took to run
again, the completed runs per minute, and each channel's peak requests per
second against its cap. Exit status 1 when a guarantee fails.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from collections import defaultdict
from contextlib import ExitStack
from pathlib import Path

import attrs
from sqlalchemy import select

from bench.channel_accounts import ChannelAccount, channel_rates, open_accounts, rate_summary
from bench.processes import stop_processes
from bench.sandbox_process import SandboxAdmin, SandboxProcess
from techoms_core import jobs as schedule
from techoms_core.context import ChannelConfig
from techoms_core.registry import Registry
from techoms_core.store import StoreHost, schema
from techoms_core.store.pg_cluster import ThrowawayCluster
from techoms_core.testing.samples import sample_shipments

REPOSITORY = Path(__file__).resolve().parents[1]
OPTIONS = ("send-shipments", "receive-shipments", "receive-inventory")
SKU = "SKU-000001"
PROFILES = "low,default,high"


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.kill_at is None:
        args.kill_at = args.seconds / 3
    with ExitStack() as stack:
        cluster = None if args.db else stack.enter_context(ThrowawayCluster())
        sandbox = stack.enter_context(SandboxProcess())
        if args.compare:
            report = compare_workers(cluster, sandbox.url, args)
        else:
            report = run_scale(args.db or cluster.url(cluster.create_database()), sandbox.url, args)
    print(json.dumps(report, indent=2))
    return 0 if report["guarantees_hold"] else 1


def compare_workers(cluster: ThrowawayCluster | None, sandbox_url: str, args) -> dict:
    """The same run with 1, 2, ... ``--workers`` workers and no kill, each on a
    fresh database and fresh sandbox accounts: how fast the jobs complete."""
    if cluster is None:
        raise SystemExit("--compare makes a database per run: leave --db out")
    by_workers = {}
    for workers in range(1, args.workers + 1):
        url = cluster.url(cluster.create_database())
        report = run_scale(url, sandbox_url, args, workers=workers, kill=False)
        keep = ("jobs_due", "jobs_run", "seconds", "busy_seconds", "runs_completed_per_minute")
        keep += ("runs_per_minute_while_busy", "load_average")
        by_workers[workers] = {key: report[key] for key in keep}
        by_workers[workers]["caps_held"] = report["channel_rates"]["caps_held"]
        by_workers[workers]["guarantees_hold"] = report["guarantees_hold"]
    return {
        "channels": args.channels,
        "by_workers": by_workers,
        "guarantees_hold": all(run["guarantees_hold"] for run in by_workers.values()),
    }


def run_scale(
    url: str, sandbox_url: str, args: argparse.Namespace, *, workers: int = 0, kill: bool = True
) -> dict:
    """Set the channels up, run the workers (with one kill), and measure."""
    names = [f"ch-{c:03}" for c in range(args.channels)]
    profiles = args.throughput.split(",")
    accounts = open_accounts(
        SandboxAdmin(sandbox_url), names, profiles, latency_ms=1000 * args.latency
    )
    with StoreHost(url) as host:
        numbers = _set_up(host, sandbox_url, accounts, args)
        group = _Workers(url, args)
        started = time.monotonic()
        killed = {"held": [], "at": None}
        try:
            group.start(workers or args.workers)
            ready_at = dt.datetime.now(dt.UTC)
            if kill:
                killed = _kill_midway(host, group, started, args)
            _wait_all_ran(host, started, args.seconds)
            elapsed = time.monotonic() - started
        finally:
            group.stop_all()
        rates = channel_rates(sandbox_url, accounts)
        timing = {"elapsed": elapsed, "ready_at": ready_at}
        return _report(host, rates, numbers, killed, timing, args, workers or args.workers)


def _set_up(host: StoreHost, sandbox_url: str, accounts: list[ChannelAccount], args) -> list[str]:
    registry = Registry.discover()
    numbers = []
    for c, account in enumerate(accounts):
        name = account.channel
        host.add_channel(
            ChannelConfig(
                name=name,
                plugin="leanafy",
                settings={
                    "api_url": sandbox_url,
                    "api_key": account.api_key,
                    "api_secret": account.api_secret,
                    "warehouse_id": account.warehouse_id,
                    "throughput": account.profile,
                },
                warehouse=f"W-{c:03}",
            )
        )
        mine = [
            attrs.evolve(shipment, warehouse=f"W-{c:03}")
            for shipment in sample_shipments(args.orders, skus=[SKU], tag=name)
        ]
        host.load_shipments(mine)
        numbers += [shipment.number for shipment in mine]
        for option in OPTIONS:
            schedule.set_job(host, registry, name, option, "5m")
    return numbers


class _Workers:
    def __init__(self, url: str, args) -> None:
        self.url = url
        self.args = args
        self.processes: list[subprocess.Popen] = []

    def start(self, count: int = 1) -> list[subprocess.Popen]:
        """Start ``count`` workers at once (so none has a head start); return once
        each says it is running."""
        command = [sys.executable, "-m", "techoms_core.cli", "--db", self.url, "worker"]
        command += ["--concurrency", str(self.args.concurrency), "--tick", "1"]
        command += ["--heartbeat", "1", "--stalled-after", str(self.args.stalled_after)]
        pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.DEVNULL, "text": True}
        launched = [subprocess.Popen(command, cwd=REPOSITORY, **pipes) for _ in range(count)]
        for process in launched:
            process.stdout.readline()  # "Worker running ..."
        self.processes += launched
        return launched

    def stop_all(self) -> None:
        stop_processes(self.processes, grace=60)


def _kill_midway(host: StoreHost, workers: _Workers, started: float, args) -> dict:
    """SIGKILL the worker holding the most run locks once the run is midway
    (``--kill-at`` seconds, then as soon as a worker holds one), start a new
    one, and say what the killed one held when it died."""
    time.sleep(max(0.0, started + args.kill_at - time.monotonic()))
    alive = {p.pid: p for p in workers.processes if p.poll() is None}
    held = _locks_by_pid(host)
    while not any(held.get(pid) for pid in alive) and not _all_ran(host):
        time.sleep(0.05)
        held = _locks_by_pid(host)
    victim = max(alive, key=lambda pid: len(held.get(pid, [])))
    os.kill(victim, signal.SIGKILL)
    at = dt.datetime.now(dt.UTC)
    alive[victim].wait()
    # What it held at its death, read once it is dead: the locks seen before
    # the kill may belong to runs it finished meanwhile (a run takes a fraction
    # of a second), which have nothing to run again. Its locks stay in place
    # until another worker takes them over, after --stalled-after seconds.
    dead_held = _locks_by_pid(host).get(victim, [])
    workers.start()
    return {"pid": victim, "at": at, "held": sorted(dead_held)}


def _locks_by_pid(host: StoreHost) -> dict[int, list[str]]:
    held: dict[int, list[str]] = defaultdict(list)
    with host._read() as connection:
        for name, pid in connection.execute(select(schema.locks.c.name, schema.locks.c.pid)):
            held[pid].append(name)
    return held


def _wait_all_ran(host: StoreHost, started: float, seconds: float) -> None:
    while time.monotonic() - started < seconds and not _all_ran(host):
        time.sleep(0.2)


def _all_ran(host: StoreHost) -> bool:
    return all(job.last_run_at is not None for job in host.jobs())


def _report(host: StoreHost, rates: list[dict], numbers, killed, timing, args, workers):
    jobs = host.jobs()
    runs = _all_runs(host)
    creates = {number: seen for row in rates for number, seen in row["order_creates"].items()}
    duplicated = sorted(n for n in numbers if creates.get(n, {}).get("stored", 0) > 1)
    not_sent = sorted(r["number"] for r in host.shipment_rows() if r["status"] != "sent")
    # A shipment is lost when its channel's send completed without it.
    sent_by = {j.channel for j in jobs if j.option == OPTIONS[0] and j.last_status == "completed"}
    lost = [n for n in not_sent if n.removeprefix("SH-").rsplit("-", 1)[0] in sent_by]
    rerun = _rerun_seconds(runs, killed)
    completed = [run for run in runs if run["status"] == "completed"]
    elapsed = timing["elapsed"]
    busy = _busy_seconds(completed, timing["ready_at"])
    overlap = _most_at_once(runs)
    report = {
        "channels": args.channels,
        "workers": workers,
        "seconds": round(elapsed, 1),
        "jobs_due": len(jobs),
        "jobs_run": sum(1 for job in jobs if job.last_run_at is not None),
        "jobs_completed": sum(1 for job in jobs if job.last_status == "completed"),
        "most_runs_of_one_job_at_once": overlap,
        "orders_duplicated": len(duplicated),
        "shipments_not_sent": len(not_sent),
        "shipments_lost": len(lost),
        "killed_worker_held": len(killed["held"]),
        "killed_jobs_ran_again_after_s": rerun,
        "runs_completed_per_minute": round(60 * len(completed) / elapsed, 1),
        "busy_seconds": round(busy, 1),
        "runs_per_minute_while_busy": round(60 * len(completed) / busy, 1) if busy else None,
        "runs_interrupted": sum(1 for run in runs if run["status"] == "interrupted"),
        "channel_rates": rate_summary(rates),
        "load_average": [round(load, 1) for load in os.getloadavg()],
    }
    report["guarantees_hold"] = overlap <= 1 and not duplicated and not lost
    return report


def _busy_seconds(runs: list[dict], ready_at: dt.datetime) -> float:
    """From the moment every worker was running to the last run's finish: the
    time the workers spent on the jobs, without their start-up."""
    if not runs:
        return 0.0
    return max(0.0, (max(run["finished_at"] for run in runs) - ready_at).total_seconds())


def _all_runs(host: StoreHost) -> list[dict]:
    runs = schema.runs
    query = select(runs.c.channel, runs.c.option, runs.c.status, runs.c.started_at,
                   runs.c.finished_at).where(runs.c.dry_run.is_(False))  # fmt: skip
    with host._read() as connection:
        return [dict(row._mapping) for row in connection.execute(query)]


def _most_at_once(runs: list[dict]) -> int:
    """The most runs of one (channel, option) that were running at one moment."""
    most = 0
    by_job: dict[tuple, list[tuple]] = defaultdict(list)
    for run in runs:
        end = run["finished_at"] or dt.datetime.max.replace(tzinfo=dt.UTC)
        by_job[(run["channel"], run["option"])] += [(run["started_at"], 1), (end, -1)]
    for events in by_job.values():
        running = 0
        for _, step in sorted(events, key=lambda e: (e[0], e[1])):
            running += step
            most = max(most, running)
    return most


def _rerun_seconds(runs: list[dict], killed: dict) -> float | None:
    """Seconds from the kill until the last of the killed worker's jobs had
    completed a run again."""
    waits = []
    if killed["at"] is None:
        return None
    for name in killed["held"]:
        _, channel, option = name.split(":", 2)
        finished = [
            run["finished_at"]
            for run in runs
            if (run["channel"], run["option"]) == (channel, option)
            and run["status"] == "completed"
            and run["finished_at"] > killed["at"]
        ]
        if not finished:
            return None
        waits.append((min(finished) - killed["at"]).total_seconds())
    return round(max(waits), 1) if waits else None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__)
    parser.add_argument("--channels", type=int, default=200)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=180.0)
    parser.add_argument("--kill-at", type=float, default=None, help="default: a third in")
    parser.add_argument("--orders", type=int, default=5, help="shipments per channel")
    parser.add_argument("--concurrency", type=int, default=4, help="jobs per worker at once")
    parser.add_argument("--stalled-after", type=float, default=5.0)
    parser.add_argument(
        "--throughput",
        default=PROFILES,
        help="the channels' throughput profiles, comma-separated, taken in turn (%(default)s)",
    )
    parser.add_argument("--latency", type=float, default=0.05, help="sandbox latency, s")
    parser.add_argument(
        "--compare", action="store_true", help="instead, time 1..N workers without a kill"
    )
    parser.add_argument("--db", help="a postgresql+psycopg:// URL (default: a throwaway one)")
    return parser


if __name__ == "__main__":
    sys.exit(main())
