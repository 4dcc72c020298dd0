"""The channel context: validated settings, a chosen profile, and no secret shown."""

import logging

import pytest

from techoms_core.context import ChannelConfig, open_context
from techoms_core.settings import (
    Choice,
    FieldType,
    SettingsError,
    SettingsField,
    SettingsSchema,
)
from techoms_core.throughput import HIGH
from tests.core.channel_plugins import declaration

SECRET = "s3cr3t-value-for-context-test"
SCHEMA = SettingsSchema(
    (
        SettingsField(key="api_url", label="Api Url", type=FieldType.URL, required=True),
        SettingsField(key="api_key", label="Api Key", type=FieldType.SECRET, required=True),
        SettingsField(
            key="throughput",
            label="Throughput",
            type=FieldType.CHOICE,
            choices=(Choice("low", "Low"), Choice("default", "Default"), Choice("high", "High")),
            default="default",
        ),
    )
)
DECLARATION = declaration("vault", settings=SCHEMA)


def config(**settings):
    return ChannelConfig(name="vault-east", plugin="vault", settings=settings)


def test_the_profile_follows_the_throughput_setting():
    raw = config(api_url="https://wms.example", api_key=SECRET, throughput="high")
    with open_context(DECLARATION, raw) as context:
        assert context.throughput == HIGH
        assert context.settings["api_key"].reveal() == SECRET


def test_invalid_settings_name_every_problem_and_never_the_secret():
    with pytest.raises(SettingsError) as caught:
        open_context(DECLARATION, config(api_url="http://wms.example", throughput="turbo"))
    text = str(caught.value)
    assert "api_url" in text and "api_key" in text and "throughput" in text


def test_secrets_are_masked_in_reprs_and_in_the_channel_log(caplog):
    raw = config(api_url="https://wms.example", api_key=SECRET)
    with open_context(DECLARATION, raw) as context:
        with caplog.at_level(logging.DEBUG, logger="techoms.channel"):
            context.log.info("calling with key %s", context.settings["api_key"].reveal())
        assert SECRET not in repr(context)
        assert SECRET not in repr(context.settings)
    assert caplog.records and all(SECRET not in r.getMessage() for r in caplog.records)
    assert "calling with key" in caplog.text
