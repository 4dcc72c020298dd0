"""What a send option has due to a channel: the statements that count and read it.

The statements are built once, at import, and bound per call (``b_channel``,
``b_warehouse``, ``b_elsewhere``, ``b_after``, ``b_limit``): building and
compiling them for every batch cost more CPU than running them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import groupby
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Select, Table, and_, bindparam, func, or_, select

from techoms_core.host import SendRecord, ShipmentStatus, UnknownChannel
from techoms_core.models import sku_key
from techoms_core.options import option_named
from techoms_core.store import codec, schema
from techoms_core.store.bindings import READY, SENT
from techoms_core.store.problems import StoreError

#: Rebuilds a record from its stored document and its line rows.
Rebuild = Callable[[dict[str, Any], Sequence[tuple]], SendRecord]

_CHANNELS = schema.channels
_CHANNEL_WAREHOUSE = select(_CHANNELS.c.name, _CHANNELS.c.warehouse).where(
    _CHANNELS.c.name == bindparam("b_channel")
)
_SERVED_ELSEWHERE = select(_CHANNELS.c.warehouse).where(
    _CHANNELS.c.name != bindparam("b_channel"), _CHANNELS.c.warehouse.is_not(None)
)


class DueQuery:
    """One send option's due records as statements built once: ``count``, the
    ``first`` batch, and the batch ``after`` a key (ordered by ``key``), each
    batch read with its records' lines when the kind has them (one statement)."""

    def __init__(self, query: Select, key: Any, kind: RecordKind, *, by_sku: bool) -> None:
        self.count = select(func.count()).select_from(query.subquery())
        first = query.order_by(key).limit(bindparam("b_limit"))
        after = first.where(key > bindparam("b_after"))
        self.first, self.after = kind.with_lines(first), kind.with_lines(after)
        self.kind = kind
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
        return self.kind.records(rows)


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


class RecordKind:
    """How a kind of record is read back: its name (for errors), the rebuild
    from its document and its line rows, and its lines' table (``parent``: the
    column naming their record) and the columns the rebuild takes, in order
    (none for products)."""

    def __init__(
        self,
        name: str,
        rebuild: Rebuild,
        lines: Table | None = None,
        parent: str = "",
        columns: tuple[str, ...] = (),
    ) -> None:
        self.name = name
        self._rebuild = rebuild
        self._lines = lines
        self._parent = parent
        self._columns = columns

    def with_lines(self, page: Select) -> Select:
        """``page`` (key, document) with each record repeated for each of its
        lines, in line order; a record without lines once, with NULLs."""
        if self._lines is None:
            return page
        page = page.subquery()
        key, lines = page.c[0], self._lines
        return (
            select(*page.c, *(lines.c[name] for name in self._columns))
            .select_from(page.outerjoin(lines, lines.c[self._parent] == key))
            .order_by(key, lines.c.line_number)
        )

    def records(self, rows: Sequence[Any]) -> list[SendRecord]:
        """The records of a batch's rows (as :meth:`with_lines` reads them)."""
        if self._lines is None:
            return [self._rebuilt(key, data, ()) for key, data in rows]
        records = []
        for (key, data), group in groupby(rows, itemgetter(0, 1)):
            lines = [row[2:] for row in group]
            if lines[0][0] is None:
                raise StoreError(f"{self.name} {key!r}: the stored record has no lines")
            records.append(self._rebuilt(key, data, lines))
        return records

    def _rebuilt(self, key: str, data: str, lines: Sequence[tuple]) -> SendRecord:
        """A stored record that cannot be rebuilt (changed by hand in the
        database) is an error naming it and the field."""
        try:
            return self._rebuild(codec.loads(data), lines)
        except KeyError as missing:
            field = missing.args[0]
            raise StoreError(f"{self.name} {key!r}: the stored record lacks {field!r}") from None
        except (AttributeError, TypeError, ValueError, ArithmeticError) as error:
            raise StoreError(
                f"{self.name} {key!r}: the stored record is damaged: {error}"
            ) from None


_PRODUCTS = RecordKind("product", codec.product_from)
_SHIPMENTS = RecordKind(
    "shipment",
    codec.shipment_from,
    schema.shipment_lines,
    "shipment_number",
    ("line_number", "sku", "quantity", "references"),
)
_RECEIPTS = RecordKind(
    "receipt",
    codec.receipt_from,
    schema.receipt_lines,
    "receipt_number",
    ("line_number", "sku", "quantity", "unit_cost", "lot_number"),
)


# -- the statements of each send option --------------------------------------------


def _documents(table: Table, kind: RecordKind) -> tuple[DueQuery, DueQuery]:
    """Records ready for a channel: those of its warehouse; a channel without
    one takes the warehouses no other channel serves."""
    ready = select(table.c.number, table.c.data).where(table.c.status == READY)
    of_warehouse = ready.where(table.c.warehouse == bindparam("b_warehouse"))
    # An empty list keeps every warehouse (NOT IN an empty set is true).
    unserved = ready.where(table.c.warehouse.not_in(bindparam("b_elsewhere", expanding=True)))
    return (
        DueQuery(of_warehouse, table.c.number, kind, by_sku=False),
        DueQuery(unserved, table.c.number, kind, by_sku=False),
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
    return DueQuery(query, products.c.sku_key, _PRODUCTS, by_sku=True)


def _cancellations() -> DueQuery:
    table = schema.shipments
    query = select(table.c.number, table.c.data).where(
        table.c.status == ShipmentStatus.SENT.value,
        table.c.channel == bindparam("b_channel"),
        table.c.cancel_requested.is_(True),
    )
    return DueQuery(query, table.c.number, _SHIPMENTS, by_sku=False)


_DOCUMENTS = {
    "send-shipments": _documents(schema.shipments, _SHIPMENTS),
    "send-receipts": _documents(schema.receipts, _RECEIPTS),
}
_OTHERS = {
    "export-products": _due_products(exported=False),
    "update-products": _due_products(exported=True),
    "cancel-shipments": _cancellations(),
}
