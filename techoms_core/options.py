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
    key: str
    label: str
    hook: str
    direction: Direction
    records: str
    shape: Shape
    gate: ProductGate = ProductGate.NONE


SYNC_OPTIONS: tuple[SyncOption, ...] = (
    SyncOption(
        "import-products",
        "Import Products from Channel",
        "import_products",
        Direction.INBOUND,
        "products",
        Shape.RECEIVE,
        ProductGate.ONLY_WHEN_MASTER,
    ),
    SyncOption(
        "export-products",
        "Export Products to Channel",
        "export_products",
        Direction.OUTBOUND,
        "products",
        Shape.SEND,
        ProductGate.ONLY_WHEN_NOT_MASTER,
    ),
    SyncOption(
        "update-products",
        "Update Products in Channel",
        "update_products",
        Direction.OUTBOUND,
        "products",
        Shape.SEND,
        ProductGate.ONLY_WHEN_NOT_MASTER,
    ),
    SyncOption(
        "receive-inventory",
        "Receive Inventory Levels from Channel",
        "receive_inventory",
        Direction.INBOUND,
        "inventory levels",
        Shape.SNAPSHOT,
    ),
    SyncOption(
        "send-shipments",
        "Send Shipments to Channel",
        "send_shipments",
        Direction.OUTBOUND,
        "shipments",
        Shape.SEND,
    ),
    SyncOption(
        "cancel-shipments",
        "Cancel Shipments in Channel",
        "cancel_shipments",
        Direction.OUTBOUND,
        "shipments",
        Shape.SEND,
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
