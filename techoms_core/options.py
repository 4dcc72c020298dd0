"""The sync options of spec §3: one hook each, in Sync-menu order.

This table is the single place that ties an option key (``send-shipments``) to
its hook (``send_shipments``), its menu label and its shape. The Sync menu of a
channel is derived from it and from the hooks the channel's plugin implements
(:mod:`techoms_core.menu`).
"""

from __future__ import annotations

import enum

from attrs import frozen


class Direction(enum.StrEnum):
    OUTBOUND = "OMS -> WMS"
    INBOUND = "WMS -> OMS"


class Shape(enum.StrEnum):
    """How a hook exchanges records with the runner."""

    SEND = "send"  # takes a batch of records, returns one RecordResult per record
    RECEIVE = "receive"  # takes a cursor, yields Pages
    SNAPSHOT = "snapshot"  # takes nothing, yields Pages of a full snapshot


class ProductGate(enum.Enum):
    """The Master Product Source gate of a product option."""

    NONE = "none"
    ONLY_WHEN_MASTER = "only when the channel is the Master Product Source"
    ONLY_WHEN_NOT_MASTER = "only when the channel is not the Master Product Source"


@frozen
class SyncOption:
    """One sync option, with everything needed to call its hook and treat its records.

    :ivar records: what travels, in words (``"shipment updates"``).
    :ivar batch: a send hook's batch parameter (``"shipments"``); ``None`` for
        receives and snapshots.
    :ivar keyed_by_sku: whether the records are identified by their SKU
        (products, inventory levels), so SKU mappings translate their keys too;
        sent SKU-keyed records are products, screened for required fields.
    """

    key: str
    label: str
    hook: str
    direction: Direction
    records: str
    shape: Shape
    gate: ProductGate = ProductGate.NONE
    batch: str | None = None
    keyed_by_sku: bool = False

    def arguments(self, *, batch: object = None, cursor: str | None = None) -> dict[str, object]:
        """The hook's keyword arguments besides ``context``: a send's batch,
        a receive's cursor, nothing for a snapshot."""
        if self.shape is Shape.SEND:
            return {self.batch: batch}
        if self.shape is Shape.RECEIVE:
            return {"cursor": cursor}
        return {}


SYNC_OPTIONS: tuple[SyncOption, ...] = (
    SyncOption(
        "import-products",
        "Import Products from Channel",
        "import_products",
        Direction.INBOUND,
        "products",
        Shape.RECEIVE,
        ProductGate.ONLY_WHEN_MASTER,
        keyed_by_sku=True,
    ),
    SyncOption(
        "export-products",
        "Export Products to Channel",
        "export_products",
        Direction.OUTBOUND,
        "products",
        Shape.SEND,
        ProductGate.ONLY_WHEN_NOT_MASTER,
        batch="products",
        keyed_by_sku=True,
    ),
    SyncOption(
        "update-products",
        "Update Products in Channel",
        "update_products",
        Direction.OUTBOUND,
        "products",
        Shape.SEND,
        ProductGate.ONLY_WHEN_NOT_MASTER,
        batch="products",
        keyed_by_sku=True,
    ),
    SyncOption(
        "receive-inventory",
        "Receive Inventory Levels from Channel",
        "receive_inventory",
        Direction.INBOUND,
        "inventory levels",
        Shape.SNAPSHOT,
        keyed_by_sku=True,
    ),
    SyncOption(
        "send-shipments",
        "Send Shipments to Channel",
        "send_shipments",
        Direction.OUTBOUND,
        "shipments",
        Shape.SEND,
        batch="shipments",
    ),
    SyncOption(
        "cancel-shipments",
        "Cancel Shipments in Channel",
        "cancel_shipments",
        Direction.OUTBOUND,
        "shipments",
        Shape.SEND,
        batch="shipments",
    ),
    SyncOption(
        "receive-shipments",
        "Receive Shipments from Channel",
        "receive_shipments",
        Direction.INBOUND,
        "shipment updates",
        Shape.RECEIVE,
    ),
    SyncOption(
        "send-receipts",
        "Send Receipts to Channel",
        "send_receipts",
        Direction.OUTBOUND,
        "receipts",
        Shape.SEND,
        batch="receipts",
    ),
    SyncOption(
        "receive-receipts",
        "Receive Receipts from Channel",
        "receive_receipts",
        Direction.INBOUND,
        "receipt updates",
        Shape.RECEIVE,
    ),
)

OPTIONS_BY_KEY = {option.key: option for option in SYNC_OPTIONS}
OPTIONS_BY_HOOK = {option.hook: option for option in SYNC_OPTIONS}


class UnknownOption(KeyError):
    def __str__(self) -> str:
        return f"unknown sync option {self.args[0]!r} (options: {', '.join(OPTIONS_BY_KEY)})"


def option_named(key: str) -> SyncOption:
    """The option for ``key`` (``send-shipments``); raises :class:`UnknownOption`."""
    try:
        return OPTIONS_BY_KEY[key]
    except KeyError:
        raise UnknownOption(key) from None
