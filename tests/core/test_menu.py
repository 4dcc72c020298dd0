"""The Sync menu is derived from the implemented hooks and the Master Product Source."""

import pytest

from plugins.registry import Registry
from techoms_core.menu import NotInMenu, require_in_menu, sync_menu
from techoms_core.options import SYNC_OPTIONS, option_named
from techoms_core.plugin import NotSupported
from tests.core.channel_plugins import ALL_HOOKS, make_plugin

LEANAFY_LIKE = (
    "import_products",
    "export_products",
    "receive_inventory",
    "send_shipments",
    "receive_shipments",
    "send_receipts",
    "receive_receipts",
)


def load(key, hooks):
    registry = Registry()
    return registry.register(make_plugin(key, hooks), key)


def keys(menu):
    return [option.key for option in menu]


def test_menu_of_a_plugin_with_every_hook_follows_the_spec_order():
    plugin = load("full", ALL_HOOKS)
    assert keys(sync_menu(plugin, "east", "techoms")) == [
        "export-products",
        "update-products",
        "receive-inventory",
        "send-shipments",
        "cancel-shipments",
        "receive-shipments",
        "send-receipts",
        "receive-receipts",
    ]


def test_leanafy_like_menu_flips_with_the_master_product_source():
    plugin = load("wms", LEANAFY_LIKE)
    not_master = keys(sync_menu(plugin, "east", "techoms"))
    master = keys(sync_menu(plugin, "east", "east"))
    assert not_master == [
        "export-products",
        "receive-inventory",
        "send-shipments",
        "receive-shipments",
        "send-receipts",
        "receive-receipts",
    ]
    assert master == ["import-products", *not_master[1:]]
    # another channel being the master is the same as techOMS being it
    assert keys(sync_menu(plugin, "east", "west")) == not_master


@pytest.mark.parametrize("missing", ALL_HOOKS)
def test_each_hook_missing_removes_exactly_its_option(missing):
    plugin = load("partial", [hook for hook in ALL_HOOKS if hook != missing])
    menus = keys(sync_menu(plugin, "c", "techoms")) + keys(sync_menu(plugin, "c", "c"))
    assert all(option.hook != missing for option in plugin.implemented_options())
    missing_key = next(o.key for o in SYNC_OPTIONS if o.hook == missing)
    assert missing_key not in menus


def test_a_plugin_without_sync_hooks_has_an_empty_menu():
    assert sync_menu(load("bare", ()), "c") == ()


def test_require_in_menu_names_the_reason():
    plugin = load("wms", LEANAFY_LIKE)
    with pytest.raises(NotSupported, match="Cancel Shipments in Channel is not supported by Wms"):
        require_in_menu(plugin, "c", option_named("cancel-shipments"), "techoms")
    with pytest.raises(NotInMenu, match="Master Product Source is 'techoms'"):
        require_in_menu(plugin, "c", option_named("import-products"), "techoms")
    require_in_menu(plugin, "c", option_named("import-products"), "c")
