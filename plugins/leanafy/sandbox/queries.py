"""Reads: the GET endpoints' query strings, filters and pages.

Lists take ``page`` (from 1) and ``limit`` (1 to 500, default 100) and walk records
in (``updated_at``, ``_id``) order. ``updated_from`` is inclusive. A parameter the
endpoint does not know, a single-valued one given twice, a repeatable one given
more than 100 times or a value that does not parse is a 422 naming the parameter.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from werkzeug.datastructures import MultiDict

from .errors import not_found
from .models import ARN_STATUSES, ORDER_STATUSES, Arn, Order, sku_key
from .state import SandboxState, format_timestamp
from .validation import OBJECT_ID, FieldErrors, parse_day, parse_instant

DEFAULT_LIMIT = 100
MAX_LIMIT = 500
MAX_VALUES = 100
MAX_PAGE = 10**9
DEFAULTS = {"page": 1, "limit": DEFAULT_LIMIT}
DIGITS = re.compile(r"^[0-9]{1,10}$")

Record = TypeVar("Record")


@dataclass
class ListQuery:
    """A list request's page, limit, ``updated_from`` and filters."""

    page: int = 1
    limit: int = DEFAULT_LIMIT
    updated_from: str | None = None
    values: dict[str, list[str]] = field(default_factory=dict)
    days: dict[str, date] = field(default_factory=dict)


def _single(args: MultiDict[str, str], name: str, errors: FieldErrors) -> str | None:
    values = args.getlist(name)
    if len(values) > 1:
        errors.add(name, "must be given once")
        return None
    return values[0] if values else None


def _bounded_int(args: MultiDict[str, str], name: str, high: int, errors: FieldErrors) -> int:
    """A page or limit: absent gives the default, anything but 1 to ``high`` is a 422."""
    text = _single(args, name, errors)
    if text is None:
        return DEFAULTS[name]
    if not DIGITS.match(text) or not 1 <= int(text) <= high:
        errors.add(name, f"must be an integer from 1 to {high}")
        return DEFAULTS[name]
    return int(text)


def parse_list_query(
    args: MultiDict[str, str], repeatable: Iterable[str] = (), days: Iterable[str] = ()
) -> ListQuery:
    """Read a list request's parameters; 422 for anything the endpoint does not accept."""
    errors = FieldErrors()
    repeatable, days = tuple(repeatable), tuple(days)
    for name in args:
        if name not in ("page", "limit", "updated_from", *repeatable, *days):
            errors.add(name, "unknown parameter")
    query = ListQuery(
        page=_bounded_int(args, "page", MAX_PAGE, errors),
        limit=_bounded_int(args, "limit", MAX_LIMIT, errors),
    )
    updated_from = _single(args, "updated_from", errors)
    if updated_from is not None:
        moment = parse_instant(updated_from)
        if moment is None:
            errors.add("updated_from", "must be an RFC 3339 timestamp with a time zone")
        else:
            query.updated_from = format_timestamp(moment)
    for name in repeatable:
        values = _repeated(args, name)
        if len(values) > MAX_VALUES:
            errors.add(name, f"at most {MAX_VALUES} values per call")
        if name == "_ids" and not all(OBJECT_ID.match(value) for value in values):
            errors.add(name, "each must be a 24-hex id")
        if values:
            query.values[name] = values
    for name in days:
        text = _single(args, name, errors)
        if text is not None:
            day = parse_day(text)
            if day is None:
                errors.add(name, "must be a date YYYY-MM-DD")
            else:
                query.days[name] = day
    errors.raise_if_any()
    return query


def _repeated(args: MultiDict[str, str], name: str) -> list[str]:
    """A repeatable parameter's values; ``_ids`` may also be comma-separated."""
    raw = [value.strip() for value in args.getlist(name)]
    if name == "_ids":
        raw = [part.strip() for value in raw for part in value.split(",")]
    return [value for value in raw if value]


def page_of(
    records: Sequence[Record], query: ListQuery, keep: Callable[[Record], bool] | None
) -> tuple[list[Record], dict[str, Any]]:
    """The requested page of the records ``keep`` accepts (all when ``None``),
    and the ``meta`` object."""
    start = (query.page - 1) * query.limit
    if keep is None and query.updated_from is None:
        # No filter: the page is a slice (a list of 100,000 inventory rows
        # costs a page, not a pass over every row).
        total = len(records)
        chosen = list(records[start : start + query.limit])
    else:
        selected = [
            record for record in _since(records, query.updated_from) if keep is None or keep(record)
        ]
        total = len(selected)
        chosen = selected[start : start + query.limit]
    meta = {
        "page": query.page,
        "limit": query.limit,
        "total": total,
        "has_more": start + query.limit < total,
    }
    return chosen, meta


class _Listings:
    """Each collection of the state as a list in its order, kept until the
    collection changes, as an index would keep it: reading a page by number
    is then a slice rather than a walk past every record before it.

    A collection has changed when the state's ``revision`` moved (every
    insert and every update that moves a record to the end, through
    :meth:`SandboxState.touch_row` and the like) or its size did (a record
    removed directly). Records changed in place keep their position, and
    the list holds the records themselves, so it shows those changes.
    """

    KEPT = 16

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._kept: dict[int, tuple[dict[Any, Any], tuple[int, int], list[Any]]] = {}

    def of(self, state: SandboxState, collection: dict[Any, Record]) -> list[Record]:
        """``collection``'s records in order (call it holding ``state.lock``)."""
        marker = (state.revision, len(collection))
        with self._lock:
            kept = self._kept.get(id(collection))
        if kept is not None and kept[0] is collection and kept[1] == marker:
            return kept[2]
        listed = list(collection.values())
        with self._lock:
            self._kept.pop(id(collection), None)
            while len(self._kept) >= self.KEPT:
                del self._kept[next(iter(self._kept))]
            self._kept[id(collection)] = (collection, marker, listed)
        return listed


_LISTINGS = _Listings()


def _since(records: Iterable[Any], updated_from: str | None) -> Iterator[Any]:
    for record in records:
        if updated_from is None or record.updated_at >= updated_from:
            yield record


def single_value(args: MultiDict[str, str], name: str) -> str:
    """The one required parameter of a get-by endpoint; 422 if missing, repeated or extra."""
    errors = FieldErrors()
    for other in args:
        if other != name:
            errors.add(other, "unknown parameter")
    value = (_single(args, name, errors) or "").strip()
    if not value and name not in errors.fields:
        errors.add(name, "required")
    errors.raise_if_any()
    return value


def object_id_value(args: MultiDict[str, str], name: str = "_id") -> str:
    """A required 24-hex id parameter."""
    value = single_value(args, name)
    if not OBJECT_ID.match(value):
        errors = FieldErrors()
        errors.add(name, "must be a 24-hex id")
        errors.raise_if_any()
    return value


def get_item(state: SandboxState, args: MultiDict[str, str]) -> dict[str, Any]:
    """``GET /v1/item?sku=``: the item, matched trimmed and case-insensitively, or 404."""
    sku = single_value(args, "sku")
    with state.lock:
        item = state.item_by_sku(sku)
        if item is None:
            raise not_found(f"no item with SKU {sku!r}")
        return item.to_wire()


def list_items(state: SandboxState, args: MultiDict[str, str]) -> tuple[list[Any], dict[str, Any]]:
    """``GET /v1/items``."""
    query = parse_list_query(args, repeatable=("sku",))
    skus = {sku_key(s) for s in query.values.get("sku", [])}
    with state.lock:
        keep = (lambda i: sku_key(i.sku) in skus) if skus else None
        items, meta = page_of(_LISTINGS.of(state, state.items), query, keep)
        return [item.to_wire() for item in items], meta


def list_inventory(
    state: SandboxState, args: MultiDict[str, str]
) -> tuple[list[Any], dict[str, Any]]:
    """``GET /v1/inventory``: one row per SKU, warehouse and lot, in base units."""
    query = parse_list_query(args, repeatable=("sku",))
    skus = {sku_key(s) for s in query.values.get("sku", [])}
    with state.lock:
        keep = (lambda r: sku_key(r.sku) in skus) if skus else None
        rows, meta = page_of(_LISTINGS.of(state, state.inventory), query, keep)
        return [row.to_wire() for row in rows], meta


def _status_filter(query: ListQuery, statuses: tuple[str, ...]) -> set[str]:
    wanted = set(query.values.get("status", []))
    unknown = sorted(wanted - set(statuses))
    if unknown:
        errors = FieldErrors()
        errors.add("status", f"unknown status {unknown[0]!r}; one of {', '.join(statuses)}")
        errors.raise_if_any()
    return wanted


def get_order(state: SandboxState, args: MultiDict[str, str]) -> dict[str, Any]:
    """``GET /v1/order?_id=``."""
    order_id = object_id_value(args)
    with state.lock:
        order = state.orders.get(order_id)
        if order is None:
            raise not_found(f"no order {order_id}")
        return order.to_wire()


def list_orders(state: SandboxState, args: MultiDict[str, str]) -> tuple[list[Any], dict[str, Any]]:
    """``GET /v1/orders`` with ``_ids``, ``status``, ``primary_reference_number``,
    ``shipped_date_from``/``shipped_date_to`` (the UTC date of ``shipped_at``)."""
    query = parse_list_query(
        args,
        repeatable=("_ids", "status", "primary_reference_number"),
        days=("shipped_date_from", "shipped_date_to"),
    )
    statuses = _status_filter(query, ORDER_STATUSES)
    ids = set(query.values.get("_ids", []))
    references = set(query.values.get("primary_reference_number", []))
    first, last = query.days.get("shipped_date_from"), query.days.get("shipped_date_to")

    def keep(order: Order) -> bool:
        if (statuses and order.status not in statuses) or (ids and order.id not in ids):
            return False
        if references and order.primary_reference_number not in references:
            return False
        if first is None and last is None:
            return True
        if order.shipped_at is None:
            return False
        shipped = date.fromisoformat(order.shipped_at[:10])
        return (first is None or shipped >= first) and (last is None or shipped <= last)

    with state.lock:
        orders, meta = page_of(_LISTINGS.of(state, state.orders), query, keep)
        return [order.to_wire() for order in orders], meta


def get_arn(state: SandboxState, args: MultiDict[str, str]) -> dict[str, Any]:
    """``GET /v1/arn?_id=``."""
    arn_id = object_id_value(args)
    with state.lock:
        arn = state.arns.get(arn_id)
        if arn is None:
            raise not_found(f"no ARN {arn_id}")
        return arn.to_wire()


def list_arns(state: SandboxState, args: MultiDict[str, str]) -> tuple[list[Any], dict[str, Any]]:
    """``GET /v1/arns`` with ``status`` and ``primary_reference_number``."""
    query = parse_list_query(args, repeatable=("status", "primary_reference_number"))
    statuses = _status_filter(query, ARN_STATUSES)
    references = set(query.values.get("primary_reference_number", []))

    def keep(arn: Arn) -> bool:
        if statuses and arn.status not in statuses:
            return False
        return not references or arn.primary_reference_number in references

    with state.lock:
        arns, meta = page_of(_LISTINGS.of(state, state.arns), query, keep)
        return [arn.to_wire() for arn in arns], meta
