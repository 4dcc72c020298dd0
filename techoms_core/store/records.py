"""Loading techOMS records into the store: all of a load, or nothing."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from techoms_core.host import ReceiptStatus, ShipmentStatus
from techoms_core.models import Product, Receipt, Shipment, sku_key
from techoms_core.store import codec, schema
from techoms_core.store.database import Database
from techoms_core.store.problems import LoadConflict, LoadProblem, LoadReport, StoreError
from techoms_core.store.reload import unchanged_numbers

#: Where loaded products come from, as opposed to a channel's import.
LOADED = "load"


class RecordStore(Database):
    """Products, shipments and receipts entering techOMS."""

    def load_products(self, products: Sequence[Product]) -> LoadReport:
        """Create or update products by SKU identity (trimmed, case-insensitive).

        A SKU given twice refuses the whole load (:class:`LoadConflict`)."""
        _refuse_repeats("products", [sku_key(p.sku) for p in products], products, "sku")
        with self._write() as connection:
            counts = {"created": 0, "updated": 0, "unchanged": 0}
            for product in products:
                counts[upsert_product(connection, product, LOADED, self._now())] += 1
        return LoadReport(kind="products", **counts)

    def load_shipments(self, shipments: Sequence[Shipment]) -> LoadReport:
        """Store shipments as ``ready``. A shipment identical to the stored one
        is ``unchanged`` (whatever its state); a different one is replaced while
        still ``ready``, and past ``ready`` refuses the whole load."""
        return self._load(
            "shipments",
            shipments,
            schema.shipments,
            ShipmentStatus.READY,
            self._insert_shipment,
        )

    def load_receipts(self, receipts: Sequence[Receipt]) -> LoadReport:
        """Store receipts as ``ready``, on the same terms as :meth:`load_shipments`."""
        return self._load(
            "receipts", receipts, schema.receipts, ReceiptStatus.READY, self._insert_receipt
        )

    def request_cancellation(self, shipment_number: str) -> str:
        """Ask for a shipment to be cancelled. One never sent is cancelled at
        once; a sent one is picked up by ``cancel-shipments``. Returns the
        shipment's status afterwards."""
        table = schema.shipments
        with self._write() as connection:
            status = connection.execute(
                select(table.c.status).where(table.c.number == shipment_number)
            ).scalar()
            if status is None:
                raise StoreError(f"no shipment {shipment_number!r}")
            values: dict[str, Any]
            if status == ShipmentStatus.READY:
                values = {
                    "status": ShipmentStatus.CANCELLED.value,
                    "cancelled_reason": "cancelled in techOMS before it was sent",
                }
            elif status == ShipmentStatus.SENT:
                values = {"cancel_requested": True}
            else:
                raise StoreError(f"shipment {shipment_number!r} is already {status}")
            connection.execute(
                update(table)
                .where(table.c.number == shipment_number)
                .values(updated_at=self._now(), **values)
            )
            return values.get("status", status)

    def _load(self, kind, records, table, ready, insert_one) -> LoadReport:
        _refuse_repeats(kind, [r.number for r in records], records, "number")
        with self._write() as connection:
            found = _statuses(connection, table, [r.number for r in records])
            same = unchanged_numbers(connection, kind, [r for r in records if r.number in found])
            problems = [
                LoadProblem(
                    index=index,
                    key=record.number,
                    field="number",
                    message=(
                        f"is already {found[record.number]} and differs from what was "
                        "stored; only a ready record can be changed by a reload"
                    ),
                )
                for index, record in enumerate(records)
                if found.get(record.number, ready) != ready and record.number not in same
            ]
            if problems:
                raise LoadConflict(kind, problems)
            for record in records:
                if record.number in same:
                    continue
                if record.number in found:
                    connection.execute(delete(table).where(table.c.number == record.number))
                insert_one(connection, record)
        replaced = sum(1 for r in records if r.number in found and r.number not in same)
        return LoadReport(
            kind=kind,
            created=len(records) - replaced - len(same),
            updated=replaced,
            unchanged=len(same),
        )

    def _insert_shipment(self, connection: Connection, shipment: Shipment) -> None:
        connection.execute(
            insert(schema.shipments).values(
                number=shipment.number,
                order_number=shipment.order_number,
                warehouse=shipment.warehouse,
                data=codec.dumps(codec.shipment_document(shipment)),
                status=ShipmentStatus.READY.value,
                updated_at=self._now(),
            )
        )
        connection.execute(
            insert(schema.shipment_lines),
            [
                {
                    "shipment_number": shipment.number,
                    "line_number": line.line_number,
                    "sku": line.sku,
                    "quantity": line.quantity,
                    "references": codec.dumps(dict(line.references)),
                }
                for line in shipment.lines
            ],
        )

    def _insert_receipt(self, connection: Connection, receipt: Receipt) -> None:
        connection.execute(
            insert(schema.receipts).values(
                number=receipt.number,
                po_number=receipt.po_number,
                warehouse=receipt.warehouse,
                data=codec.dumps(codec.receipt_document(receipt)),
                status=ReceiptStatus.READY.value,
                updated_at=self._now(),
            )
        )
        connection.execute(
            insert(schema.receipt_lines),
            [
                {
                    "receipt_number": receipt.number,
                    "line_number": line.line_number,
                    "sku": line.sku,
                    "quantity": line.quantity,
                    "unit_cost": line.unit_cost,
                    "lot_number": line.lot_number,
                }
                for line in receipt.lines
            ],
        )


def upsert_product(connection: Connection, product: Product, source: str, now) -> str:
    """Create or update one product by SKU identity; returns ``created``,
    ``updated`` or ``unchanged``. An update bumps the revision, which makes the
    product due for ``update-products`` again."""
    table = schema.products
    key = sku_key(product.sku)
    document = codec.dumps(codec.product_document(product))
    row = connection.execute(
        select(table.c.data, table.c.revision).where(table.c.sku_key == key)
    ).first()
    if row is None:
        connection.execute(
            insert(table).values(
                sku_key=key,
                sku=product.sku,
                data=document,
                revision=1,
                source=source,
                updated_at=now,
            )
        )
        return "created"
    if row.data == document:
        return "unchanged"
    connection.execute(
        update(table)
        .where(table.c.sku_key == key)
        .values(
            sku=product.sku, data=document, revision=row.revision + 1, source=source, updated_at=now
        )
    )
    return "updated"


def _refuse_repeats(kind: str, keys: list[str], records: Sequence[Any], field: str) -> None:
    seen: dict[str, int] = {}
    problems = []
    for index, key in enumerate(keys):
        if key in seen:
            problems.append(
                LoadProblem(
                    index=index,
                    key=getattr(records[index], "key", key),
                    field=field,
                    message=f"repeats record {seen[key]} of this load",
                )
            )
        else:
            seen[key] = index
    if problems:
        raise LoadConflict(kind, problems)


def _statuses(connection: Connection, table, numbers: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for start in range(0, len(numbers), 500):
        chunk = numbers[start : start + 500]
        rows = connection.execute(
            select(table.c.number, table.c.status).where(table.c.number.in_(chunk))
        ).all()
        found.update({row.number: row.status for row in rows})
    return found
