"""``/records``: products, shipments, receipts and inventory, paged, searched by
SKU or number, filtered by status, with the WMS's id (paged in SQL)."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from techoms_core.console.pages.common import PAGE_SIZE, console, offset_of
from techoms_core.console.rendering import render
from techoms_core.host import ReceiptStatus, ShipmentStatus

#: Per kind: the statuses to filter by, and the heading of the second column.
KINDS = {
    "products": (("ready", "sent"), "Name"),
    "shipments": (tuple(s.value for s in ShipmentStatus), "Order number"),
    "receipts": (tuple(s.value for s in ReceiptStatus), "PO number"),
    "inventory": ((), "Warehouse"),
}
SEARCH_HINTS = {
    "products": "SKU",
    "shipments": "number, order number or SKU",
    "receipts": "number, PO number or SKU",
    "inventory": "SKU",
}


def _page(request: Request) -> Response:
    kind = request.query_params.get("kind", "shipments")
    if kind not in KINDS:
        kind = "shipments"
    statuses, second = KINDS[kind]
    search = request.query_params.get("q", "").strip()
    status = request.query_params.get("status", "").strip()
    status = status if status in statuses else ""
    offset = offset_of(request)
    page = console(request).host.record_page(
        kind, search=search, status=status or None, offset=offset, limit=PAGE_SIZE
    )
    query = {
        key: value for key, value in (("kind", kind), ("q", search), ("status", status)) if value
    }
    return render(
        request,
        "records.html",
        title="Records",
        kind=kind,
        kinds=list(KINDS),
        page=page,
        search=search,
        hint=SEARCH_HINTS[kind],
        status=status,
        statuses=statuses,
        second=second,
        previous="/records?" + urlencode({**query, "offset": max(0, offset - PAGE_SIZE)}),
        next="/records?" + urlencode({**query, "offset": offset + PAGE_SIZE}),
    )


async def records_page(request: Request) -> Response:
    return await run_in_threadpool(_page, request)


routes = [Route("/records", records_page, methods=["GET"])]
