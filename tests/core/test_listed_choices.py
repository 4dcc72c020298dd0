"""Listed choices are reused for a short while, per field and per the values read."""

from __future__ import annotations

import pytest

from techoms_core.listed_choices import MOST_KEPT, NOT_KEPT, ListedChoices
from techoms_core.secrets import Secret
from techoms_core.settings import Choice, FieldType, SettingsField

DEPOT = SettingsField(
    key="depot", label="Depot", type=FieldType.TEXT, choices_from=("api_url", "api_key")
)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def listing(answers: list[str]):
    def listed():
        answers.append("asked")
        return (Choice(f"d{len(answers)}", "Depot"),)

    return listed


def test_choices_are_reused_until_they_expire_or_the_values_change():
    clock, asked = Clock(), []
    kept = ListedChoices(keep_seconds=30, clock=clock)
    settings = {"api_url": "https://wms.example", "api_key": Secret("k1"), "other": 1}

    first = kept.get_or_list(DEPOT, settings, listing(asked))
    clock.now += 29
    assert kept.get_or_list(DEPOT, {**settings, "other": 2}, listing(asked)) == first
    assert len(asked) == 1

    kept.get_or_list(DEPOT, {**settings, "api_key": Secret("k2")}, listing(asked))
    assert len(asked) == 2
    clock.now += 2
    assert kept.get_or_list(DEPOT, settings, listing(asked)) != first
    assert len(asked) == 3


def test_a_refusal_is_not_kept_and_secrets_are_not_keys():
    kept = ListedChoices()
    settings = {"api_url": "https://wms.example", "api_key": Secret("very-secret-key")}

    def refused():
        raise LookupError("refused")

    for _ in range(2):
        with pytest.raises(LookupError):
            kept.get_or_list(DEPOT, settings, refused)
    assert kept._kept == {}
    kept.get_or_list(DEPOT, settings, listing([]))
    assert "very-secret-key" not in repr(kept._kept)


def test_only_the_newest_lists_are_kept():
    kept, asked = ListedChoices(), []
    for number in range(MOST_KEPT + 5):
        kept.get_or_list(DEPOT, {"api_url": f"https://w{number}.example"}, listing(asked))
    assert len(kept._kept) == MOST_KEPT
    kept.get_or_list(DEPOT, {"api_url": "https://w0.example"}, listing(asked))
    assert len(asked) == MOST_KEPT + 6


def test_kept_answers_without_listing_and_each_channel_keeps_its_own():
    clock, asked = Clock(), []
    kept = ListedChoices(keep_seconds=30, clock=clock)
    settings = {"api_url": "https://wms.example", "api_key": Secret("k1")}
    assert kept.kept(DEPOT, settings, scope="east") is NOT_KEPT
    listed = kept.get_or_list(DEPOT, settings, listing(asked), scope="east")
    assert kept.kept(DEPOT, settings, scope="east") == listed
    # The same credentials on another channel are listed for that channel.
    assert kept.kept(DEPOT, settings, scope="west") is NOT_KEPT
    kept.get_or_list(DEPOT, settings, listing(asked), scope="west")
    assert asked == ["asked", "asked"]
    clock.now += 31
    assert kept.kept(DEPOT, settings, scope="east") is NOT_KEPT
