"""Inventory levels: a WMS's stock of one SKU, in base units."""

from __future__ import annotations

from attrs import field, frozen, validators

from techoms_core.models.fields import non_negative_int, required_text, trimmed
from techoms_core.models.sku import sku_key


@frozen(kw_only=True)
class InventoryLevel:
    """Stock of one SKU in the channel's warehouse, summed over lots.

    ``available`` may be below zero when a WMS has allocated more than it holds.
    """

    sku: str = field(converter=trimmed, validator=required_text)
    on_hand: int = field(validator=non_negative_int)
    allocated: int = field(validator=non_negative_int)
    available: int = field(validator=validators.instance_of(int))

    @property
    def sku_key(self) -> str:
        return sku_key(self.sku)

    @property
    def key(self) -> str:
        return self.sku
