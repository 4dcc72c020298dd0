"""How long the console takes to open a run with 50,000 warnings.

``python -m bench.console_run_page [--warnings N]``: logs a run with N warning
messages (20 distinct texts) into a fresh database, serves the console on
loopback, logs in, and times the first page of the run (grouped messages),
the run's warning level, and the store's grouping query alone. Prints the
median and the slowest of several requests, in milliseconds.
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import threading
import time
from pathlib import Path

import requests

from techoms_core.console import ConsoleServer, ConsoleState
from techoms_core.console.background import BackgroundRuns
from techoms_core.context import ChannelConfig
from techoms_core.host import RunStatus
from techoms_core.models import RecordResult, Status
from techoms_core.registry import Registry
from techoms_core.store import SqliteHost

PASSWORD = "bench"
REPEATS = 7


def _log_run(host: SqliteHost, warnings: int) -> int:
    host.add_channel(ChannelConfig(name="bench", plugin="leanafy", settings={}))
    run_id = host.start_run("bench", "send-shipments")
    for start in range(0, warnings, 5_000):
        host.log_results(
            run_id,
            [
                RecordResult(
                    key=f"S-{n:06}",
                    status=Status.WARNING,
                    message=f"carrier code {n % 20} is not mapped; sent as it is",
                    field="carrier",
                )
                for n in range(start, min(start + 5_000, warnings))
            ],
        )
    host.finish_run(run_id, RunStatus.COMPLETED, {"warning": warnings})
    return run_id


def _logged_in(url: str) -> requests.Session:
    session = requests.Session()
    token = re.search(r'"X-CSRF-Token": "([^"]+)"', session.get(url + "login").text).group(1)
    session.post(url + "login", data={"password": PASSWORD}, headers={"X-CSRF-Token": token})
    return session


def _timed(action) -> tuple[float, float]:
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warnings", type=int, default=50_000)
    warnings = parser.parse_args().warnings
    with tempfile.TemporaryDirectory() as folder, SqliteHost(Path(folder) / "b.db") as host:
        run_id = _log_run(host, warnings)
        state = ConsoleState(host=host, registry=Registry(), environ={}, password=PASSWORD)
        state.runs = BackgroundRuns(state)
        server = ConsoleServer(state, host="127.0.0.1", port=0)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        try:
            session = _logged_in(server.url)
            page = server.url + f"runs/{run_id}"
            assert "carrier code" in session.get(page).text
            rows = [
                ("GET /runs/ID (first page)", lambda: session.get(page).raise_for_status()),
                (
                    "GET /runs/ID?level=warning",
                    lambda: session.get(page + "?level=warning").raise_for_status(),
                ),
                ("store: message_groups", lambda: host.message_groups(run_id, limit=50)),
            ]
            print(f"a run with {warnings:,} warnings, {REPEATS} requests each (ms)")
            for label, action in rows:
                median, slowest = _timed(action)
                print(f"  {label:32} median {median:7.1f}   slowest {slowest:7.1f}")
        finally:
            server.stop()
            thread.join()


if __name__ == "__main__":
    main()
