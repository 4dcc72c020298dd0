"""The admin API under ``/_sandbox/``: warehouse floor, seeding, faults, counters, accounts.

Guarded by the same ``X-API-Key``/``X-API-Secret`` as ``/v1``, and, when the sandbox
is bound to anything but loopback, by its admin token in ``X-Sandbox-Admin-Token``
too; never subject to faults or rate limits. Every call acts on the account whose
credentials it carries; only the primary account may add and list accounts.
Bodies are JSON objects (empty means ``{}``); answers use the ``/v1`` envelopes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from werkzeug.routing import Rule

from .envelope import Exchange, Reply
from .errors import forbidden, not_found
from .seed import SEEDS
from .validation import BodyReader, FieldErrors

ADMIN_PREFIX = "/_sandbox"
ADMIN_TOKEN_HEADER = "X-Sandbox-Admin-Token"
ORDER_MOVES = ("allocate", "pick", "pack", "ship", "close", "cancel")
ARN_MOVES = ("receive", "close", "cancel")

ADMIN_RULES = [
    Rule(f"{ADMIN_PREFIX}/counters", methods=["GET"], endpoint="counters"),
    Rule(f"{ADMIN_PREFIX}/counters", methods=["DELETE"], endpoint="reset_counters"),
    Rule(f"{ADMIN_PREFIX}/faults", methods=["GET"], endpoint="faults"),
    Rule(f"{ADMIN_PREFIX}/faults", methods=["PUT"], endpoint="configure_faults"),
    Rule(f"{ADMIN_PREFIX}/faults", methods=["POST"], endpoint="add_fault"),
    Rule(f"{ADMIN_PREFIX}/faults", methods=["DELETE"], endpoint="clear_faults"),
    Rule(f"{ADMIN_PREFIX}/faults/<int:rule_id>", methods=["DELETE"], endpoint="remove_fault"),
    Rule(f"{ADMIN_PREFIX}/reset", methods=["POST"], endpoint="reset"),
    Rule(f"{ADMIN_PREFIX}/state", methods=["GET"], endpoint="dump_state"),
    Rule(f"{ADMIN_PREFIX}/items", methods=["POST"], endpoint="create_items"),
    Rule(f"{ADMIN_PREFIX}/inventory", methods=["PUT"], endpoint="set_inventory"),
    Rule(f"{ADMIN_PREFIX}/orders/<order_id>/<move>", methods=["POST"], endpoint="order_move"),
    Rule(f"{ADMIN_PREFIX}/arns/<arn_id>/<move>", methods=["POST"], endpoint="arn_move"),
    Rule(f"{ADMIN_PREFIX}/accounts", methods=["GET"], endpoint="list_accounts"),
    Rule(f"{ADMIN_PREFIX}/accounts", methods=["POST"], endpoint="add_account"),
]


def counters(exchange: Exchange) -> Reply:
    """``GET /_sandbox/counters``."""
    return Reply(200, exchange.account.counters.snapshot())


def reset_counters(exchange: Exchange) -> Reply:
    """``DELETE /_sandbox/counters``: zero them."""
    exchange.account.counters.reset()
    return Reply(200, exchange.account.counters.snapshot())


def faults(exchange: Exchange) -> Reply:
    """``GET /_sandbox/faults``: seed, rules (with how often each fired), kinds."""
    return Reply(200, exchange.account.faults.describe())


def configure_faults(exchange: Exchange) -> Reply:
    """``PUT /_sandbox/faults`` ``{"seed", "rules"}``: replace the seed and/or rules."""
    body = exchange.json_object()
    errors = FieldErrors()
    reader = BodyReader(body, "", errors, ("seed", "rules"))
    seed = reader.count("seed")
    rules = body.get("rules")
    if rules is not None and not isinstance(rules, list):
        reader.fail("rules", "must be a list")
    errors.raise_if_any()
    exchange.account.faults.configure(seed=seed, rules=rules)
    return Reply(200, exchange.account.faults.describe())


def add_fault(exchange: Exchange) -> Reply:
    """``POST /_sandbox/faults`` with one rule -> 201 with the rule and its id."""
    body = exchange.json_object()
    kind = body.pop("kind", None)
    rule = exchange.account.faults.add(kind, **body)
    return Reply(201, rule.to_dict())


def clear_faults(exchange: Exchange) -> Reply:
    """``DELETE /_sandbox/faults``: remove every rule."""
    exchange.account.faults.clear()
    return Reply(200, exchange.account.faults.describe())


def remove_fault(exchange: Exchange, rule_id: int) -> Reply:
    """``DELETE /_sandbox/faults/<id>``."""
    if not exchange.account.faults.remove(rule_id):
        raise not_found(f"no fault rule {rule_id}")
    return Reply(200, exchange.account.faults.describe())


def reset(exchange: Exchange) -> Reply:
    """``POST /_sandbox/reset`` ``{"seed": "empty" | "demo"}``: records, faults, counters."""
    errors = FieldErrors()
    seed = BodyReader(exchange.json_object(optional=True), "", errors, ("seed",)).choice(
        "seed", SEEDS
    )
    errors.raise_if_any()
    exchange.account.reset(seed or "empty")
    return Reply(200, {"seed": seed or "empty"})


def dump_state(exchange: Exchange) -> Reply:
    """``GET /_sandbox/state``: every record as stored (what a state file holds),
    without the credentials."""
    document = exchange.account.state.to_document()
    document.pop("credentials", None)
    return Reply(200, document)


def create_items(exchange: Exchange) -> Reply:
    """``POST /_sandbox/items`` ``{"items": [...]}`` or ``{"generate": {"count",
    "sku_prefix", "start"}}`` -> 201 ``{"created": n}``."""
    body = exchange.json_object()
    errors = FieldErrors()
    reader = BodyReader(body, "", errors, ("items", "generate"))
    generate = reader.child("generate", ("count", "sku_prefix", "start"))
    if generate is not None:
        count = generate.positive_int("count", required=True)
        prefix = generate.text("sku_prefix") or "SKU-"
        start = generate.positive_int("start") or 1
        errors.raise_if_any()
        created = exchange.account.warehouse.generate_items(count or 0, prefix, start)
        return Reply(201, {"created": created})
    items = body.get("items")
    if not isinstance(items, list) or not items:
        reader.fail("items", "must be a non-empty list (or give generate)")
    errors.raise_if_any()
    return Reply(201, {"created": len(exchange.account.warehouse.create_items(items))})


def set_inventory(exchange: Exchange) -> Reply:
    """``PUT /_sandbox/inventory`` ``{"rows": [{"sku", "on_hand", "warehouse_id",
    "lot_number", "expiry_date"}]}`` -> the rows."""
    body = exchange.json_object()
    errors = FieldErrors()
    BodyReader(body, "", errors, ("rows",))
    errors.raise_if_any()
    return Reply(200, exchange.account.warehouse.set_inventory_rows(body.get("rows")))


def order_move(exchange: Exchange, order_id: str, move: str) -> Reply:
    """``POST /_sandbox/orders/<_id>/<allocate|pick|pack|ship|close|cancel>``.

    ``ship`` takes ``{"packages": [...], "allow_over": false}``; ``cancel`` takes
    ``{"reason": "..."}``.
    """
    if move not in ORDER_MOVES:
        raise not_found(f"no order operation {move!r}; one of {', '.join(ORDER_MOVES)}")
    floor = exchange.account.warehouse
    body = exchange.json_object(optional=True)
    errors = FieldErrors()
    fields = {"ship": ("packages", "allow_over"), "cancel": ("reason",)}.get(move, ())
    reader = BodyReader(body, "", errors, fields)
    allow_over = bool(reader.flag("allow_over"))
    reason = reader.text("reason")
    errors.raise_if_any()
    if move == "ship":
        return Reply(200, floor.ship(order_id, body.get("packages"), allow_over=allow_over))
    if move == "cancel":
        return Reply(200, floor.cancel_order(order_id, reason or "Cancelled by the warehouse"))
    simple: dict[str, Callable[[str], dict[str, Any]]] = {
        "allocate": floor.allocate,
        "pick": floor.pick,
        "pack": floor.pack,
        "close": floor.close_order,
    }
    return Reply(200, simple[move](order_id))


def arn_move(exchange: Exchange, arn_id: str, move: str) -> Reply:
    """``POST /_sandbox/arns/<_id>/<receive|close|cancel>``; ``receive`` takes
    ``{"lines": [...]}``, ``close`` an optional ``{"lines": [...]}``."""
    if move not in ARN_MOVES:
        raise not_found(f"no ARN operation {move!r}; one of {', '.join(ARN_MOVES)}")
    floor = exchange.account.warehouse
    body = exchange.json_object(optional=True)
    errors = FieldErrors()
    BodyReader(body, "", errors, ("lines",) if move != "cancel" else ())
    errors.raise_if_any()
    if move == "receive":
        return Reply(200, floor.receive(arn_id, body.get("lines")))
    if move == "close":
        return Reply(200, floor.close_arn(arn_id, body.get("lines")))
    return Reply(200, floor.cancel_arn(arn_id))


def list_accounts(exchange: Exchange) -> Reply:
    """``GET /_sandbox/accounts`` (primary only): every account's ``api_key``,
    ``client`` and ``warehouses``, the primary first; never a secret."""
    _primary_only(exchange)
    return Reply(200, [account.describe() for account in exchange.sandbox.accounts.all()])


def add_account(exchange: Exchange) -> Reply:
    """``POST /_sandbox/accounts`` ``{"api_key", "api_secret", "seed", "client_name"}``
    (all optional; primary only) -> 201 with the account and its ``api_secret``."""
    _primary_only(exchange)
    errors = FieldErrors()
    fields = ("api_key", "api_secret", "seed", "client_name")
    reader = BodyReader(exchange.json_object(optional=True), "", errors, fields)
    api_key, api_secret = reader.text("api_key"), reader.text("api_secret")
    seed = reader.choice("seed", SEEDS) or "empty"
    client_name = reader.text("client_name")
    for field, value in (("api_key", api_key), ("api_secret", api_secret)):
        if value and not (value.isascii() and value.isprintable() and " " not in value):
            reader.fail(field, "must be printable ASCII without spaces (it travels in a header)")
    errors.raise_if_any()
    account = exchange.sandbox.accounts.add(
        api_key=api_key, api_secret=api_secret, seed=seed, client_name=client_name
    )
    return Reply(201, {**account.describe(), "api_secret": account.api_secret})


def _primary_only(exchange: Exchange) -> None:
    if exchange.account is not exchange.sandbox.accounts.primary:
        raise forbidden("only the sandbox's primary account manages accounts")


ADMIN_HANDLERS: dict[str, Callable[..., Reply]] = {
    "counters": counters,
    "reset_counters": reset_counters,
    "faults": faults,
    "configure_faults": configure_faults,
    "add_fault": add_fault,
    "clear_faults": clear_faults,
    "remove_fault": remove_fault,
    "reset": reset,
    "dump_state": dump_state,
    "create_items": create_items,
    "set_inventory": set_inventory,
    "order_move": order_move,
    "arn_move": arn_move,
    "list_accounts": list_accounts,
    "add_account": add_account,
}
