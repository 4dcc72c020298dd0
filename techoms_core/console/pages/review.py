"""``/review``: short-shipped updates kept for review; Accept applies what the
warehouse shipped, Dismiss closes the item. Both are the host's own
``accept_review`` / ``dismiss_review``, as ``techoms review accept|dismiss``."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from techoms_core.console.pages.common import console
from techoms_core.console.rendering import render
from techoms_core.host import HostError
from techoms_core.reviews import ReviewStatus


def _page(request: Request) -> Response:
    host = console(request).host
    show_all = request.query_params.get("show") == "all"
    items = host.review_items(status=None if show_all else ReviewStatus.PENDING)
    return render(request, "review.html", title="Review", items=items, show_all=show_all)


async def review_page(request: Request) -> Response:
    return await run_in_threadpool(_page, request)


def _decide(request: Request, accept: bool) -> Response:
    host = console(request).host
    item_id = request.path_params["item_id"]
    try:
        decision = host.accept_review(item_id) if accept else host.dismiss_review(item_id)
    except HostError as refused:
        return render(
            request, "_review_item.html", item=host.review_item(item_id), problem=str(refused)
        )
    return render(request, "_review_item.html", item=decision.item, decision=decision)


async def accept(request: Request) -> Response:
    return await run_in_threadpool(_decide, request, True)


async def dismiss(request: Request) -> Response:
    return await run_in_threadpool(_decide, request, False)


routes = [
    Route("/review", review_page, methods=["GET"]),
    Route("/review/{item_id:int}/accept", accept, methods=["POST"]),
    Route("/review/{item_id:int}/dismiss", dismiss, methods=["POST"]),
]
