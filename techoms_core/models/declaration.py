"""What a plugin declares about itself (spec §4)."""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

from attrs import field, frozen, validators

from techoms_core.models.fields import required_text
from techoms_core.settings import SettingsSchema
from techoms_core.throughput import STANDARD_PROFILES, ThroughputProfile

if TYPE_CHECKING:
    from techoms_core.http.conventions import WireConventions


class Feature(enum.StrEnum):
    """The columns of techOMS's channel master list."""

    SKU_MAPPING = "SKU Mapping"
    CARRIER_MAPPING = "Carrier Mapping"
    SO_REFERENCE_MAPPING = "SO Ref. Mapping"
    PO_REFERENCE_MAPPING = "PO Ref. Mapping"
    SUPPRESS_PII = "Suppress PII"
    PARTIAL_BACKORDER = "Partial Backorder"
    LOT_NUMBERS = "Lot #"
    NO_REGISTER = "No Register"
    MANUAL_INVENTORY_SYNC = "Manual Inventory Sync"
    AUTO_INVENTORY_SYNC = "Auto Inventory Sync"


class ReferenceLevel(enum.StrEnum):
    """Where a reference mapping applies."""

    SALES_ORDER = "sales_order"
    SALES_ORDER_LINE = "sales_order_line"
    PURCHASE_ORDER = "purchase_order"
    PURCHASE_ORDER_LINE = "purchase_order_line"


#: Product fields a plugin may require for export (names of ``Product`` attributes).
EXPORTABLE_PRODUCT_FIELDS = ("sku", "name", "description", "uom", "barcode", "weight")

_KEY = re.compile(r"^[a-z][a-z0-9_]*$")


def _plugin_key(instance, attribute, value) -> None:
    if not isinstance(value, str) or not _KEY.match(value):
        raise ValueError(f"key: must be lowercase letters, digits and '_' ({value!r})")


def _export_fields(instance, attribute, value) -> None:
    unknown = [name for name in value if name not in EXPORTABLE_PRODUCT_FIELDS]
    if unknown:
        raise ValueError(
            f"required_export_fields: unknown product fields {unknown} "
            f"(known: {', '.join(EXPORTABLE_PRODUCT_FIELDS)})"
        )


def _profiles(instance, attribute, value) -> None:
    if not value:
        raise ValueError("throughput_profiles: at least one profile is required")
    keys = [profile.key for profile in value]
    if len(keys) != len(set(keys)):
        raise ValueError("throughput_profiles: profile keys must be unique")


def _default_wire() -> WireConventions:
    # Imported on use: the models are read by hosts and tools that never open
    # a connection, and the HTTP toolkit (requests, tenacity) is slow to load.
    from techoms_core.http.conventions import WireConventions

    return WireConventions()


def _wire(instance, attribute, value) -> None:
    from techoms_core.http.conventions import WireConventions

    if not isinstance(value, WireConventions):
        raise TypeError(f"wire: must be WireConventions, not {type(value).__name__}")


def _reference_properties(value: Mapping) -> dict[ReferenceLevel, tuple[str, ...]]:
    return {ReferenceLevel(level): tuple(names) for level, names in dict(value).items()}


@frozen(kw_only=True)
class PluginDeclaration:
    """Everything the host needs to know about a plugin before calling it.

    ``required_export_fields`` name ``Product`` attributes the WMS needs: the
    core fails a product missing one of them before the plugin is called.
    ``reference_properties`` list, per level, the WMS properties a reference
    mapping may target. ``throughput_profiles`` default to Low/Default/High.
    """

    key: str = field(validator=_plugin_key)
    display_name: str = field(validator=required_text)
    version: str = field(validator=required_text)
    settings: SettingsSchema = field(validator=validators.instance_of(SettingsSchema))
    beta: bool = False
    description: str = ""
    features: frozenset[Feature] = field(
        factory=frozenset, converter=lambda items: frozenset(Feature(i) for i in items)
    )
    required_export_fields: tuple[str, ...] = field(
        default=("sku", "name", "uom"), converter=tuple, validator=_export_fields
    )
    throughput_profiles: tuple[ThroughputProfile, ...] = field(
        default=STANDARD_PROFILES, converter=tuple, validator=_profiles
    )
    reference_properties: dict[ReferenceLevel, tuple[str, ...]] = field(
        factory=dict, converter=_reference_properties
    )
    wire: WireConventions = field(factory=_default_wire, validator=_wire)

    def __attrs_post_init__(self) -> None:
        declared = {settings_field.key for settings_field in self.settings.fields}
        secret = set(self.settings.secret_keys())
        unknown = [key for key in self.wire.setting_keys() if key not in declared]
        if unknown:
            raise ValueError(f"wire: reads setting(s) {unknown} that the settings do not declare")
        plain = [key for key in self.wire.auth_headers.values() if key not in secret]
        if plain:
            raise ValueError(f"wire: auth_headers must name secret settings, not {plain}")
