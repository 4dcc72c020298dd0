"""Each channel of a scale run as an account of its own on one Leanafy sandbox.

Every channel gets an API key of its own, so the sandbox keeps its records,
counters and rate limit apart from every other channel's: its rate limit is set
to the cap of the channel's throughput profile (Leanafy refusing what goes
beyond it with 429), and its counters say how many requests it made, the most
that arrived within any one second, and how many were refused for exceeding the
cap. :func:`rate_summary` compares each channel's peak with its cap.
"""

from __future__ import annotations

import secrets
import statistics
from collections import defaultdict
from collections.abc import Iterable
from itertools import cycle
from typing import Any

from attrs import frozen

from bench.sandbox_process import SandboxAdmin
from bench.worker import fault_rules, profile_rate


@frozen
class ChannelAccount:
    """A channel's account on the sandbox, and the cap it is held to."""

    channel: str
    profile: str
    cap_rps: float
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
    caps: dict[str, float] = {}
    accounts = []
    for channel, profile in zip(channels, cycle(profiles), strict=False):
        cap = caps.setdefault(profile, profile_rate(profile))
        key, secret = f"scale-{tag}-{channel}", secrets.token_hex(16)
        warehouse = admin.add_account(key, secret, client_name=channel)["warehouses"][0]["_id"]
        account = SandboxAdmin(admin.url, key, secret)
        account.generate_items(skus)
        account.set_faults(fault_rules(cap, latency_ms))
        accounts.append(ChannelAccount(channel, profile, cap, key, secret, warehouse))
    return accounts


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
                "requests": sum(counted["requests"].values()),
                "peak_rps": counted["peak_requests_per_second"],
                "rate_limited": sum(counted["injected"].get("rate_limit", {}).values()),
                "order_creates": counted["creates"]["order"],
            }
        )
    return rows


def rate_summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Per profile: its cap, channels, their peaks (highest and median), how
    many channels went above the cap, and the 429s Leanafy answered them for
    exceeding it; plus the channels above their cap, by name."""
    by_profile: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_profile[row["profile"]].append(row)
    profiles = {}
    for profile, members in by_profile.items():
        peaks = [row["peak_rps"] for row in members]
        profiles[profile] = {
            "cap_rps": members[0]["cap_rps"],
            "channels": len(members),
            "peak_rps_max": max(peaks),
            "peak_rps_median": statistics.median(peaks),
            "requests_max": max(row["requests"] for row in members),
            "channels_over_cap": sum(1 for row in members if row["peak_rps"] > row["cap_rps"]),
            "rate_limited_429s": sum(row["rate_limited"] for row in members),
        }
    over = [row for row in rows if row["peak_rps"] > row["cap_rps"] or row["rate_limited"]]
    return {
        "by_profile": profiles,
        "channels_over_cap": sorted(
            f"{row['channel']} ({row['profile']}): peak {row['peak_rps']}/s, cap "
            f"{row['cap_rps']:g}/s, {row['rate_limited']} refused"
            for row in over
        ),
        "caps_held": not over,
    }
