"""The receives' read-ahead, measured: the same receive with it and without it.

    .venv/bin/python -m bench.read_ahead --profile default --rounds 3

A receive reads its next page while the host applies the current one
(:class:`techoms_core.read_ahead.ReadAhead`). Each round runs the
``receive-shipments`` scenario (10,000 shipment updates at scale 1, pages of
500) twice in fresh worker processes (:mod:`bench.worker`), once reading
page after page (``--no-read-ahead``) and once reading ahead, in alternating
order, against one sandbox adding ``--latency-ms`` to every request. It
prints each run's wall and CPU seconds, and the median of each side. On a
machine shared with other work, compare the pairs: the load moves both
sides of a round together.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from typing import Any

from bench.run import run_worker
from bench.sandbox_process import SandboxProcess
from bench.scenarios import scaled, scenario_named

SCENARIO = "receive-shipments"
WITHOUT = "page after page"
WITH = "reading ahead"


def measure(profile: str, scale: float, rounds: int, latency_ms: float) -> list[dict[str, Any]]:
    """Each round's two runs, their results tagged ``way`` (:data:`WITH` or :data:`WITHOUT`)."""
    count = scaled(scenario_named(SCENARIO), scale)
    results = []
    with SandboxProcess() as sandbox:
        for number in range(rounds):
            ways = [(WITHOUT, ["--no-read-ahead"]), (WITH, [])]
            for way, extra in ways if number % 2 == 0 else reversed(ways):
                print(f"  round {number + 1}: {way} ...", file=sys.stderr)
                result = run_worker(SCENARIO, profile, count, sandbox.url, latency_ms, extra)
                if result["failed"] or result["status"] != "completed":
                    raise SystemExit(f"{way}: {result['failed']} failed, {result['status']}")
                results.append({**result, "way": way, "round": number + 1})
    return results


def render(results: list[dict[str, Any]]) -> str:
    """One row per run, then the medians of each way."""
    lines = [
        "| round | way | records | requests | wall s | client CPU s |",
        "|--:|---|--:|--:|--:|--:|",
    ]
    for r in results:
        lines.append(
            f"| {r['round']} | {r['way']} | {r['records']:,} | {r['requests']} "
            f"| {r['wall_s']:.2f} | {r['cpu_s']:.2f} |"
        )
    for way in (WITHOUT, WITH):
        mine = [r for r in results if r["way"] == way]
        wall = statistics.median(r["wall_s"] for r in mine)
        cpu = statistics.median(r["cpu_s"] for r in mine)
        lines.append(f"| median | {way} | | | {wall:.2f} | {cpu:.2f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="default", help="throughput profile (default)")
    parser.add_argument("--scale", type=float, default=1.0, help="record count x F (1)")
    parser.add_argument("--rounds", type=int, default=3, help="pairs of runs (3)")
    parser.add_argument("--latency-ms", type=float, default=50.0, help="per request (50)")
    options = parser.parse_args(argv)
    results = measure(options.profile, options.scale, options.rounds, options.latency_ms)
    print(render(results))


if __name__ == "__main__":
    main()
