"""The benchmark's table and the issue's targets, checked against the measurements.

A result is the JSON object a :mod:`bench.worker` prints. :func:`render` lays
the results out as a Markdown table (also readable in a terminal);
:func:`verdicts` says, per profile, which targets were met.

Two CPU columns: *client CPU* is the whole client process (our code and every
library under it); *our CPU* is that minus the CPU the HTTP library spent
sending and reading (the session's ``transport_cpu_seconds``). The issue's
"<= 200 µs of our CPU per record" is judged on the second.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from attrs import frozen

Result = dict[str, Any]

COLUMNS = (
    ("profile", "profile"),
    ("scenario", "scenario"),
    ("records", "records"),
    ("wall s", "wall"),
    ("records/s", "throughput"),
    ("requests", "requests"),
    ("req/record", "per_record"),
    ("rate % of cap", "cap_share"),
    ("429s", "rate_limited"),
    ("peak RSS +MiB", "rss"),
    ("client CPU µs/rec", "cpu"),
    ("our CPU µs/rec", "our_cpu"),
)

#: Targets from the issue.
SEND_CAP_SHARE = 90.0
EXPORT_REQUESTS_PER_PRODUCT = 2.0
RECEIVE_REQUESTS_PER_100 = 1.0
INVENTORY_RSS_MIB = 50.0
#: Wall seconds for a snapshot of 100,000 inventory rows, per profile.
INVENTORY_WALL_S = {"default": 6.0, "high": 3.0}
INVENTORY_ROWS = 100_000
#: The share of the rate cap a snapshot keeps while pages remain to be read.
READ_CAP_SHARE = 80.0
CPU_US_PER_RECORD = 200.0
NAIVE_RATIO = 5.0
SENDS = ("send-shipments", "send-receipts")
EXPORTS = ("export-new", "export-into-catalogue")
RECEIVES = ("receive-shipments", "receive-inventory")


def throughput(result: Result) -> float:
    """Records per second of wall time."""
    return result["records"] / result["wall_s"] if result["wall_s"] else 0.0


def cap_share(result: Result) -> float:
    """Requests per second as a percentage of the profile's request-rate cap."""
    return 100.0 * result["requests"] / result["wall_s"] / result["cap_rps"]


def cpu_per_record_us(result: Result) -> float:
    """The whole client process's CPU time per record (every thread, every library)."""
    return 1e6 * result["cpu_s"] / max(result["records"], 1)


def our_cpu_per_record_us(result: Result) -> float | None:
    """The client's CPU time per record minus the HTTP library's own (the
    session's ``transport_cpu_seconds``); ``None`` for the naive loop, which
    sends without our session."""
    transport = result.get("transport_cpu_s")
    if transport is None:
        return None
    return 1e6 * (result["cpu_s"] - transport) / max(result["records"], 1)


def cells(result: Result) -> dict[str, str]:
    """One table row's cells."""
    records = max(result["records"], 1)
    return {
        "profile": result["profile"],
        "scenario": result["label"],
        "records": f"{result['records']:,}",
        "wall": f"{result['wall_s']:.1f}",
        "throughput": f"{throughput(result):,.1f}",
        "requests": f"{result['requests']:,}",
        "per_record": f"{result['requests'] / records:.3f}",
        "cap_share": f"{cap_share(result):.0f}",
        "rate_limited": str(result["rate_limited"]),
        "rss": f"{result['rss_growth_mib']:.1f}",
        "cpu": f"{cpu_per_record_us(result):,.0f}",
        "our_cpu": _optional(our_cpu_per_record_us(result)),
    }


def _optional(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"


def render(results: Iterable[Result]) -> str:
    """The Markdown table of ``results``."""
    rows = [cells(result) for result in results]
    head = "| " + " | ".join(title for title, _ in COLUMNS) + " |"
    rule = "|" + "|".join("---" if key in ("profile", "scenario") else "--:" for _, key in COLUMNS)
    body = ["| " + " | ".join(row[key] for _, key in COLUMNS) + " |" for row in rows]
    return "\n".join([head, rule + "|", *body])


@frozen
class Verdict:
    """One target for one profile: met or not, and the measured value."""

    profile: str
    target: str
    met: bool
    measured: str

    def __str__(self) -> str:
        mark = "met   " if self.met else "MISSED"
        return f"[{mark}] {self.profile}: {self.target}: {self.measured}"


def verdicts(results: Sequence[Result]) -> list[Verdict]:
    """Every target the results let us judge, per profile."""
    found: list[Verdict] = []
    for profile in dict.fromkeys(r["profile"] for r in results):
        ours = {r["scenario"]: r for r in results if r["profile"] == profile}
        found.extend(_profile_verdicts(profile, ours))
    return found


def _profile_verdicts(profile: str, ours: dict[str, Result]) -> Iterable[Verdict]:
    for key in SENDS:
        if key in ours:
            share = cap_share(ours[key])
            yield Verdict(
                profile,
                f"{key} >= {SEND_CAP_SHARE:.0f}% of cap",
                share >= SEND_CAP_SHARE,
                f"{share:.0f}%",
            )
    for key in EXPORTS:
        if key in ours:
            per = ours[key]["requests"] / max(ours[key]["records"], 1)
            yield Verdict(
                profile,
                f"{key} <= 2 requests/product",
                per <= EXPORT_REQUESTS_PER_PRODUCT,
                f"{per:.3f}",
            )
    for key in RECEIVES:
        if key in ours:
            per100 = 100 * ours[key]["requests"] / max(ours[key]["records"], 1)
            yield Verdict(
                profile,
                f"{key} <= 1 request/100 records",
                per100 <= RECEIVE_REQUESTS_PER_100,
                f"{per100:.2f}",
            )
    if "receive-inventory" in ours:
        rss = ours["receive-inventory"]["rss_growth_mib"]
        n = ours["receive-inventory"]["records"]
        yield Verdict(
            profile,
            f"{n:,} inventory rows <= 50 MiB RSS growth",
            rss <= INVENTORY_RSS_MIB,
            f"{rss:.1f} MiB",
        )
    if "receive-inventory" in ours:
        yield from _inventory_read_verdicts(profile, ours["receive-inventory"])
    for key, result in ours.items():
        cpu = our_cpu_per_record_us(result)
        if not result["naive"] and cpu is not None:
            whole = cpu_per_record_us(result)
            yield Verdict(
                profile,
                f"{key} <= 200 µs of our CPU/record",
                cpu <= CPU_US_PER_RECORD,
                f"{cpu:,.0f} µs (whole client {whole:,.0f} µs)",
            )
    for key, naive in (("send-shipments", "naive-shipments"), ("send-receipts", "naive-receipts")):
        if key in ours and naive in ours and throughput(ours[naive]):
            ratio = throughput(ours[key]) / throughput(ours[naive])
            yield Verdict(profile, f"{key} >= 5x naive", ratio >= NAIVE_RATIO, f"{ratio:.1f}x")


def _inventory_read_verdicts(profile: str, result: Result) -> Iterable[Verdict]:
    """The snapshot's wall time (100,000 rows, default and high), and the rate
    while pages remain: requests over the seconds until the last page had
    been read (the run's last progress on rows read; the list's closing check,
    one round trip, comes after it)."""
    limit = INVENTORY_WALL_S.get(profile)
    if limit is not None and result["records"] == INVENTORY_ROWS:
        wall = result["wall_s"]
        yield Verdict(
            profile, f"100,000 inventory rows <= {limit:.0f} s", wall <= limit, f"{wall:.1f} s"
        )
    read = result.get("read_s")
    if read:
        share = 100 * result["requests"] / read / result["cap_rps"]
        yield Verdict(
            profile,
            f"receive-inventory >= {READ_CAP_SHARE:.0f}% of cap while pages remain",
            share >= READ_CAP_SHARE,
            f"{share:.0f}% ({result['requests']} requests in {read:.1f} s)",
        )
