"""How the CLI's human output holds up at scale: lines printed and wall time.

    .venv/bin/python -m bench.output [--skus 50000] [--runs 3]

The sandbox (its own process, no added latency) holds ``--skus`` SKUs that are
not techOMS products, so a ``receive-inventory`` warns once per SKU. The
script runs the real ``techoms`` command in fresh processes, as a user would,
on an 80-column pipe: ``--help`` (the start-up alone), the sync (human and
``--json``), then, once ``--runs`` runs have left their messages in the run
log, ``techoms log`` and ``techoms log --run N``. It prints one line per
command: wall and CPU seconds (the CPU time is what the command costs; the
wall time also counts waiting for a busy machine) and lines printed.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

from bench.sandbox_process import API_KEY, API_SECRET, REPOSITORY, SandboxAdmin, SandboxProcess
from techoms_core.cli.output import Output
from techoms_core.cli.sync import print_summary
from techoms_core.host import RunStatus
from techoms_core.models import RecordResult
from techoms_core.runs import RunSummary

MESSAGE = "SKU is not a techOMS product; its level is kept"


class Techoms:
    """``python -m techoms_core.cli --db DB ...`` in a fresh process, timed."""

    def __init__(self, db: Path) -> None:
        self.db = db
        self.env = {**os.environ, "COLUMNS": "80", "TECHOMS_KEY": API_KEY}
        self.env["TECHOMS_SECRET"] = API_SECRET

    def __call__(self, *args: str) -> tuple[float, float, int]:
        """Wall seconds, CPU seconds (user + system) and lines printed on stdout."""
        command = [sys.executable, "-m", "techoms_core.cli", "--db", str(self.db), *args]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run(command, cwd=REPOSITORY, env=self.env, capture_output=True)
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode not in (0, 1):
            raise SystemExit(f"techoms {' '.join(args)} failed:\n{done.stderr.decode()[-2000:]}")
        cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
        return wall, cpu, done.stdout.count(b"\n")


def report(what: str, measured: tuple[float, float, int]) -> None:
    wall, cpu, lines = measured
    print(f"{what:<48} {wall:6.2f} s wall {cpu:6.2f} s CPU {lines:>9,} lines", flush=True)


def time_summary(records: int) -> tuple[float, float, int]:
    """The human summary of a run with ``records`` identical warnings, printed in-process."""
    stdout = io.StringIO()
    output = Output(stdout=stdout, stderr=io.StringIO())
    summary = RunSummary(channel="east", option="receive-inventory", run_id=1)
    summary.status = RunStatus.COMPLETED
    for n in range(records):
        summary.add(RecordResult.warning(f"BULK-{n:06d}", MESSAGE, field="sku"))
    started, cpu = time.perf_counter(), time.process_time()
    print_summary(SimpleNamespace(out=output), summary)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    return wall, cpu, stdout.getvalue().count("\n")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skus", type=int, default=50_000, help="SKUs in the warehouse")
    parser.add_argument("--runs", type=int, default=3, help="runs in the log before timing it")
    options = parser.parse_args(argv)
    with SandboxProcess() as sandbox, tempfile.TemporaryDirectory() as workdir:
        admin = SandboxAdmin(sandbox.url)
        admin.reset()
        admin.generate_items(options.skus, prefix="BULK-")
        admin.set_inventory(
            [{"sku": f"BULK-{n:06d}", "on_hand": n} for n in range(1, options.skus + 1)]
        )
        warehouse = admin.me()["warehouses"][0]["_id"]
        techoms = Techoms(Path(workdir) / "techoms.db")
        techoms("channel", "add", "east", "--plugin", "leanafy",
                "--set", f"api_url={sandbox.url}", "--set", "api_key=env:TECHOMS_KEY",
                "--set", "api_secret=env:TECHOMS_SECRET", "--set", "throughput=high",
                "--set", f"warehouse_id={warehouse}")  # fmt: skip
        print(f"{options.skus:,} warnings per run, 80 columns, stdout to a pipe")
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        report("techoms --help (start-up alone)", techoms("--help"))
        report("techoms sync east receive-inventory", techoms("sync", "east", "receive-inventory"))
        report(
            "techoms sync east receive-inventory --json",
            techoms("sync", "east", "receive-inventory", "--json"),
        )
        for _ in range(options.runs - 2):
            techoms("sync", "east", "receive-inventory", "--json")
        total = options.skus * max(options.runs, 2)
        report(f"its summary alone ({options.skus:,} warnings)", time_summary(options.skus))
        print(f"the run log now holds {total:,} messages")
        report("techoms log", techoms("log"))
        report("techoms log --json", techoms("log", "--json"))
        report("techoms log --run 1", techoms("log", "--run", "1"))
        report(
            "techoms log --run 1 --level warning --limit 100",
            techoms("log", "--run", "1", "--level", "warning", "--limit", "100"),
        )
        report("techoms show inventory", techoms("show", "inventory"))


if __name__ == "__main__":
    main()
