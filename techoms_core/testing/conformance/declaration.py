"""Checks of what a plugin is: its declaration, its hooks, its entry point,
and the Sync menu the host derives from them."""

from __future__ import annotations

from importlib.metadata import entry_points

from techoms_core.menu import sync_menu
from techoms_core.models import Feature, PluginDeclaration, ReferenceLevel
from techoms_core.options import ProductGate
from techoms_core.settings import FieldType
from techoms_core.testing.conformance.base import ConformanceBase
from techoms_core.testing.contexts import registry_with

SALES_ORDER_LEVELS = (ReferenceLevel.SALES_ORDER, ReferenceLevel.SALES_ORDER_LINE)
PURCHASE_ORDER_LEVELS = (ReferenceLevel.PURCHASE_ORDER, ReferenceLevel.PURCHASE_ORDER_LINE)
INVENTORY_FEATURES = (Feature.MANUAL_INVENTORY_SYNC, Feature.AUTO_INVENTORY_SYNC)


class DeclarationChecks(ConformanceBase):
    """The declaration is complete, the hooks load, the menu follows the features."""

    def test_declaration_is_complete(self) -> None:
        declaration = self.hooks.call("channel_declaration")
        assert isinstance(declaration, PluginDeclaration), (
            f"channel_declaration returned {type(declaration).__name__}, not a PluginDeclaration"
        )
        gaps = []
        for name in ("display_name", "version", "description"):
            if not str(getattr(declaration, name) or "").strip():
                gaps.append(f"{name} is empty")
        for settings_field in declaration.settings.fields:
            if not settings_field.label.strip():
                gaps.append(f"setting {settings_field.key!r} has no label")
        if self.implements("export_products") and "sku" not in declaration.required_export_fields:
            gaps.append("required_export_fields lacks 'sku', and export_products is implemented")
        assert not gaps, "the declaration is incomplete: " + "; ".join(gaps)

    def test_plugin_loads_without_problems(self) -> None:
        from techoms_core.registry import PluginLoadError

        key = self.declaration.key
        try:
            registry = registry_with(type(self).plugin, key)
        except PluginLoadError as error:
            raise AssertionError(f"the registry refuses the plugin: {error.problem}") from None
        assert registry.problems == []
        assert [plugin.key for plugin in registry.plugins()] == [key]

    def test_entry_point_discovers_the_plugin(self) -> None:
        from techoms_core.registry import ENTRY_POINT_GROUP, Registry

        key = self.declaration.key
        found = [e for e in entry_points(group=ENTRY_POINT_GROUP) if e.name == key]
        assert found, (
            f"no {ENTRY_POINT_GROUP!r} entry point named {key!r} is installed: declare "
            f'{key} = "<your hooks module>" under [project.entry-points."{ENTRY_POINT_GROUP}"] '
            "and reinstall the package (pip install -e .)"
        )
        assert len(found) == 1, f"{len(found)} installed packages declare the key {key!r}"
        assert found[0].load() is type(self).plugin, (
            f"the entry point {found[0].value!r} loads another object than the plugin tested"
        )
        registry = Registry.discover()
        problems = [str(problem) for problem in registry.problems if problem.name == key]
        assert not problems, f"discovery reports: {problems}"
        assert key in registry

    def test_menu_is_derived_from_the_hooks(self) -> None:
        plugin = registry_with(type(self).plugin).get(self.declaration.key)
        implemented = plugin.implemented_options()
        channel = "conformance"
        as_master = [o.key for o in sync_menu(plugin, channel, master_product_source=channel)]
        not_master = [o.key for o in sync_menu(plugin, channel)]
        assert as_master == [
            o.key for o in implemented if o.gate is not ProductGate.ONLY_WHEN_NOT_MASTER
        ]
        assert not_master == [
            o.key for o in implemented if o.gate is not ProductGate.ONLY_WHEN_MASTER
        ]
        for option in implemented:
            assert self.implements(option.hook), f"{option.key} in the menu without its hook"

    def test_features_agree_with_the_hooks(self) -> None:
        problems = feature_problems(self.declaration, self.implements)
        assert not problems, "declared features contradict the hooks: " + "; ".join(problems)


def feature_problems(declaration: PluginDeclaration, implements) -> list[str]:
    """Every way the declared features and the implemented hooks disagree."""
    features = declaration.features
    problems: list[str] = []

    def need(feature: Feature, hooks: tuple[str, ...]) -> None:
        if feature in features and not any(implements(hook) for hook in hooks):
            problems.append(f"{feature.value} is declared, but none of {', '.join(hooks)} is")

    has_inventory_feature = any(f in features for f in INVENTORY_FEATURES)
    if implements("receive_inventory") and not has_inventory_feature:
        problems.append(
            "receive_inventory is implemented, but neither Manual nor Auto Inventory Sync "
            "is declared"
        )
    need(Feature.MANUAL_INVENTORY_SYNC, ("receive_inventory",))
    need(Feature.AUTO_INVENTORY_SYNC, ("receive_inventory",))
    need(Feature.SO_REFERENCE_MAPPING, ("send_shipments",))
    need(Feature.PO_REFERENCE_MAPPING, ("send_receipts",))
    need(Feature.CARRIER_MAPPING, ("send_shipments", "receive_shipments"))
    need(Feature.SUPPRESS_PII, ("send_shipments",))
    need(Feature.PARTIAL_BACKORDER, ("send_shipments", "receive_shipments"))
    need(Feature.LOT_NUMBERS, ("send_receipts", "receive_receipts", "receive_inventory"))
    offered = declaration.reference_properties
    for feature, levels in (
        (Feature.SO_REFERENCE_MAPPING, SALES_ORDER_LEVELS),
        (Feature.PO_REFERENCE_MAPPING, PURCHASE_ORDER_LEVELS),
    ):
        if feature in features and not any(offered.get(level) for level in levels):
            problems.append(
                f"{feature.value} is declared, but reference_properties offers no property "
                f"at the {' or '.join(level.value for level in levels)} level"
            )
    if Feature.SUPPRESS_PII in features:
        pii = next((f for f in declaration.settings.fields if f.key == "suppress_pii"), None)
        if pii is None or pii.type is not FieldType.BOOL:
            problems.append("Suppress PII is declared, but there is no bool setting suppress_pii")
    return problems
