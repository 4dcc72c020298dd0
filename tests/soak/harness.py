"""Driving ``techoms`` as real subprocesses, and killing them with SIGKILL on cue.

:class:`Cli` runs ``techoms`` commands against one database, with the channel's
credentials in the environment (the channel stores ``env:`` references only),
and keeps every command's stdout and stderr as files, so the soak can grep them.

:class:`KillSwitch` hooks the in-process sandbox's counters: armed with a
:class:`Kill`, it sends SIGKILL to the sync process from inside the sandbox the
moment that process's k-th API request arrives (before it is handled), or the
moment its k-th create has been stored (before the answer leaves). Cues are
counts of requests, not times, so a seeded plan kills at comparable points on
a fast or a slow machine.

:func:`sync_until_done` runs ``techoms sync NAME OPTION --json`` again and
again, killing the planned attempts, until one run completes with no failed
record. After each process it waits until the sandbox has handled every request
that process sent: a killed process's last requests are still handled (a create
stored, a fault injected) after it is gone, and must neither race the next run's
look-ups nor be counted as the next run's faults.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from attrs import define, field, frozen

from plugins.leanafy.sandbox import SandboxServer

#: The installed ``techoms`` command of this virtualenv: the path a user takes.
TECHOMS = [str(Path(sys.executable).with_name("techoms"))]
KEY_VARIABLE = "SOAK_LEANAFY_API_KEY"
SECRET_VARIABLE = "SOAK_LEANAFY_API_SECRET"
#: A sync that takes longer than this is stuck, whatever the machine.
SYNC_TIMEOUT = 600
#: Runs of one option before the soak gives up on it being done.
MAX_ATTEMPTS = 40
#: Longer than any request takes to handle once its client is gone.
HANDLING_TIMEOUT = 60


@frozen
class Kill:
    """Kill the sync at its ``at``-th API request (``on="request"``) or right after
    its ``at``-th create is stored (``on="stored"``)."""

    on: str
    at: int


@define
class Cli:
    """``techoms`` against one database, each command's output kept in ``logdir``."""

    db: Path
    logdir: Path
    environ: dict[str, str]
    commands: int = 0

    def _files(self, name: str) -> tuple[Path, Path]:
        self.commands += 1
        stem = self.logdir / f"{self.commands:03d}-{name}"
        return stem.with_suffix(".out"), stem.with_suffix(".err")

    def _env(self) -> dict[str, str]:
        return {**os.environ, **self.environ, "TECHOMS_DB": str(self.db), "COLUMNS": "200"}

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run ``techoms ARGS`` to the end; its output is also kept as files."""
        out, err = self._files("-".join(args[:2]))
        done = subprocess.run([*TECHOMS, *args], env=self._env(), capture_output=True, text=True)
        out.write_text(done.stdout, encoding="utf-8")
        err.write_text(done.stderr, encoding="utf-8")
        if check and done.returncode != 0:
            raise AssertionError(f"techoms {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done

    def start_sync(self, channel: str, option: str) -> SyncProcess:
        """Start ``techoms sync CHANNEL OPTION --json`` in the background."""
        out, err = self._files(f"sync-{option}")
        with out.open("w") as stdout, err.open("w") as stderr:
            process = subprocess.Popen(
                [*TECHOMS, "sync", channel, option, "--json"],
                env=self._env(),
                stdout=stdout,
                stderr=stderr,
            )
        return SyncProcess(process, out, err)


@define
class SyncProcess:
    """A running (or finished) ``techoms sync`` and where its output goes."""

    process: subprocess.Popen[bytes]
    stdout: Path
    stderr: Path

    def summary(self) -> dict[str, Any] | None:
        """The ``--json`` summary, or None when the process printed none (killed)."""
        text = self.stdout.read_text(encoding="utf-8").strip()
        return json.loads(text) if text else None


class KillSwitch:
    """SIGKILLs the armed process from inside the sandbox, on a request or create cue."""

    def __init__(self, sandbox: SandboxServer) -> None:
        self._counters = sandbox.counters
        self._lock = threading.Lock()
        self._target: subprocess.Popen[bytes] | None = None
        self._kill: Kill | None = None
        self._seen = 0
        self.fired = False
        self._originals: dict[str, Callable[..., None]] = {}
        for name, cue in (("request", "request"), ("create_stored", "stored")):
            self._originals[name] = getattr(self._counters, name)
            setattr(self._counters, name, self._counting(self._originals[name], cue))

    def _counting(self, original: Callable[..., None], cue: str) -> Callable[..., None]:
        def counted(*args: Any) -> None:
            original(*args)
            with self._lock:
                if self._kill is None or self._kill.on != cue or self.fired:
                    return
                self._seen += 1
                if self._seen >= self._kill.at and self._target is not None:
                    os.kill(self._target.pid, signal.SIGKILL)
                    self.fired = True

        return counted

    def arm(self, process: subprocess.Popen[bytes], kill: Kill | None) -> None:
        with self._lock:
            self._target, self._kill, self._seen, self.fired = process, kill, 0, False

    def disarm(self) -> bool:
        """Stop watching; True if the armed kill happened."""
        with self._lock:
            fired, self._target, self._kill = self.fired, None, None
            return fired

    def remove(self) -> None:
        """Give the sandbox its own counters back."""
        for name, original in self._originals.items():
            setattr(self._counters, name, original)


@define
class Attempt:
    """One sync process: how it ended and what the sandbox injected meanwhile."""

    option: str
    kill: Kill | None
    killed: bool
    returncode: int
    summary: dict[str, Any] | None
    stderr: Path
    injected: dict[str, int] = field(factory=dict)


def injected_by_kind(sandbox: SandboxServer) -> dict[str, int]:
    """Faults injected so far, per kind (latency is not a fault)."""
    snapshot = sandbox.counters.snapshot()["injected"]
    return {kind: sum(by_endpoint.values()) for kind, by_endpoint in snapshot.items()}


def delta(after: dict[str, int], before: dict[str, int]) -> dict[str, int]:
    return {
        k: after.get(k, 0) - before.get(k, 0) for k in after if after.get(k, 0) != before.get(k, 0)
    }


def sync_until_done(
    cli: Cli,
    switch: KillSwitch,
    sandbox: SandboxServer,
    channel: str,
    option: str,
    kills: list[Kill],
) -> list[Attempt]:
    """Run the sync until a run completes with nothing failed. The first runs are
    killed as ``kills`` plans; a run whose cue never comes ends on its own, and
    once a run is done the rest of the plan is not needed."""
    attempts: list[Attempt] = []
    plan = list(kills)
    for _ in range(MAX_ATTEMPTS):
        kill = plan.pop(0) if plan else None
        before = injected_by_kind(sandbox)
        sync = cli.start_sync(channel, option)
        switch.arm(sync.process, kill)
        returncode = sync.process.wait(timeout=SYNC_TIMEOUT)
        killed = switch.disarm()
        if not sandbox.wait_until_handled(timeout=HANDLING_TIMEOUT):
            raise AssertionError(f"the sandbox still handles what {option} sent")
        attempt = Attempt(
            option=option,
            kill=kill,
            killed=killed,
            returncode=returncode,
            summary=None if killed else sync.summary(),
            stderr=sync.stderr,
            injected=delta(injected_by_kind(sandbox), before),
        )
        attempts.append(attempt)
        if not killed and returncode == 0:
            return attempts
    raise AssertionError(f"{option} was not done after {MAX_ATTEMPTS} runs: {attempts[-1]}")
