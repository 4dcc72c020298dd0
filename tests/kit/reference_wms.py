"""A reference WMS on 127.0.0.1 that supports every sync option, for testing
the conformance suite itself against a plugin that uses all of them.

Records live in memory. Every change the warehouse makes (an order shipped, a
receipt closed, an item added) is appended to a feed with a sequence number;
lists of changes are read ``after`` a sequence number, ``limit`` at a time.
It answers the suite's questions (``channel_settings``, ``created_count``,
``known_skus``, ``make_receivable``) itself.
"""

from __future__ import annotations

import itertools
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from techoms_core.models import Product
from techoms_core.testing.samples import refused_variant, sample_receipts, sample_shipments

API_KEY = "reference-key-5e1f0c"
#: The WMS refuses to create an item of this name.
REFUSED_NAME = "REFUSE ME"
KNOWN_SKUS = ("REF-1", "REF-2")
#: The depots the account may ship from: (id, name).
DEPOTS = (("dep-north", "North"), ("dep-south", "South"))
PAGE_LIMIT = 2
FEEDS = {"shipped": "receive-shipments", "closed": "receive-receipts", "catalog": "import-products"}


class ReferenceWms:
    """The reference WMS; a context manager that serves while inside."""

    def __init__(self) -> None:
        self.items = {s: {"sku": s, "name": s, "id": f"items-{s}"} for s in KNOWN_SKUS}
        self.orders: list[dict[str, Any]] = []
        self.receipts: list[dict[str, Any]] = []
        self.stock: dict[str, int] = dict.fromkeys(KNOWN_SKUS, 5)
        self.feeds: dict[str, list[dict[str, Any]]] = {name: [] for name in FEEDS}
        self.created = 0
        self._seq = itertools.count(1)
        self._ids = itertools.count(1)
        self._lock = threading.RLock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> ReferenceWms:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    # -- the suite's questions ------------------------------------------------

    def channel_settings(self) -> dict[str, Any]:
        return {
            "api_url": self.url,
            "api_key": API_KEY,
            "throughput": "high",
            "depot": DEPOTS[1][0],
        }

    def created_count(self) -> int:
        return self.created

    def known_skus(self) -> tuple[str, ...]:
        return KNOWN_SKUS

    def refused_record(self, option: str) -> Any:
        if option == "export-products":
            return Product(sku="REFUSED-1", name=REFUSED_NAME, uom="EA")
        skus = KNOWN_SKUS
        batch = sample_shipments(1, skus=skus) if "shipment" in option else None
        return refused_variant((batch or sample_receipts(1, skus=skus))[0])

    def make_receivable(self, option: str, count: int) -> list[str]:
        keys = []
        for _ in range(count):
            n = next(self._ids)
            if option == "receive-shipments":
                keys.append(self.publish("shipped", {"reference": f"SO-W{n}", "sku": "REF-1"}))
            elif option == "receive-receipts":
                keys.append(self.publish("closed", {"reference": f"RC-W{n}", "sku": "REF-2"}))
            elif option == "import-products":
                keys.append(self.publish("catalog", {"reference": f"NEW-{n}", "sku": f"NEW-{n}"}))
            else:
                with self._lock:
                    self.stock[f"STOCK-{n}"] = n
                keys.append(f"STOCK-{n}")
        return keys

    # -- the warehouse ----------------------------------------------------------

    def publish(self, feed: str, event: dict[str, Any]) -> str:
        with self._lock:
            self.feeds[feed].append({**event, "seq": next(self._seq)})
        return event["reference"]

    def create(self, kind: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self._lock:
            if kind == "items":
                if body.get("name") == REFUSED_NAME:
                    return 422, {"error": "this name is refused", "field": "name"}
                if body.get("sku") in self.items:
                    return 409, {"error": "duplicate sku", "field": "sku"}
            else:
                unknown = [line for line in body.get("lines", []) if line not in self.items]
                if unknown:
                    return 422, {"error": f"unknown sku {unknown[0]}", "field": "lines"}
            self.created += 1
            record = {**body, "id": f"{kind}-{self.created}"}
            if kind == "items":
                self.items[body["sku"]] = record
            else:
                getattr(self, kind).append(record)
            return 201, record

    def find(self, kind: str, reference: str) -> list[dict[str, Any]]:
        with self._lock:
            if kind == "items":
                return [self.items[reference]] if reference in self.items else []
            return [r for r in getattr(self, kind) if r["reference"] == reference]

    def changes(self, feed: str, after: int) -> dict[str, Any]:
        with self._lock:
            events = [e for e in self.feeds[feed] if e["seq"] > after]
        return {"records": events[:PAGE_LIMIT], "more": len(events) > PAGE_LIMIT}

    def inventory_page(self, page: int) -> dict[str, Any]:
        with self._lock:
            rows = [{"sku": s, "on_hand": q} for s, q in sorted(self.stock.items())]
        start = (page - 1) * PAGE_LIMIT
        return {"records": rows[start : start + PAGE_LIMIT], "more": len(rows) > start + PAGE_LIMIT}


def _handler(wms: ReferenceWms) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if not self._authorised():
                return
            url = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            kind = url.path.strip("/")
            if kind == "ping":
                self._answer(200, {"ok": True})
            elif kind == "depots":
                self._answer(200, {"depots": [{"id": i, "name": n} for i, n in DEPOTS]})
            elif kind in ("items", "orders", "receipts"):
                self._answer(200, {"records": wms.find(kind, query.get("reference", ""))})
            elif kind in FEEDS:
                self._answer(200, wms.changes(kind, int(query.get("after", 0))))
            elif kind == "inventory":
                self._answer(200, wms.inventory_page(int(query.get("page", 1))))
            else:
                self._answer(404, {"error": "no such path"})

        def do_POST(self) -> None:
            if not self._authorised():
                return
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            self._answer(*wms.create(urlsplit(self.path).path.strip("/"), body))

        def _authorised(self) -> bool:
            if self.headers.get("X-Key") == API_KEY:
                return True
            self._answer(401, {"error": "invalid key"})
            return False

        def _answer(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet."""

    return Handler
