"""Real ``techoms worker`` processes on a throwaway PostgreSQL, syncing a
Leanafy channel on the sandbox (which runs in the test process, so the test
can slow it down and count what it stored)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from bench.processes import stop_processes
from plugins.leanafy.sandbox.testing import sandbox, sandbox_server  # noqa: F401
from techoms_core.context import ChannelConfig
from techoms_core.store import StoreHost
from tests.stores import raw_transaction

ROOT = Path(__file__).resolve().parents[2]
#: Fast enough for a test: a look for due jobs every second, a heartbeat every
#: half second, a worker silent for 2 s taken for dead.
FAST = ["--tick", "1", "--heartbeat", "0.5", "--stalled-after", "2"]
SKU = "SKU-000001"


class Workers:
    """``techoms worker`` processes on one database."""

    def __init__(self, url: str, tmp_path: Path) -> None:
        self.url = url
        self.tmp_path = tmp_path
        self.processes: list[subprocess.Popen] = []

    def start(self, *options: str) -> subprocess.Popen:
        log = open(self.tmp_path / f"worker-{len(self.processes)}.log", "w+")  # noqa: SIM115
        command = [sys.executable, "-m", "techoms_core.cli", "--db", self.url, "worker"]
        process = subprocess.Popen(
            [*command, *FAST, *options],
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            cwd=ROOT,
            env={**os.environ, "COLUMNS": "200"},
        )
        process.log = log  # type: ignore[attr-defined]
        ready = process.stdout.readline()
        assert "Worker running" in ready, self.output(process)
        self.processes.append(process)
        return process

    @staticmethod
    def output(process: subprocess.Popen) -> str:
        process.log.seek(0)  # type: ignore[attr-defined]
        return process.log.read()  # type: ignore[attr-defined]

    def stop_all(self) -> None:
        stop_processes(self.processes, grace=30)
        for process in self.processes:
            process.log.close()  # type: ignore[attr-defined]


@pytest.fixture
def workers(pg_url, tmp_path) -> Iterator[Workers]:
    group = Workers(pg_url, tmp_path)
    yield group
    group.stop_all()


@pytest.fixture
def store(pg_url, sandbox) -> Iterator[StoreHost]:  # noqa: F811
    """The store on PostgreSQL, with a Leanafy channel ``lean`` on the sandbox."""
    sandbox.warehouse.generate_items(1, "SKU-")
    with StoreHost(pg_url) as host:
        host.add_channel(
            ChannelConfig(
                name="lean",
                plugin="leanafy",
                settings=sandbox.channel_settings(throughput="low"),
                warehouse="MAIN",
            )
        )
        yield host


def wait_for(condition: Callable[[], object], *, timeout: float, what: str) -> object:
    """Poll ``condition`` until it is true (returning it), failing after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"after {timeout} s still not: {what}")


def queue_jobs(url: str) -> list[tuple]:
    """Procrastinate's jobs: (id, task_name, status, lock, attempts), oldest first."""
    with raw_transaction(url) as connection:
        return connection.execute(
            text("SELECT id, task_name, status, lock, attempts FROM procrastinate_jobs ORDER BY id")
        ).all()
