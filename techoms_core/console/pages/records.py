"""``/records``: products, shipments, receipts and inventory, paged, searched by
SKU or number, filtered by status, with the WMS's id.

The store's views (the same as ``techoms show``) filter and page in SQL: a
``RowFilter`` with the SKU and number patterns, the status, an offset and a
limit, and ``count_rows`` for the total.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from techoms_core.console.pages.common import PAGE_SIZE, console, offset_of
from techoms_core.console.rendering import render
from techoms_core.host import ReceiptStatus, ShipmentStatus
from techoms_core.store.views import RowFilter

#: Per kind: the statuses to filter by, whether it has a number, and the second column.
KINDS = {
    "products": ((), False, "Name"),
    "shipments": (tuple(s.value for s in ShipmentStatus), True, "Order number"),
    "receipts": (tuple(s.value for s in ReceiptStatus), True, "PO number"),
    "inventory": ((), False, "Warehouse"),
}


def _pattern(text: str) -> str | None:
    """What the user typed as a ``show`` pattern: anywhere in the value unless
    it says where with ``*`` itself."""
    text = text.strip()
    if not text:
        return None
    return text if "*" in text else f"*{text}*"


def _row(kind: str, record: dict[str, Any]) -> dict[str, Any]:
    """One table row: key, second column, status, WMS id, detail."""
    if kind == "products":
        ids = [
            f"{name}: {s['remote_id']}" for name, s in record["channels"].items() if s["remote_id"]
        ]
        return {
            "key": record["sku"],
            "name": record.get("name"),
            "status": record["status"],
            "remote_id": ", ".join(ids) or None,
            "detail": f"source: {record['source']}",
        }
    if kind == "inventory":
        return {
            "key": record["sku"],
            "name": record["warehouse"],
            "status": f"{record['available']} available",
            "remote_id": None,
            "detail": f"on hand {record['on_hand']}, allocated {record['allocated']}",
        }
    return {
        "key": record["number"],
        "name": record["order_number" if kind == "shipments" else "po_number"],
        "status": record["status"],
        "remote_id": record["remote_id"],
        "detail": record["error"] or f"warehouse {record['warehouse']}",
    }


def _page(request: Request) -> Response:
    host = console(request).host
    kind = request.query_params.get("kind", "shipments")
    kind = kind if kind in KINDS else "shipments"
    statuses, numbered, second = KINDS[kind]
    sku, number = request.query_params.get("sku", ""), request.query_params.get("number", "")
    status = request.query_params.get("status", "").strip()
    status = status if status in statuses else ""
    offset = offset_of(request)
    which = RowFilter(
        sku=_pattern(sku),
        number=_pattern(number) if numbered else None,
        status=status or None,
        limit=PAGE_SIZE,
        offset=offset,
    )
    reader = {
        "products": host.product_rows,
        "shipments": host.shipment_rows,
        "receipts": host.receipt_rows,
        "inventory": lambda which: host.inventory_rows(which=which),
    }[kind]
    query = {"kind": kind, "sku": sku, "number": number, "status": status}
    query = {key: value for key, value in query.items() if value}
    total = host.count_rows(kind, which)
    rows = [_row(kind, record) for record in reader(which)]
    return render(
        request,
        "records.html",
        title="Records",
        kind=kind,
        kinds=list(KINDS),
        page={
            "rows": rows,
            "total": total,
            "first_shown": offset + 1 if rows else 0,
            "last_shown": offset + len(rows),
            "has_previous": offset > 0,
            "has_next": offset + PAGE_SIZE < total,
        },
        sku=sku,
        number=number,
        numbered=numbered,
        status=status,
        statuses=statuses,
        second=second,
        previous="/records?" + urlencode({**query, "offset": max(0, offset - PAGE_SIZE)}),
        next="/records?" + urlencode({**query, "offset": offset + PAGE_SIZE}),
    )


async def records_page(request: Request) -> Response:
    return await run_in_threadpool(_page, request)


routes = [Route("/records", records_page, methods=["GET"])]
