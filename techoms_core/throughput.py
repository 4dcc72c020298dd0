"""Throughput profiles: how hard a channel may drive its WMS.

A profile caps both the number of requests in flight and the request rate. The
core enforces the cap for every request a plugin makes through the channel's
HTTP session (see :mod:`techoms_core.http`); a plugin only picks the profile
named by its ``throughput`` setting and keeps the pipe full within it.
:func:`throughput_settings` declares that setting, optionally with a
``custom`` choice whose cap the user sets.
"""

from __future__ import annotations

from collections.abc import Mapping

from attrs import field, frozen, validators

from techoms_core.settings import Choice, Condition, FieldType, SettingsField


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


#: The setting that names a channel's throughput profile, when its schema has one.
THROUGHPUT_SETTING = "throughput"
#: The throughput choice whose cap the user sets with the two settings below.
CUSTOM = "custom"
CONCURRENCY_SETTING = "concurrent_requests"
RATE_SETTING = "requests_per_second"


@frozen
class CustomLimits:
    """The highest cap a user may set with the ``custom`` throughput choice."""

    max_concurrency: int = field(validator=_positive)
    max_requests_per_second: int = field(validator=_positive)


def throughput_settings(
    profiles: tuple[ThroughputProfile, ...] = STANDARD_PROFILES,
    *,
    custom: CustomLimits | None = None,
    default: str = DEFAULT.key,
    help: str = "How hard techOMS may drive the WMS.",
) -> tuple[SettingsField, ...]:
    """The ``throughput`` setting offering ``profiles``, and with ``custom``
    also a ``custom`` choice revealing two settings, ``concurrent_requests``
    and ``requests_per_second`` (shown and required only while ``custom`` is
    chosen). The core builds the channel's profile from them
    (:func:`profile_for`) and enforces it like any other."""
    choices = tuple(Choice(profile.key, profile.label) for profile in profiles)
    described = "; ".join(
        f"{p.label} {p.max_concurrency} / {p.requests_per_second:g}" for p in profiles
    )
    text = f"{help} Concurrent requests / requests per second: {described}."
    if custom is None:
        return (_throughput_choice(choices, default, text),)
    text += " Custom: set both below."
    return (
        _throughput_choice((*choices, Choice(CUSTOM, "Custom")), default, text),
        _custom_limit(
            CONCURRENCY_SETTING,
            "Concurrent requests",
            custom.max_concurrency,
            "The most requests in flight at once.",
        ),
        _custom_limit(
            RATE_SETTING,
            "Requests per second",
            custom.max_requests_per_second,
            "The most requests started in any one second.",
        ),
    )


def _custom_limit(key: str, label: str, highest: int, text: str) -> SettingsField:
    """A limit of the custom throughput: shown and required only for ``custom``."""
    return SettingsField(
        key=key,
        label=label,
        type=FieldType.INT,
        required=True,
        min=1,
        max=highest,
        conditions=(Condition.show_when(THROUGHPUT_SETTING, CUSTOM),),
        help=text,
    )


def _throughput_choice(choices: tuple[Choice, ...], default: str, text: str) -> SettingsField:
    return SettingsField(
        key=THROUGHPUT_SETTING,
        label="Throughput",
        type=FieldType.CHOICE,
        choices=choices,
        default=default,
        help=text,
    )


def profile_for(profiles: tuple[ThroughputProfile, ...], settings: Mapping) -> ThroughputProfile:
    """The profile a channel's validated settings choose: the one named by
    ``throughput``, a custom profile built from ``concurrent_requests`` and
    ``requests_per_second`` when it is ``custom``, and the ``default`` profile
    (else the first) when the settings name none. Partial settings (a form
    still being filled in) whose custom cap is not set yet get the default."""
    chosen = settings.get(THROUGHPUT_SETTING)
    if chosen == CUSTOM:
        concurrency, rate = settings.get(CONCURRENCY_SETTING), settings.get(RATE_SETTING)
        if concurrency and rate:
            return ThroughputProfile(
                CUSTOM, "Custom", max_concurrency=concurrency, requests_per_second=rate
            )
    elif chosen is not None:
        return profile_named(profiles, str(chosen))
    return next((p for p in profiles if p.key == DEFAULT.key), profiles[0])
