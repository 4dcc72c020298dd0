"""The ``/v1`` endpoints of ``leanafy-api.md``: routes and handlers.

Handlers take an :class:`~.envelope.Exchange` and answer a :class:`~.envelope.Reply`
or raise an :class:`~.errors.ApiError`. Item, order and ARN updates and order
cancellation are routed only to be refused with 405.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from werkzeug.routing import Rule

from . import intake, queries
from .envelope import Exchange, Reply
from .errors import method_not_allowed

V1_RULES = [
    Rule("/v1/me", methods=["GET"], endpoint="me"),
    Rule("/v1/item", methods=["GET"], endpoint="get_item"),
    Rule("/v1/item", methods=["POST"], endpoint="create_item"),
    Rule("/v1/items", methods=["GET"], endpoint="list_items"),
    Rule("/v1/inventory", methods=["GET"], endpoint="list_inventory"),
    Rule("/v1/order", methods=["GET"], endpoint="get_order"),
    Rule("/v1/order", methods=["POST"], endpoint="create_order"),
    Rule("/v1/order/cancel", endpoint="cancel_order"),
    Rule("/v1/orders", methods=["GET"], endpoint="list_orders"),
    Rule("/v1/arn", methods=["GET"], endpoint="get_arn"),
    Rule("/v1/arn", methods=["POST"], endpoint="create_arn"),
    Rule("/v1/arns", methods=["GET"], endpoint="list_arns"),
]

REFUSED_METHODS = {
    "/v1/item": "items cannot be updated",
    "/v1/order": "orders cannot be updated",
    "/v1/order/cancel": "orders cannot be cancelled through the API",
    "/v1/arn": "ARNs cannot be updated",
}


def me(exchange: Exchange) -> Reply:
    """``GET /v1/me``: the key's client and warehouses."""
    state = exchange.account.state
    return Reply(
        200,
        {
            "client": state.client.to_wire(),
            "warehouses": [warehouse.to_wire() for warehouse in state.warehouses],
        },
    )


def get_item(exchange: Exchange) -> Reply:
    """``GET /v1/item?sku=``."""
    return Reply(200, queries.get_item(exchange.account.state, exchange.request.args))


def create_item(exchange: Exchange) -> Reply:
    """``POST /v1/item`` -> 201 with the item."""
    body = exchange.json_object()
    counters, state = exchange.account.counters, exchange.account.state
    counters.create_received("item", _text(body.get("sku")))
    item = intake.create_item(state, body)
    counters.create_stored("item", item.sku)
    return Reply(201, item.to_wire(), stored=True)


def list_items(exchange: Exchange) -> Reply:
    """``GET /v1/items``."""
    payload, meta = queries.list_items(exchange.account.state, exchange.request.args)
    return Reply(200, payload, meta)


def list_inventory(exchange: Exchange) -> Reply:
    """``GET /v1/inventory``."""
    payload, meta = queries.list_inventory(exchange.account.state, exchange.request.args)
    return Reply(200, payload, meta)


def get_order(exchange: Exchange) -> Reply:
    """``GET /v1/order?_id=``."""
    return Reply(200, queries.get_order(exchange.account.state, exchange.request.args))


def create_order(exchange: Exchange) -> Reply:
    """``POST /v1/order`` -> 201 with the order (status ``open``)."""
    body = exchange.json_object()
    counters, state = exchange.account.counters, exchange.account.state
    reference = _text(body.get("primary_reference_number"))
    counters.create_received("order", reference)
    order = intake.create_order(state, body)
    counters.create_stored("order", reference)
    with state.lock:
        return Reply(201, order.to_wire(), stored=True)


def cancel_order(exchange: Exchange) -> Reply:
    """``/v1/order/cancel``: 405 for every method."""
    raise method_not_allowed(REFUSED_METHODS["/v1/order/cancel"])


def list_orders(exchange: Exchange) -> Reply:
    """``GET /v1/orders``."""
    payload, meta = queries.list_orders(exchange.account.state, exchange.request.args)
    return Reply(200, payload, meta)


def get_arn(exchange: Exchange) -> Reply:
    """``GET /v1/arn?_id=``."""
    return Reply(200, queries.get_arn(exchange.account.state, exchange.request.args))


def create_arn(exchange: Exchange) -> Reply:
    """``POST /v1/arn`` -> 201 with the ARN (status ``open``)."""
    body = exchange.json_object()
    counters, state = exchange.account.counters, exchange.account.state
    reference = _text(body.get("primary_reference_number"))
    counters.create_received("arn", reference)
    arn = intake.create_arn(state, body)
    counters.create_stored("arn", reference)
    with state.lock:
        return Reply(201, arn.to_wire(), stored=True)


def list_arns(exchange: Exchange) -> Reply:
    """``GET /v1/arns``."""
    payload, meta = queries.list_arns(exchange.account.state, exchange.request.args)
    return Reply(200, payload, meta)


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) else None


V1_HANDLERS: dict[str, Callable[[Exchange], Reply]] = {
    "me": me,
    "get_item": get_item,
    "create_item": create_item,
    "list_items": list_items,
    "list_inventory": list_inventory,
    "get_order": get_order,
    "create_order": create_order,
    "cancel_order": cancel_order,
    "list_orders": list_orders,
    "get_arn": get_arn,
    "create_arn": create_arn,
    "list_arns": list_arns,
}
