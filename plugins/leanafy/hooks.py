"""The Leanafy plugin's hook implementations (entry point ``leanafy``).

Each hook builds a :class:`~plugins.leanafy.client.LeanafyClient` on the
context's session and hands over to the module that does the work. Leanafy
has no product update and no order cancellation in its API, so
``update_products`` and ``cancel_shipments`` are deliberately not here: the
Sync menu, derived from these implementations, never offers them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from plugins.leanafy import health, inventory, warehouses
from plugins.leanafy import products as product_flow
from plugins.leanafy import receipts as receipt_flow
from plugins.leanafy import shipments as shipment_flow
from plugins.leanafy.client import LeanafyClient
from plugins.leanafy.declaration import DECLARATION, Setting
from techoms_core import hookimpl

if TYPE_CHECKING:
    from techoms_core.context import ChannelContext
    from techoms_core.models import (
        HealthReport,
        InventoryLevel,
        Page,
        PluginDeclaration,
        Product,
        Receipt,
        ReceiptUpdate,
        RecordResult,
        Shipment,
        ShipmentUpdate,
    )
    from techoms_core.settings import Choice, SettingsField


@hookimpl
def channel_declaration() -> PluginDeclaration:
    """Key ``leanafy``, its settings, features and required export fields."""
    return DECLARATION


@hookimpl
def health_check(context: ChannelContext) -> HealthReport:
    """Credentials, ``/v1/me`` and the configured warehouse; never raises."""
    return health.check(context)


@hookimpl
def settings_field_choices(
    context: ChannelContext, field: SettingsField
) -> Sequence[Choice] | None:
    """The account's warehouses (``GET /v1/me``) for the Leanafy warehouse."""
    if field.key == Setting.WAREHOUSE_ID:
        return warehouses.choices(context)
    return None


@hookimpl
def import_products(context: ChannelContext, cursor: str | None) -> Iterator[Page[Product]]:
    """Leanafy's items changed since ``cursor``."""
    return product_flow.import_pages(LeanafyClient(context), cursor)


@hookimpl
def export_products(context: ChannelContext, products: Sequence[Product]) -> Iterable[RecordResult]:
    """Create the items Leanafy lacks; existing ones are skipped, never updated."""
    return product_flow.export(LeanafyClient(context), products)


@hookimpl
def receive_inventory(context: ChannelContext) -> Iterator[Page[InventoryLevel]]:
    """The channel warehouse's stock, one level per SKU summed over lots."""
    return inventory.snapshot(context, LeanafyClient(context))


@hookimpl
def send_shipments(
    context: ChannelContext, shipments: Sequence[Shipment]
) -> Iterable[RecordResult]:
    """Create a Leanafy order per shipment, never twice."""
    return shipment_flow.send(context, LeanafyClient(context), shipments)


@hookimpl
def receive_shipments(
    context: ChannelContext, cursor: str | None
) -> Iterator[Page[ShipmentUpdate]]:
    """Orders shipped, closed or cancelled since ``cursor``."""
    return shipment_flow.receive(context, LeanafyClient(context), cursor)


@hookimpl
def send_receipts(context: ChannelContext, receipts: Sequence[Receipt]) -> Iterable[RecordResult]:
    """Create a Leanafy ARN per receipt, never twice."""
    return receipt_flow.send(context, LeanafyClient(context), receipts)


@hookimpl
def receive_receipts(context: ChannelContext, cursor: str | None) -> Iterator[Page[ReceiptUpdate]]:
    """ARNs Leanafy has closed since ``cursor``."""
    return receipt_flow.receive(context, LeanafyClient(context), cursor)


@hookimpl
def register_commands(cli: object) -> None:
    """``techoms sandbox`` and ``techoms demo``, for trying Leanafy without an account."""
    from plugins.leanafy.commands import add_commands

    add_commands(cli)
