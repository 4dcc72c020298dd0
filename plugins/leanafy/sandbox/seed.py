"""Seed data: the client and its two warehouses (always), and the ``demo`` catalogue.

``empty``: the client ``Demo Client`` and its warehouses, nothing else.
``demo``: the same, plus a small catalogue (some items received by the case of 12,
one shipped by the pack of 6) and stock in lots in both warehouses.
The first account's ids are fixed so that docs and demo configurations can name
them; every account added later gets a client and two warehouses of its own, with
fresh ids and the same warehouse names (:func:`new_account_state`).
"""

from __future__ import annotations

from typing import Any

from . import stock
from .bodies import read_item
from .intake import build_item
from .models import Client, Credentials, Warehouse
from .state import IdSource, SandboxState
from .validation import FieldErrors

CLIENT = Client(id="65f1c0de0000000000000001", name="Demo Client")
MAIN_WAREHOUSE = Warehouse(id="65f1c0de00000000000000a1", name="Main Warehouse (Reno)")
EAST_WAREHOUSE = Warehouse(id="65f1c0de00000000000000a2", name="East Warehouse (Columbus)")
SEEDS = ("empty", "demo")

DEMO_ITEMS: list[dict[str, Any]] = [
    {"sku": "TEE-BLK-M", "name": "T-shirt black M", "description": "Cotton tee, black, M"},
    {"sku": "TEE-BLK-L", "name": "T-shirt black L", "description": "Cotton tee, black, L"},
    {"sku": "HOODIE-GRY-M", "name": "Hoodie grey M", "description": "Fleece hoodie, grey, M"},
    {
        "sku": "MUG-WHT-12OZ",
        "name": "Mug white 12 oz",
        "description": "Ceramic mug, white",
        "receiving_unit": "CASE",
        "receiving_unit_base_conversion": 12,
    },
    {
        "sku": "CANDLE-LAV",
        "name": "Candle lavender",
        "description": "Soy candle, lavender, 8 oz",
        "receiving_unit": "CASE",
        "receiving_unit_base_conversion": 12,
        "shipping_unit": "PACK",
        "shipping_unit_base_conversion": 6,
    },
    {
        "sku": "SOAP-OAT",
        "name": "Soap oat",
        "description": "Oat milk soap bar",
        "receiving_unit": "CASE",
        "receiving_unit_base_conversion": 12,
    },
    {"sku": "CAP-NVY", "name": "Cap navy", "description": "Baseball cap, navy"},
    {"sku": "BOTTLE-STEEL", "name": "Bottle steel", "description": "Steel bottle, 750 ml"},
]

MAIN, EAST = 0, 1  # a state's warehouses, in order
DEMO_STOCK: list[tuple[str, int, str | None, int, str | None]] = [
    ("TEE-BLK-M", MAIN, None, 120, None),
    ("TEE-BLK-L", MAIN, None, 80, None),
    ("TEE-BLK-M", EAST, None, 40, None),
    ("HOODIE-GRY-M", MAIN, None, 35, None),
    ("MUG-WHT-12OZ", MAIN, "LOT-MUG-2401", 144, None),
    ("MUG-WHT-12OZ", EAST, "LOT-MUG-2402", 48, None),
    ("CANDLE-LAV", MAIN, "LOT-CDL-2403", 60, "2026-03-31"),
    ("CANDLE-LAV", MAIN, "LOT-CDL-2405", 96, "2026-09-30"),
    ("SOAP-OAT", EAST, "LOT-SOAP-2404", 240, "2025-12-31"),
    ("CAP-NVY", MAIN, None, 0, None),
    ("BOTTLE-STEEL", EAST, None, 25, None),
]
_ACCOUNT_IDS = IdSource()


def new_state(credentials: Credentials) -> SandboxState:
    """A state for ``credentials`` holding only the client and its two warehouses."""
    return SandboxState(credentials, CLIENT, [MAIN_WAREHOUSE, EAST_WAREHOUSE])


def new_account_state(credentials: Credentials, client_name: str) -> SandboxState:
    """A state for another account: a client called ``client_name`` and two
    warehouses named as the first account's, all with fresh ids."""
    warehouses = [
        Warehouse(id=_ACCOUNT_IDS.new_id(), name=MAIN_WAREHOUSE.name),
        Warehouse(id=_ACCOUNT_IDS.new_id(), name=EAST_WAREHOUSE.name),
    ]
    return SandboxState(credentials, Client(id=_ACCOUNT_IDS.new_id(), name=client_name), warehouses)


def apply_seed(state: SandboxState, seed: str) -> None:
    """Add the records of ``seed`` (``empty`` or ``demo``) to a cleared state."""
    if seed not in SEEDS:
        raise ValueError(f"unknown seed {seed!r}; one of {', '.join(SEEDS)}")
    if seed == "demo":
        _seed_demo(state)


def _seed_demo(state: SandboxState) -> None:
    with state.lock:
        items = {}
        for body in DEMO_ITEMS:
            errors = FieldErrors()
            draft = read_item({"uom": "EA", "base_unit": "EA", **body}, errors)
            errors.raise_if_any()
            items[body["sku"]] = build_item(state, draft)
            state.add_item(items[body["sku"]])
        for sku, warehouse, lot, on_hand, expiry in DEMO_STOCK:
            warehouse_id = state.warehouses[warehouse].id
            stock.set_on_hand(state, items[sku], warehouse_id, lot, on_hand, expiry)
