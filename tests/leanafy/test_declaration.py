"""The Leanafy declaration and its derived Sync menu, through the registry."""

from __future__ import annotations

import pytest

from plugins.leanafy.declaration import DECLARATION
from plugins.registry import Registry
from techoms_core.menu import TECHOMS, sync_menu
from techoms_core.models import Feature, ReferenceLevel
from techoms_core.plugin import NotSupported
from techoms_core.settings import SettingsError, validate_settings

SETTINGS = {"api_url": "https://leanafy.example", "api_key": "k", "api_secret": "s"}


@pytest.fixture(scope="module")
def plugin():
    registry = Registry.discover()
    assert not [p for p in registry.problems if p.name == "leanafy"]
    return registry.get("leanafy")


def test_key_and_identity(plugin):
    assert plugin.declaration is DECLARATION
    assert plugin.declaration.key == "leanafy"
    assert plugin.declaration.display_name == "Leanafy"
    assert plugin.declaration.version


def test_menu_when_techoms_is_the_master_product_source(plugin):
    keys = [option.key for option in sync_menu(plugin, "leanafy-east", TECHOMS)]
    assert keys == [
        "export-products",
        "receive-inventory",
        "send-shipments",
        "receive-shipments",
        "send-receipts",
        "receive-receipts",
    ]


def test_menu_when_the_channel_is_the_master_product_source(plugin):
    keys = [option.key for option in sync_menu(plugin, "leanafy-east", "leanafy-east")]
    assert keys == [
        "import-products",
        "receive-inventory",
        "send-shipments",
        "receive-shipments",
        "send-receipts",
        "receive-receipts",
    ]


@pytest.mark.parametrize("hook", ["update_products", "cancel_shipments"])
def test_updates_and_cancellation_are_not_implemented(plugin, hook):
    assert not plugin.implements(hook)


def test_asking_for_an_unsupported_option_is_a_clear_error(plugin):
    with pytest.raises(NotSupported, match="Update Products in Channel is not supported by"):
        list(plugin.update_products(None, []))
    with pytest.raises(NotSupported, match="Cancel Shipments in Channel is not supported"):
        list(plugin.cancel_shipments(None, []))


def test_settings_defaults_and_sections():
    settings = validate_settings(DECLARATION.settings, SETTINGS)
    assert settings["throughput"] == "default"
    assert settings["suppress_pii"] is False
    assert settings["warehouse_id"] is None
    assert [f.key for f in DECLARATION.settings.fields] == [
        "api_url",
        "api_key",
        "api_secret",
        "throughput",
        "concurrent_requests",
        "requests_per_second",
        "warehouse_id",
        "suppress_pii",
    ]
    assert "concurrent_requests" not in settings and "requests_per_second" not in settings
    assert DECLARATION.settings.field("suppress_pii").section == "Advanced"
    assert DECLARATION.settings.secret_keys() == ("api_key", "api_secret")
    labels = {f.key: f.label for f in DECLARATION.settings.fields}
    assert labels["api_url"] == "Api Url"
    assert labels["warehouse_id"] == "Leanafy warehouse"


def test_settings_name_every_problem_at_once():
    with pytest.raises(SettingsError) as caught:
        validate_settings(DECLARATION.settings, {"api_url": "http://leanafy.example"})
    fields = {problem.field for problem in caught.value.problems}
    assert fields == {"api_url", "api_key", "api_secret"}


def test_throughput_choices():
    choices = [c.value for c in DECLARATION.settings.field("throughput").choices]
    assert choices == ["low", "default", "high", "custom"]
    with pytest.raises(SettingsError, match="throughput"):
        validate_settings(DECLARATION.settings, {**SETTINGS, "throughput": "turbo"})


def test_a_custom_throughput_needs_both_limits_within_leanafys_bounds():
    with pytest.raises(SettingsError) as caught:
        validate_settings(
            DECLARATION.settings, {**SETTINGS, "throughput": "custom", "concurrent_requests": "33"}
        )
    assert [str(problem) for problem in caught.value.problems] == [
        "concurrent_requests (Concurrent requests): must be at most 32, not 33",
        "requests_per_second (Requests per second): is required",
    ]
    custom = {**SETTINGS, "throughput": "custom", "concurrent_requests": "4"}
    settings = validate_settings(DECLARATION.settings, {**custom, "requests_per_second": "9"})
    assert (settings["concurrent_requests"], settings["requests_per_second"]) == (4, 9)


def test_features_export_fields_and_reference_properties():
    assert DECLARATION.features == {
        Feature.SKU_MAPPING,
        Feature.CARRIER_MAPPING,
        Feature.SO_REFERENCE_MAPPING,
        Feature.PO_REFERENCE_MAPPING,
        Feature.SUPPRESS_PII,
        Feature.LOT_NUMBERS,
        Feature.MANUAL_INVENTORY_SYNC,
        Feature.AUTO_INVENTORY_SYNC,
    }
    assert set(DECLARATION.required_export_fields) == {"name", "sku", "description", "uom"}
    so = DECLARATION.reference_properties[ReferenceLevel.SALES_ORDER]
    assert {"primary_reference_number", "instructions", "due_date"} <= set(so)
    po = DECLARATION.reference_properties[ReferenceLevel.PURCHASE_ORDER]
    assert {"primary_reference_number", "po_number", "instructions", "expected_date"} <= set(po)
