"""One account's store: its client, warehouses, items, inventory, orders and ARNs.

Every collection is kept in (``updated_at``, ``_id``) order: each change stamps the
record with a strictly increasing timestamp and moves it to the end, so listing is a
walk in insertion order. All access goes through :attr:`SandboxState.lock`.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import os
import secrets
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from .models import (
    Arn,
    Client,
    Credentials,
    InventoryRow,
    Item,
    Order,
    Warehouse,
    load_record,
    sku_key,
)

TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
FIRST_CODE = 1001
DOCUMENT_FORMAT = "leanafy-sandbox/1"


def format_timestamp(moment: datetime) -> str:
    """RFC 3339 UTC with microseconds: ``2024-05-01T12:00:00.000001Z``."""
    utc = moment.astimezone(UTC).replace(tzinfo=None)
    return f"{utc.isoformat(timespec='microseconds')}Z"


def parse_timestamp(text: str) -> datetime:
    """Read a timestamp written by :func:`format_timestamp`."""
    return datetime.strptime(text, TIMESTAMP_FORMAT).replace(tzinfo=UTC)


class MonotonicClock:
    """UTC timestamps that strictly increase: two changes never share one."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last = datetime(1970, 1, 1, tzinfo=UTC)

    def now(self) -> str:
        """The current time, or one microsecond past the last stamp if that is later."""
        with self._lock:
            moment = datetime.now(UTC)
            if moment <= self._last:
                moment = self._last + timedelta(microseconds=1)
            self._last = moment
        return format_timestamp(moment)

    def advance_past(self, stamp: str) -> None:
        """Never stamp at or before ``stamp`` (a timestamp read from a state file)."""
        with self._lock:
            self._last = max(self._last, parse_timestamp(stamp))


class IdSource:
    """24-hex ids shaped like MongoDB ObjectIds: seconds, a per-store random, a counter."""

    def __init__(self) -> None:
        self._random = secrets.randbits(40)
        self._counter = itertools.count(secrets.randbits(16))

    def new_id(self) -> str:
        """A fresh id, unique within this process."""
        count = next(self._counter) & 0xFFFFFF
        return f"{int(time.time()) & 0xFFFFFFFF:08x}{self._random:010x}{count:06x}"


def generate_credentials() -> Credentials:
    """A fresh API key and secret."""
    return Credentials(api_key=f"sbx_{secrets.token_hex(12)}", api_secret=secrets.token_hex(24))


class SandboxState:
    """Everything one account's Leanafy knows, guarded by one re-entrant lock."""

    def __init__(
        self, credentials: Credentials, client: Client, warehouses: list[Warehouse]
    ) -> None:
        self.lock = threading.RLock()
        self.clock = MonotonicClock()
        self.ids = IdSource()
        self.credentials = credentials
        self.client = client
        self.warehouses = warehouses
        self.revision = 0
        self.clear()

    def clear(self) -> None:
        """Drop every item, inventory row, order and ARN; restart the code sequences."""
        with self.lock:
            self.items: dict[str, Item] = {}
            self.sku_index: dict[str, str] = {}
            self.inventory: dict[tuple[str, str, str], InventoryRow] = {}
            self.orders: dict[str, Order] = {}
            self.arns: dict[str, Arn] = {}
            self.next_order_code = FIRST_CODE
            self.next_arn_code = FIRST_CODE
            self.revision += 1

    @property
    def warehouse_ids(self) -> list[str]:
        """The ids of the key's warehouses, in their order."""
        return [warehouse.id for warehouse in self.warehouses]

    @property
    def default_warehouse_id(self) -> str:
        """The warehouse used when a create names none: the client's first."""
        return self.warehouses[0].id

    def item_by_sku(self, sku: str) -> Item | None:
        """The item whose SKU matches ``sku`` (trimmed, any case), if any."""
        item_id = self.sku_index.get(sku_key(sku))
        return self.items.get(item_id) if item_id else None

    def add_item(self, item: Item) -> None:
        """Store a new item (its SKU must be free)."""
        self.sku_index[sku_key(item.sku)] = item.id
        self.items[item.id] = item
        self.revision += 1

    def take_order_code(self) -> int:
        """The next order ``code``."""
        code = self.next_order_code
        self.next_order_code += 1
        return code

    def take_arn_code(self) -> int:
        """The next ARN ``code``."""
        code = self.next_arn_code
        self.next_arn_code += 1
        return code

    def touch_order(self, order: Order) -> None:
        """Stamp a new or changed order and move it to the end of the order list."""
        self._touch(self.orders, order.id, order)

    def touch_arn(self, arn: Arn) -> None:
        """Stamp a new or changed ARN and move it to the end of the ARN list."""
        self._touch(self.arns, arn.id, arn)

    def touch_row(self, row: InventoryRow) -> None:
        """Stamp a new or changed inventory row and move it to the end."""
        self._touch(self.inventory, row.key, row)

    def _touch(self, collection: dict[Any, Any], key: Any, record: Any) -> None:
        record.updated_at = self.clock.now()
        collection.pop(key, None)
        collection[key] = record
        self.revision += 1

    def to_document(self) -> dict[str, Any]:
        """The whole state as one JSON-ready document (what a state file holds)."""
        with self.lock:
            return {
                "format": DOCUMENT_FORMAT,
                "credentials": dataclasses.asdict(self.credentials),
                "client": dataclasses.asdict(self.client),
                "warehouses": [dataclasses.asdict(w) for w in self.warehouses],
                "next_order_code": self.next_order_code,
                "next_arn_code": self.next_arn_code,
                "items": [dataclasses.asdict(r) for r in self.items.values()],
                "inventory": [dataclasses.asdict(r) for r in self.inventory.values()],
                "orders": [dataclasses.asdict(r) for r in self.orders.values()],
                "arns": [dataclasses.asdict(r) for r in self.arns.values()],
            }

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> SandboxState:
        """Rebuild a state from :meth:`to_document`'s output."""
        if document.get("format") != DOCUMENT_FORMAT:
            raise ValueError(f"not a sandbox state document ({DOCUMENT_FORMAT} expected)")
        state = cls(
            load_record(Credentials, document["credentials"]),
            load_record(Client, document["client"]),
            [load_record(Warehouse, w) for w in document["warehouses"]],
        )
        state.next_order_code = document["next_order_code"]
        state.next_arn_code = document["next_arn_code"]
        for item in _sorted(Item, document["items"]):
            state.add_item(item)
        for row in _sorted(InventoryRow, document["inventory"], key="item_id"):
            state.inventory[row.key] = row
        for order in _sorted(Order, document["orders"]):
            state.orders[order.id] = order
        for arn in _sorted(Arn, document["arns"]):
            state.arns[arn.id] = arn
        stamps = [
            r["updated_at"]
            for name in ("items", "inventory", "orders", "arns")
            for r in document[name]
        ]
        if stamps:
            state.clock.advance_past(max(stamps))
        return state

    @staticmethod
    def write_document(document: dict[str, Any], path: str | os.PathLike[str]) -> None:
        """Write a state document to ``path`` atomically (a temporary file, then a
        rename), readable by its owner only (0600): it holds the credentials."""
        temporary = f"{os.fspath(path)}.tmp"
        Path(temporary).unlink(missing_ok=True)  # a leftover keeps its mode; start anew
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with open(descriptor, "w", encoding="utf-8") as handle:
            json.dump(document, handle, separators=(",", ":"))
        os.replace(temporary, path)


def _sorted(cls: type[Any], rows: list[dict[str, Any]], key: str = "id") -> list[Any]:
    records = [load_record(cls, row) for row in rows]
    return sorted(records, key=lambda r: (r.updated_at, getattr(r, key)))
