"""Each channel of a scale run as an account of its own on one Leanafy sandbox.

Every channel gets an API key of its own, so the sandbox keeps its records,
counters and rate limit apart from every other channel's: its rate limit is the
cap of the channel's throughput profile (Leanafy refusing what goes beyond it
with 429), and its counters say how many requests it made, the most that
arrived within any one second, and how many were refused for exceeding the cap.
:func:`rate_summary` compares each channel's peak with its cap.

Everything is counted on arrival, and a request arrives while its client still
holds its throughput slot: the requests arriving within one second are those
started within it plus at most the ones in flight when it began. A channel that
keeps to its cap therefore shows at most ``ceil(cap) + concurrency`` there
(:func:`arrival_bound`); a connection's first request, which waits for the TCP
handshake, arrives late enough for one or two more than the cap to be usual.
So the rate limit lets that bound through at once (its burst) and refills at
the cap: a channel keeping to its cap is never refused, and a 429 means the
channel went beyond its cap.
"""

from __future__ import annotations

import math
import secrets
import statistics
from collections import defaultdict
from collections.abc import Iterable
from itertools import cycle
from typing import Any

from attrs import frozen

from bench.sandbox_process import SandboxAdmin
from bench.worker import fault_rules, leanafy_profile


@frozen
class ChannelAccount:
    """A channel's account on the sandbox, and the cap it is held to."""

    channel: str
    profile: str
    cap_rps: float
    concurrency: int
    api_key: str
    api_secret: str
    warehouse_id: str


def open_accounts(
    admin: SandboxAdmin,
    channels: Iterable[str],
    profiles: Iterable[str],
    *,
    latency_ms: float,
    skus: int = 1,
) -> list[ChannelAccount]:
    """An account for each channel (the profiles taken in turn), with ``skus``
    catalogue items, a latency of ``latency_ms`` on every request and a rate
    limit at its profile's cap.

    Keys carry a fresh tag, so a sandbox serving several runs never mixes them.
    """
    tag = secrets.token_hex(3)
    accounts = []
    for channel, key in zip(channels, cycle(profiles), strict=False):
        profile = leanafy_profile(key)
        cap, concurrency = profile.requests_per_second, profile.max_concurrency
        api_key, secret = f"scale-{tag}-{channel}", secrets.token_hex(16)
        created = admin.add_account(api_key, secret, client_name=channel)
        account = SandboxAdmin(admin.url, api_key, secret)
        account.generate_items(skus)
        account.set_faults(fault_rules(cap, latency_ms, burst=arrival_bound(cap, concurrency)))
        warehouse = created["warehouses"][0]["_id"]
        accounts.append(ChannelAccount(channel, key, cap, concurrency, api_key, secret, warehouse))
    return accounts


def arrival_bound(cap_rps: float, concurrency: int) -> int:
    """The most requests of a channel keeping to its cap that can arrive within
    one second: those it started in that second, and those still in flight."""
    return math.ceil(cap_rps) + concurrency


def channel_rates(sandbox_url: str, accounts: Iterable[ChannelAccount]) -> list[dict[str, Any]]:
    """Each channel's requests as its account counted them: how many, the most
    within one second (``peak_rps``), refusals for exceeding the cap
    (``rate_limited``), and its order creates by reference."""
    rows = []
    for account in accounts:
        admin = SandboxAdmin(sandbox_url, account.api_key, account.api_secret)
        counted = admin.counters()
        rows.append(
            {
                "channel": account.channel,
                "profile": account.profile,
                "cap_rps": account.cap_rps,
                "arrival_bound": arrival_bound(account.cap_rps, account.concurrency),
                "requests": sum(counted["requests"].values()),
                "peak_rps": counted["peak_requests_per_second"],
                "rate_limited": sum(counted["injected"].get("rate_limit", {}).values()),
                "order_creates": counted["creates"]["order"],
            }
        )
    return rows


def rate_summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Per profile: its cap and arrival bound, channels, their peaks (highest
    and median), how many channels' peaks were above the cap and above the
    arrival bound, how many channels Leanafy refused for exceeding the cap and
    with how many 429s; plus, by name, the channels that went beyond their cap
    (a 429, or a peak above the arrival bound)."""
    by_profile: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_profile[row["profile"]].append(row)
    profiles = {}
    for profile, members in by_profile.items():
        peaks = [row["peak_rps"] for row in members]
        profiles[profile] = {
            "cap_rps": members[0]["cap_rps"],
            "arrival_bound": members[0]["arrival_bound"],
            "channels": len(members),
            "peak_rps_max": max(peaks),
            "peak_rps_median": statistics.median(peaks),
            "requests_max": max(row["requests"] for row in members),
            "peak_above_cap": sum(1 for row in members if row["peak_rps"] > row["cap_rps"]),
            "peak_above_bound": sum(1 for r in members if r["peak_rps"] > r["arrival_bound"]),
            "channels_refused": sum(1 for row in members if row["rate_limited"]),
            "rate_limited_429s": sum(row["rate_limited"] for row in members),
        }
    beyond = _beyond(rows)
    return {
        "by_profile": profiles,
        "channels_beyond_cap": sorted(
            f"{row['channel']} ({row['profile']}): peak {row['peak_rps']}/s, cap "
            f"{row['cap_rps']:g}/s, {row['rate_limited']} refused"
            for row in beyond
        ),
        "caps_held": not beyond,
    }


def _beyond(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The channels that went beyond their cap: a 429, or a peak no channel
    keeping to its cap can show."""
    return [row for row in rows if row["rate_limited"] or row["peak_rps"] > row["arrival_bound"]]
