"""What a send option has due to a channel: the statements that count and read it.

The statements are built once, at import, and bound per call (``b_channel``,
``b_warehouse``, ``b_elsewhere``, ``b_after``, ``b_limit``): building and
compiling them for every batch cost more CPU than running them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Connection, Select, and_, bindparam, func, or_, select

from techoms_core.host import SendRecord, ShipmentStatus, UnknownChannel
from techoms_core.models import sku_key
from techoms_core.options import option_named
from techoms_core.store import codec, schema
from techoms_core.store.bindings import READY, SENT
from techoms_core.store.problems import StoreError

#: Rebuilds a batch's records from its rows: (connection, rows) -> records.
Rebuild = Callable[[Connection, Sequence[Any]], list[SendRecord]]

_CHANNELS = schema.channels
_CHANNEL_WAREHOUSE = select(_CHANNELS.c.name, _CHANNELS.c.warehouse).where(
    _CHANNELS.c.name == bindparam("b_channel")
)
_SERVED_ELSEWHERE = select(_CHANNELS.c.warehouse).where(
    _CHANNELS.c.name != bindparam("b_channel"), _CHANNELS.c.warehouse.is_not(None)
)


class DueQuery:
    """One send option's due records as statements built once: ``count``, the
    ``first`` batch, and the batch ``after`` a key (ordered by ``key``)."""

    def __init__(self, query: Select, key: Any, rebuild: Rebuild, *, by_sku: bool) -> None:
        self.count = select(func.count()).select_from(query.subquery())
        self.first = query.order_by(key).limit(bindparam("b_limit"))
        self.after = self.first.where(key > bindparam("b_after"))
        self.rebuild = rebuild
        #: Products are ordered by SKU identity, so ``after`` is a SKU to key.
        self.by_sku = by_sku

    def batch(
        self, connection: Connection, params: dict[str, Any], limit: int, after: str | None
    ) -> list[SendRecord]:
        """The next ``limit`` records after the key ``after`` (from the start if ``None``)."""
        params["b_limit"] = limit
        if after is None:
            rows = connection.execute(self.first, params).all()
        else:
            params["b_after"] = sku_key(after) if self.by_sku else after
            rows = connection.execute(self.after, params).all()
        return self.rebuild(connection, rows)


def due_query(connection: Connection, channel: str, option: str) -> tuple[DueQuery, dict]:
    """The statements for ``option`` on ``channel`` and the parameters they need.

    :raises UnknownChannel: no such channel.
    :raises ValueError: ``option`` is not a send option.
    """
    row = connection.execute(_CHANNEL_WAREHOUSE, {"b_channel": channel}).first()
    if row is None:
        raise UnknownChannel(channel)
    key = option_named(option).key
    params: dict[str, Any] = {"b_channel": channel}
    if key in _DOCUMENTS:
        of_warehouse, unserved = _DOCUMENTS[key]
        if row.warehouse:
            params["b_warehouse"] = row.warehouse
            return of_warehouse, params
        params["b_elsewhere"] = list(connection.execute(_SERVED_ELSEWHERE, params).scalars())
        return unserved, params
    if key in _OTHERS:
        return _OTHERS[key], params
    raise ValueError(f"option: {option!r} is not a send option")


# -- rebuilding a batch's records --------------------------------------------------


def _line_reader(table, parent: str, *columns: str) -> Callable[[Connection, list], dict]:
    """Reads a batch's lines (``columns`` of each, in line order) with one
    statement, grouped by their record's number."""
    parent_column = table.c[parent]
    statement = (
        select(parent_column, *(table.c[name] for name in columns))
        .where(parent_column.in_(bindparam("b_numbers", expanding=True)))
        .order_by(parent_column, table.c.line_number)
    )

    def lines(connection: Connection, numbers: list[str]) -> dict[str, list[tuple]]:
        grouped: dict[str, list[tuple]] = {}
        if numbers:
            for number, *line in connection.execute(statement, {"b_numbers": numbers}):
                grouped.setdefault(number, []).append(line)
        return grouped

    return lines


_SHIPMENT_LINES = _line_reader(
    schema.shipment_lines, "shipment_number", "line_number", "sku", "quantity", "references"
)
_RECEIPT_LINES = _line_reader(
    schema.receipt_lines,
    "receipt_number",
    "line_number",
    "sku",
    "quantity",
    "unit_cost",
    "lot_number",
)


def _products(connection: Connection, rows: Sequence[Any]) -> list[SendRecord]:
    return [
        _rebuilt("product", row.sku_key, codec.product_from, codec.loads(row.data)) for row in rows
    ]


def _shipments(connection: Connection, rows: Sequence[Any]) -> list[SendRecord]:
    lines = _SHIPMENT_LINES(connection, [row.number for row in rows])
    return [
        _rebuilt(
            "shipment", r.number, codec.shipment_from, codec.loads(r.data), lines.get(r.number, ())
        )
        for r in rows
    ]


def _receipts(connection: Connection, rows: Sequence[Any]) -> list[SendRecord]:
    lines = _RECEIPT_LINES(connection, [row.number for row in rows])
    return [
        _rebuilt(
            "receipt", r.number, codec.receipt_from, codec.loads(r.data), lines.get(r.number, ())
        )
        for r in rows
    ]


def _rebuilt(kind: str, key: str, rebuild: Callable[..., SendRecord], *stored: Any) -> SendRecord:
    """``rebuild(*stored)``; a stored record that cannot be rebuilt (changed by
    hand in the database) is an error naming it and the field."""
    try:
        return rebuild(*stored)
    except KeyError as missing:
        raise StoreError(f"{kind} {key!r}: the stored record lacks {missing.args[0]!r}") from None
    except (AttributeError, TypeError, ValueError, ArithmeticError) as error:
        raise StoreError(f"{kind} {key!r}: the stored record is damaged: {error}") from None


# -- the statements of each send option --------------------------------------------


def _documents(table, rebuild: Rebuild) -> tuple[DueQuery, DueQuery]:
    """Records ready for a channel: those of its warehouse; a channel without
    one takes the warehouses no other channel serves."""
    ready = select(table.c.number, table.c.data).where(table.c.status == READY)
    of_warehouse = ready.where(table.c.warehouse == bindparam("b_warehouse"))
    # An empty list keeps every warehouse (NOT IN an empty set is true).
    unserved = ready.where(table.c.warehouse.not_in(bindparam("b_elsewhere", expanding=True)))
    return (
        DueQuery(of_warehouse, table.c.number, rebuild, by_sku=False),
        DueQuery(unserved, table.c.number, rebuild, by_sku=False),
    )


def _due_products(*, exported: bool) -> DueQuery:
    products, sends = schema.products, schema.product_sends
    joined = products.outerjoin(
        sends,
        and_(sends.c.sku_key == products.c.sku_key, sends.c.channel == bindparam("b_channel")),
    )
    query = select(products.c.sku_key, products.c.data).select_from(joined)
    if exported:
        query = query.where(sends.c.status == SENT, sends.c.sent_revision < products.c.revision)
    else:
        query = query.where(or_(sends.c.status.is_(None), sends.c.status == READY))
    return DueQuery(query, products.c.sku_key, _products, by_sku=True)


def _cancellations() -> DueQuery:
    table = schema.shipments
    query = select(table.c.number, table.c.data).where(
        table.c.status == ShipmentStatus.SENT.value,
        table.c.channel == bindparam("b_channel"),
        table.c.cancel_requested.is_(True),
    )
    return DueQuery(query, table.c.number, _shipments, by_sku=False)


_DOCUMENTS = {
    "send-shipments": _documents(schema.shipments, _shipments),
    "send-receipts": _documents(schema.receipts, _receipts),
}
_OTHERS = {
    "export-products": _due_products(exported=False),
    "update-products": _due_products(exported=True),
    "cancel-shipments": _cancellations(),
}
