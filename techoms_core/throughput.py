"""Throughput profiles: how hard a channel may drive its WMS.

A profile caps both the number of requests in flight and the request rate. The
core enforces the cap for every request a plugin makes through the channel's
HTTP session (see :mod:`techoms_core.http`); a plugin only picks the profile
named by its ``throughput`` setting and keeps the pipe full within it.
"""

from __future__ import annotations

from attrs import field, frozen, validators


def _positive(instance, attribute, value) -> None:
    if value <= 0:
        raise ValueError(f"{attribute.name} must be positive, got {value!r}")


@frozen
class ThroughputProfile:
    """A named cap: at most ``max_concurrency`` requests in flight and
    ``requests_per_second`` requests started per second."""

    key: str = field(validator=validators.min_len(1))
    label: str
    max_concurrency: int = field(validator=_positive)
    requests_per_second: float = field(validator=_positive)


LOW = ThroughputProfile("low", "Low", max_concurrency=2, requests_per_second=5)
DEFAULT = ThroughputProfile("default", "Default", max_concurrency=8, requests_per_second=40)
HIGH = ThroughputProfile("high", "High", max_concurrency=16, requests_per_second=120)

#: The profiles every plugin gets unless it declares its own.
STANDARD_PROFILES: tuple[ThroughputProfile, ...] = (LOW, DEFAULT, HIGH)


def profile_named(profiles: tuple[ThroughputProfile, ...], key: str) -> ThroughputProfile:
    """Return the profile called ``key``; raise ``KeyError`` naming the choices."""
    for profile in profiles:
        if profile.key == key:
            return profile
    choices = ", ".join(p.key for p in profiles)
    raise KeyError(f"unknown throughput profile {key!r} (choices: {choices})")
