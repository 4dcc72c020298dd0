"""Benchmark the Leanafy channel against the sandbox and print the table.

    .venv/bin/python -m bench --profiles default
    .venv/bin/python -m bench --profiles low,high --scale low=0.1,high=1

For each profile and scenario a fresh worker process (:mod:`bench.worker`)
sets the scenario up, then measures it while the sandbox (its own process)
adds ``--latency-ms`` to every API request and enforces Leanafy's rate limit at
the profile's cap. The table and the targets follow; ``--json FILE`` keeps
the raw results, ``--markdown FILE`` the table as ``docs/benchmarks.md`` shows it.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.sandbox_process import REPOSITORY, SandboxProcess
from bench.scenarios import SCENARIOS, scaled
from bench.table import render, verdicts

PROFILES = ("low", "default", "high")


def parse_scales(text: str, profiles: list[str]) -> dict[str, float]:
    """``"0.1"`` for every profile, or ``"low=0.1,high=1"`` (others stay 1)."""
    if "=" not in text:
        return dict.fromkeys(profiles, float(text))
    scales = dict.fromkeys(profiles, 1.0)
    for part in text.split(","):
        profile, _, value = part.partition("=")
        if profile.strip() not in PROFILES:
            raise SystemExit(f"--scale: unknown profile {profile.strip()!r}")
        scales[profile.strip()] = float(value)
    return scales


def run_worker(
    scenario: str,
    profile: str,
    count: int,
    url: str,
    latency_ms: float,
    extra: Sequence[str] = (),
) -> dict[str, Any]:
    """One scenario in a fresh process (``extra``: more of its options); its JSON result."""
    with tempfile.TemporaryDirectory(prefix="techoms-bench-") as workdir:
        command = [sys.executable, "-m", "bench.worker", "--scenario", scenario]
        command += ["--profile", profile, "--count", str(count), "--api-url", url]
        command += ["--workdir", workdir, "--latency-ms", str(latency_ms), *extra]
        done = subprocess.run(command, cwd=REPOSITORY, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{scenario} ({profile}) failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", default="default", help="comma-separated (default)")
    parser.add_argument("--scale", default="1", help="record counts x F, or low=F,high=F (1)")
    parser.add_argument("--scenarios", default="", help="comma-separated keys (all)")
    parser.add_argument("--latency-ms", type=float, default=50.0, help="per request (50)")
    parser.add_argument("--json", type=Path, help="append the raw results to this file")
    options = parser.parse_args(argv)
    profiles = [p.strip() for p in options.profiles.split(",") if p.strip()]
    scales = parse_scales(options.scale, profiles)
    chosen = {s.strip() for s in options.scenarios.split(",") if s.strip()}
    results: list[dict[str, Any]] = []
    with SandboxProcess() as sandbox:
        for profile in profiles:
            for scenario in SCENARIOS:
                if chosen and scenario.key not in chosen:
                    continue
                count = scaled(scenario, scales[profile])
                print(f"  {profile}: {scenario.label.format(n=count)} ...", file=sys.stderr)
                result = run_worker(scenario.key, profile, count, sandbox.url, options.latency_ms)
                results.append(result)
                _check(result)
    if options.json:
        with options.json.open("a", encoding="utf-8") as out:
            for result in results:
                out.write(json.dumps(result) + "\n")
    print(render(results))
    print()
    for verdict in verdicts(results):
        print(verdict)


def _check(result: dict[str, Any]) -> None:
    """A measurement is only worth showing if the run did its job."""
    problems = []
    if result["failed"] or result["status"] != "completed":
        problems.append(f"{result['failed']} failed, status {result['status']} {result['note']}")
    if result["duplicates"]:
        problems.append(f"{result['duplicates']} records created twice in the sandbox")
    if problems:
        print(
            f"  WARNING {result['profile']} {result['scenario']}: {'; '.join(problems)}",
            file=sys.stderr,
        )
