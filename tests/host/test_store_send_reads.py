"""Reading records to send: each comes back exactly as it was loaded, in key order."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import attrs
import pytest
from sqlalchemy import text

from techoms_core.host import UnknownChannel
from techoms_core.models import (
    Address,
    Dimensions,
    Product,
    ProductUnit,
    Receipt,
    ReceiptLine,
    RecordResult,
    Shipment,
    ShipmentLine,
    Supplier,
    Weight,
)
from techoms_core.store import StoreError
from tests.host import samples
from tests.stores import raw_transaction


def _same(read, loaded, where: str = "record") -> None:
    """Equal field by field, and of the same types (``"B2C" == OrderType.B2C``
    and ``Decimal("1") == 1``, so equality alone would not tell)."""
    assert type(read) is type(loaded), where
    if attrs.has(type(loaded)):
        for name in attrs.fields_dict(type(loaded)):
            _same(getattr(read, name), getattr(loaded, name), f"{where}.{name}")
    elif isinstance(loaded, tuple):
        assert len(read) == len(loaded), where
        for index, (one, other) in enumerate(zip(read, loaded, strict=True)):
            _same(one, other, f"{where}[{index}]")
    elif isinstance(loaded, dict):
        assert list(read) == list(loaded), where
        for key in loaded:
            _same(read[key], loaded[key], f"{where}[{key!r}]")
    else:
        assert read == loaded, where


FULL_ADDRESS = Address(
    name="Ann Smith",
    company="Acme",
    address1="1 Main St",
    address2="Floor 2",
    city="Austin",
    state="Texas",
    state_code="TX",
    postal_code="78701",
    country="United States",
    country_code="US",
    phone="+1 512 555 0100",
    email="ann@example.com",
    residential=True,
)

SHIPMENTS = [
    Shipment(
        number="S-1",
        order_number="O-1",
        warehouse=samples.WAREHOUSE,
        ship_to=FULL_ADDRESS,
        lines=(
            ShipmentLine(line_number=1, sku="SKU-1", quantity=2, references={"gift": "yes"}),
            ShipmentLine(line_number=3, sku="SKU-2", quantity=1),
            ShipmentLine(line_number=2, sku="SKU-3", quantity=5, references={"a": "", "b": "2"}),
        ),
        order_type="B2B",
        carrier="UPS",
        service="Ground",
        references={"customer_po": "PO-1", "dept": "7"},
        due_date=dt.date(2030, 2, 1),
        instructions="Leave at the door",
    ),
    Shipment(
        number="S-2",
        order_number="O-2",
        warehouse=samples.WAREHOUSE,
        ship_to=Address(city="Reno", postal_code="89501", country_code="US"),
        lines=(ShipmentLine(line_number=1, sku="SKU-1", quantity=1),),
    ),
]

RECEIPTS = [
    Receipt(
        number="R-1",
        po_number="PO-1",
        warehouse=samples.WAREHOUSE,
        lines=(
            ReceiptLine(line_number=1, sku="SKU-1", quantity=6, unit_cost="2.50", lot_number="L1"),
            ReceiptLine(line_number=2, sku="SKU-2", quantity=12),
            ReceiptLine(line_number=4, sku="SKU-3", quantity=1, unit_cost="0.0001"),
        ),
        supplier=Supplier(code="ACME", name="Acme Supplies"),
        expected_date=dt.date(2030, 1, 31),
        references={"po_type": "drop"},
        instructions="Dock 4",
    ),
    Receipt(
        number="R-2",
        po_number="PO-2",
        warehouse=samples.WAREHOUSE,
        lines=(ReceiptLine(line_number=1, sku="SKU-1", quantity=1),),
    ),
]

PRODUCTS = [
    Product(
        sku="AB-1",
        name="Widget",
        uom="EA",
        description="A widget",
        barcode="012345678905",
        weight=Weight(value=Decimal("0.50"), unit="lb"),
        dimensions=Dimensions(length="10", width="2.5", height="1.25", unit="in"),
        base_unit="EA",
        units=(
            ProductUnit(role="shipping", name="Case", base_quantity=12),
            ProductUnit(role="receiving", name="Pallet", base_quantity=480),
        ),
    ),
    Product(sku="cd-2", name="Gadget", uom="each"),
]


@pytest.mark.parametrize(
    ("option", "loader", "records"),
    [
        ("send-shipments", "load_shipments", SHIPMENTS),
        ("send-receipts", "load_receipts", RECEIPTS),
        ("export-products", "load_products", PRODUCTS),
    ],
)
def test_records_read_back_as_loaded(wms, option, loader, records):
    getattr(wms, loader)(records)
    read = wms.records_to_send("wms", option, limit=10)
    if option == "send-shipments":
        # Lines come back in line-number order.
        records = [
            attrs.evolve(s, lines=sorted(s.lines, key=lambda line: line.line_number))
            for s in records
        ]
    _same(list(read), list(records))


def test_batches_follow_the_key_order_after_the_last_key(wms):
    wms.load_shipments([samples.shipment(f"S-{n}") for n in (3, 1, 4, 2, 5)])
    batches, after = [], None
    while batch := wms.records_to_send("wms", "send-shipments", limit=2, after=after):
        batches.append([s.number for s in batch])
        after = batch[-1].key
    assert batches == [["S-1", "S-2"], ["S-3", "S-4"], ["S-5"]]
    assert wms.count_to_send("wms", "send-shipments") == 5


def test_products_page_by_sku_identity(wms):
    wms.load_products([samples.product(sku) for sku in ("b", "A", "c")])
    first = wms.records_to_send("wms", "export-products", limit=2)
    assert [p.sku for p in first] == ["A", "b"]
    rest = wms.records_to_send("wms", "export-products", limit=2, after="B")
    assert [p.sku for p in rest] == ["c"]


def test_a_channel_without_warehouse_alone_takes_every_warehouse(host):
    host.add_channel(samples.channel("any", warehouse=None))
    host.load_receipts([samples.receipt("R-1"), samples.receipt("R-2", warehouse="EAST")])
    assert [r.number for r in host.records_to_send("any", "send-receipts", limit=9)] == [
        "R-1",
        "R-2",
    ]
    assert host.count_to_send("any", "send-receipts") == 2


def test_cancellations_read_the_sent_shipments_asked_to_cancel(wms):
    wms.load_shipments([samples.shipment("S-1"), samples.shipment("S-2")])
    run_id = wms.start_run("wms", "send-shipments")
    wms.record_send_results(
        run_id,
        "wms",
        "send-shipments",
        [RecordResult.ok("S-1", remote_id="r-1"), RecordResult.ok("S-2", remote_id="r-2")],
    )
    wms.request_cancellation("S-2")
    read = wms.records_to_send("wms", "cancel-shipments", limit=9)
    _same(list(read), [samples.shipment("S-2")])
    assert wms.count_to_send("wms", "cancel-shipments") == 1


def test_reading_an_unknown_channel_or_option_is_refused(wms):
    with pytest.raises(UnknownChannel):
        wms.records_to_send("nope", "send-shipments", limit=1)
    with pytest.raises(UnknownChannel):
        wms.count_to_send("nope", "send-shipments")
    with pytest.raises(ValueError, match="not a send option"):
        wms.records_to_send("wms", "receive-shipments", limit=1)


def test_a_stored_record_damaged_by_hand_is_an_error_naming_it_and_the_field(wms, db_target):
    wms.load_shipments([samples.shipment("S-1")])
    with raw_transaction(db_target) as database:
        data = json.loads(database.execute(text("SELECT data FROM shipments")).scalar_one())
        del data["ship_to"]["city"]
        database.execute(text("UPDATE shipments SET data = :data"), {"data": json.dumps(data)})
    with pytest.raises(StoreError, match=r"shipment 'S-1'.*'city'"):
        wms.records_to_send("wms", "send-shipments", limit=1)


def test_a_stored_record_without_lines_is_an_error_naming_it(wms, db_target):
    wms.load_receipts([samples.receipt("R-1")])
    with raw_transaction(db_target) as database:
        database.execute(text("DELETE FROM receipt_lines"))
    with pytest.raises(StoreError, match=r"receipt 'R-1': the stored record has no lines"):
        wms.records_to_send("wms", "send-receipts", limit=1)
