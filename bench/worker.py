"""One scenario, one profile, in a fresh process: set up, measure, print one JSON line.

``python -m bench.worker --scenario send-shipments --profile default --count 2000
--api-url http://127.0.0.1:PORT --workdir DIR`` (``bench.run`` starts these).

A fresh process per scenario keeps the measurements apart: the peak-memory
reset and the CPU counters see only this scenario, and nothing one scenario
cached helps the next.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.measure import Phase
from bench.sandbox_process import SandboxAdmin
from bench.scenarios import Bench, plugin_registry, scenario_named, workdir_db
from plugins.registry import Registry
from techoms_core import runner
from techoms_core.store import SqliteHost
from techoms_core.throughput import ThroughputProfile


def fault_rules(
    requests_per_second: float, latency_ms: float, *, burst: float | None = None
) -> list[dict[str, Any]]:
    """The sandbox's conditions during the measured phase: a fixed latency on every
    API request, and Leanafy's rate limit at the profile's cap (letting ``burst``
    requests through at once; by default one second's worth)."""
    limit = {"kind": "rate_limit", "endpoint": "/v1/*", "rps": requests_per_second}
    rules: list[dict[str, Any]] = [limit if burst is None else {**limit, "burst": burst}]
    if latency_ms > 0:
        rules.append({"kind": "latency", "endpoint": "/v1/*", "seconds": latency_ms / 1000})
    return rules


def leanafy_profile(profile: str) -> ThroughputProfile:
    """The Leanafy plugin's throughput profile called ``profile``."""
    declaration = Registry.discover(strict=True).get("leanafy").declaration
    for candidate in declaration.throughput_profiles:
        if candidate.key == profile:
            return candidate
    raise SystemExit(f"the Leanafy plugin has no throughput profile {profile!r}")


def profile_rate(profile: str) -> float:
    """The request-rate cap of the Leanafy plugin's ``profile``."""
    return leanafy_profile(profile).requests_per_second


class PageAfterPage:
    """What a receive did before it read ahead: each page read only when the
    caller asks for it, in the caller's thread (``--no-read-ahead``)."""

    def __init__(self, pages: Iterator[Any], **_: Any) -> None:
        self._pages = pages

    def __iter__(self) -> Iterator[Any]:
        return self._pages

    def close(self) -> None:
        close = getattr(self._pages, "close", None)
        if close is not None:
            close()


def run(options: argparse.Namespace) -> dict[str, Any]:
    """Set the scenario up, measure it, and describe the result."""
    if options.no_read_ahead:
        runner.ReadAhead = PageAfterPage  # type: ignore[assignment,misc]
    scenario = scenario_named(options.scenario)
    rate = profile_rate(options.profile)
    admin = SandboxAdmin(options.api_url)
    admin.reset()
    workdir = Path(options.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    with SqliteHost(workdir_db(workdir)) as host:
        bench = Bench(host=host, admin=admin, profile=options.profile, count=options.count)
        bench.add_channel()
        scenario.setup(bench)
        plugin_registry()
        admin.set_faults(fault_rules(rate, options.latency_ms))
        admin.reset_counters()
        with Phase() as phase:
            outcome = scenario.measure(bench)
        counters = admin.counters()
    requests = sum(counters["requests"].values())
    rate_limited = sum(counters["injected"].get("rate_limit", {}).values())
    duplicates = {
        kind: [key for key, seen in keys.items() if seen["stored"] > 1]
        for kind, keys in counters["creates"].items()
    }
    return {
        "scenario": scenario.key,
        "label": scenario.label.format(n=options.count),
        "option": scenario.option,
        "naive": scenario.naive,
        "profile": options.profile,
        "cap_rps": rate,
        "latency_ms": options.latency_ms,
        "records": outcome.records,
        "failed": outcome.failed,
        "status": outcome.status,
        "note": outcome.note,
        "wall_s": phase.wall_seconds,
        "read_s": outcome.read_s,
        "cpu_s": phase.cpu_seconds,
        "transport_cpu_s": outcome.transport_cpu_s,
        "session": outcome.traffic,
        "rss_growth_mib": phase.rss_growth_mib,
        "peak_reset": phase.peak_reset,
        "requests": requests,
        "rate_limited": rate_limited,
        "duplicates": sum(len(keys) for keys in duplicates.values()),
        "read_ahead": not options.no_read_ahead,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", required=True)
    parser.add_argument("--profile", required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--api-url", required=True)
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument(
        "--no-read-ahead",
        action="store_true",
        help="receives read each page only once the last one is applied",
    )
    options = parser.parse_args(argv)
    # Retries and lookups are logged at WARNING; the table is the output here.
    logging.getLogger("techoms").setLevel(logging.ERROR)
    sys.stdout.write(json.dumps(run(options)) + "\n")


if __name__ == "__main__":
    main()
