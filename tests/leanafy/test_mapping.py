"""The payload tables, both ways, without a server."""

from __future__ import annotations

from decimal import Decimal

import pytest

from plugins.leanafy.mapping import ARN, ITEM, ORDER, RECEIPT_UPDATE, SHIPMENT_UPDATE
from plugins.leanafy.quantities import base_quantity, shipped_base_quantity
from plugins.leanafy.references import ReferenceProblem, apply_references
from plugins.leanafy.shipments import InboundCarriers
from techoms_core.mapper import MapOptions
from techoms_core.mappings import (
    CarrierMap,
    CarrierRow,
    CarrierTranslation,
    MappingError,
    ReferenceMap,
    ReferenceRow,
    UnmappedPolicy,
)
from techoms_core.models import (
    Address,
    Product,
    ProductUnit,
    Receipt,
    ReceiptLine,
    ReferenceLevel,
    Shipment,
    ShipmentLine,
    ShipmentOutcome,
    Supplier,
    Weight,
)

ADDRESS = Address(
    name="Ada Lovelace",
    company="Engines Ltd",
    address1="1 Analytical Way",
    address2="Floor 2",
    city="London",
    state="Greater London",
    postal_code="N1 9GU",
    country="United Kingdom",
    country_code="GB",
    phone="+44 20 7946 0000",
    email="ada@example.com",
)


def shipment(**changes) -> Shipment:
    fields = dict(
        number="SH-1",
        order_number="SO-1",
        warehouse="WH",
        ship_to=ADDRESS,
        lines=[ShipmentLine(line_number=1, sku="A-1", quantity=3)],
        carrier="UPS",
        service="Ground",
        due_date="2026-03-01",
        instructions="Leave at door",
    )
    fields.update(changes)
    return Shipment(**fields)


def test_order_body_reads_like_the_contract():
    carrier = CarrierTranslation(carrier="ups", service="UPS Ground")
    body = ORDER.to_wire(
        shipment(), MapOptions(warehouse_id="a" * 24, carrier=carrier, base_units={"a-1": "each"})
    )
    assert body == {
        "primary_reference_number": "SH-1",
        "warehouse_id": "a" * 24,
        "customer_type": "B2C",
        "shipping_address": {
            "name": "Ada Lovelace",
            "company": "Engines Ltd",
            "email": "ada@example.com",
            "phone_number": {"country_code": "GB", "number": "+44 20 7946 0000"},
            "address_line1": "1 Analytical Way",
            "address_line2": "Floor 2",
            "city": "London",
            "state": "Greater London",
            "zip": "N1 9GU",
            "country": "United Kingdom",
            "country_code": "GB",
            "residential": False,
        },
        "is_billing_same_as_shipping": True,
        "items": [{"sku": "A-1", "total_qty": 3, "unit": "each"}],
        "default_shipping_carrier": {"name": "ups", "service": "UPS Ground"},
        "due_date": "2026-03-01",
        "instructions": "Leave at door",
    }


def test_suppress_pii_keeps_only_what_shipping_needs():
    body = ORDER.to_wire(shipment(), MapOptions(suppress_pii=True))
    assert body["shipping_address"] == {
        "city": "London",
        "state": "Greater London",
        "zip": "N1 9GU",
        "country": "United Kingdom",
        "country_code": "GB",
        "residential": False,
    }


@pytest.mark.parametrize(
    ("wire_path", "ours"),
    [
        ("items[0].sku", "lines[0].sku"),
        ("items[2].total_qty", "lines[2].quantity"),
        ("shipping_address.zip", "ship_to.postal_code"),
        ("shipping_address.phone_number.number", "ship_to.phone"),
        ("due_date", "due_date"),
        ("default_shipping_carrier.name", "carrier"),
        ("no_such_field", None),
    ],
)
def test_leanafy_field_paths_map_back_to_ours(wire_path, ours):
    assert ORDER.record_path(wire_path) == ours


def test_item_round_trip_with_units_and_weight():
    product = Product(
        sku="A-1",
        name="Anvil",
        uom="each",
        description="Heavy",
        barcode="0123",
        weight=Weight(value="12.5", unit="lb"),
        units=[ProductUnit(role="receiving", name="case", base_quantity=12)],
    )
    body = ITEM.to_wire(product)
    assert body["base_unit"] == "each"
    assert body["scannable"] == "0123"
    assert body["weight"] == {"value": 12.5, "unit": "lb"}
    assert body["receiving_unit"] == "case"
    assert body["receiving_unit_base_conversion"] == 12
    assert "shipping_unit" not in body
    back = ITEM.build({**body, "_id": "f" * 24, "updated_at": "2026-01-01T00:00:00Z"})
    assert back.units == product.units
    assert back.weight == product.weight
    assert back.base_unit == "each"


def test_arn_body():
    receipt = Receipt(
        number="RC-1",
        po_number="PO-1",
        warehouse="WH",
        supplier=Supplier(code="ACME", name="Acme"),
        expected_date="2026-02-01",
        lines=[
            ReceiptLine(line_number=1, sku="A-1", quantity=24, unit_cost="2.50", lot_number="L1")
        ],
    )
    body = ARN.to_wire(receipt, MapOptions(base_units={"a-1": "each"}))
    assert body == {
        "primary_reference_number": "RC-1",
        "po_number": "PO-1",
        "supplier": {"name": "Acme", "code": "ACME"},
        "expected_date": "2026-02-01",
        "items": [
            {"sku": "A-1", "expected_qty": 24, "unit": "each", "unit_cost": 2.5, "lot_number": "L1"}
        ],
    }


def order(status="shipped", **line) -> dict:
    item = {
        "sku": "A-1",
        "total_qty": 2,
        "unit": "case",
        "base_unit": "each",
        "base_conversion_rate": 12,
        "shipped_qty": 2,
        "shipped_qty_unit": "case",
        **line,
    }
    return {
        "_id": "b" * 24,
        "code": 7,
        "status": status,
        "primary_reference_number": "SH-1",
        "items": [item],
        "shipments": [
            {
                "shipment_id": "s1",
                "carrier": "UPS",
                "service": "2nd Day Air AM",
                "cost": {"value": 9.5, "currency": "USD"},
                "tracking_number": "1Z",
                "weight": {"value": 3, "unit": "lb"},
                "shipped_at": "2026-01-02T10:00:00Z",
            }
        ],
        "updated_at": "2026-01-02T10:00:00.000000Z",
        "shipped_at": "2026-01-02T10:00:00Z",
    }


def test_shipped_order_in_base_units_with_inbound_carrier_wildcards():
    carriers = CarrierMap(
        [
            CarrierRow(
                carrier_channel="UPS",
                service_channel="2nd Day Air*",
                carrier_system="ups",
                service_system="2day",
            )
        ]
    )
    update = SHIPMENT_UPDATE.build(order(), MapOptions(carriers=carriers))
    assert update.outcome is ShipmentOutcome.SHIPPED
    assert update.lines[0].ordered_quantity == 24
    assert update.lines[0].shipped_quantity == 24
    (package,) = update.packages
    assert (package.carrier, package.service) == ("ups", "2day")
    assert package.cost == Decimal("9.5") and package.currency == "USD"
    assert package.tracking_number == "1Z"
    assert package.weight == Weight(value=3, unit="lb")


def test_short_shipped_counted_in_base_units():
    update = SHIPMENT_UPDATE.build(order(shipped_qty=20, shipped_qty_unit="each"))
    assert update.outcome is ShipmentOutcome.SHORT_SHIPPED
    assert update.short_lines()[0].short_by == 4


def test_over_shipped_is_a_data_error():
    with pytest.raises(ValueError, match="shipped more than ordered"):
        SHIPMENT_UPDATE.build(order(shipped_qty=3))


def test_cancelled_order_keeps_the_reason():
    cancelled = {**order("cancelled", shipped_qty=0), "shipments": [], "cancelled_reason": "Fraud"}
    update = SHIPMENT_UPDATE.build(cancelled)
    assert update.outcome is ShipmentOutcome.CANCELLED
    assert update.cancelled_reason == "Fraud"


@pytest.mark.parametrize(
    ("status", "reported"),
    [("shipped", "shipped_qty: expected a number"), ("cancelled", "not a number: 'x'")],
)
def test_a_bad_line_and_a_bad_package_report_what_is_read_first(status, reported):
    # A shipped order's lines are read first (they decide short or not); a
    # cancelled order's after its packages.
    bad = order(status, shipped_qty="lots")
    bad["shipments"][0]["cost"] = {"value": "x"}
    with pytest.raises(ValueError, match=reported):
        SHIPMENT_UPDATE.build(bad)


def test_an_order_without_lines_is_shipped_without_lines():
    update = SHIPMENT_UPDATE.build({**order(), "items": []})
    assert update.outcome is ShipmentOutcome.SHIPPED and update.lines == ()


def test_closed_arn_converted_to_base_units():
    arn = {
        "_id": "c" * 24,
        "status": "closed",
        "primary_reference_number": "RC-1",
        "closed_at": "2026-01-03T00:00:00Z",
        "updated_at": "2026-01-03T00:00:00Z",
        "items": [
            {
                "sku": "A-1",
                "expected_qty": 2,
                "received_qty": 3,
                "unit": "case",
                "base_unit": "each",
                "base_conversion_rate": 12,
                "unit_cost": 24.0,
                "lot_number": "L9",
                "expiry_date": "2027-01-01",
            }
        ],
    }
    (line,) = RECEIPT_UPDATE.build(arn).lines
    assert line.received_quantity == 36
    assert line.expected_quantity == 24
    assert line.unit_cost == Decimal(2)
    assert line.lot_number == "L9"
    assert str(line.expiry_date) == "2027-01-01"


def test_references_fill_properties_and_guard_the_identity():
    mapping = ReferenceMap(
        [
            ReferenceRow(level="sales_order", code="gift", property="instructions"),
            ReferenceRow(level="sales_order", code="ship_by", property="due_date"),
            ReferenceRow(level="sales_order", code="po", property="primary_reference_number"),
        ]
    )
    body, notes = {"primary_reference_number": "SH-1"}, []
    references = {"gift": "Wrap it", "ship_by": "2026-05-01", "po": "PO-9"}
    apply_references(body, ReferenceLevel.SALES_ORDER, references, mapping, notes)
    assert body == {
        "primary_reference_number": "SH-1",
        "instructions": "Wrap it",
        "due_date": "2026-05-01",
    }
    assert len(notes) == 1 and "primary_reference_number" in notes[0]
    with pytest.raises(ReferenceProblem, match="due_date"):
        apply_references({}, ReferenceLevel.SALES_ORDER, {"ship_by": "soon"}, mapping, [])


@pytest.mark.parametrize(
    ("line", "base"),
    [
        ({"total_qty": 3, "base_conversion_rate": 12}, 36),
        ({"total_qty": 3, "base_conversion_rate": None}, 3),
        ({"total_qty": 3.0, "base_conversion_rate": 12}, 36),
        ({"total_qty": 4, "base_conversion_rate": 1.5}, 6),
        ({"total_qty": "2", "base_conversion_rate": "6"}, 12),
    ],
)
def test_quantities_in_base_units(line, base):
    assert base_quantity(line, "total_qty", "base_conversion_rate") == base


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ({"total_qty": 3, "base_conversion_rate": 0}, "base_conversion_rate: must be positive"),
        ({"total_qty": -1, "base_conversion_rate": 1}, "total_qty: must not be negative, got -1"),
        ({"total_qty": 2.5, "base_conversion_rate": 1}, "2.5 is not a whole number"),
        ({"total_qty": True, "base_conversion_rate": 1}, "total_qty: expected a number"),
        ({"total_qty": 1, "base_conversion_rate": True}, "base_conversion_rate: expected a num"),
    ],
)
def test_quantities_that_are_not_whole_base_units_are_named(line, error):
    with pytest.raises(ValueError, match=error):
        base_quantity(line, "total_qty", "base_conversion_rate")


def test_shipped_quantity_in_the_unit_it_is_counted_in():
    line = {"unit": "case", "base_unit": "each", "base_conversion_rate": 12, "shipped_qty": 2}
    assert shipped_base_quantity(line) == 24
    assert shipped_base_quantity({**line, "shipped_qty_unit": "each"}) == 2
    assert shipped_base_quantity({**line, "shipped_qty_unit": "each", "shipped_qty": 2.0}) == 2
    with pytest.raises(ValueError, match="'box' is neither the line's unit"):
        shipped_base_quantity({**line, "shipped_qty_unit": "box"})


def test_inbound_carriers_remember_each_pair_and_raise_every_time():
    row = CarrierRow(
        carrier_channel="UPS",
        service_channel="2nd Day Air*",
        carrier_system="ups",
        service_system="2day",
    )
    carriers = InboundCarriers(CarrierMap([row], policy=UnmappedPolicy.ERROR))
    first = carriers.inbound("UPS", "2nd Day Air AM")
    assert (first.carrier, first.service) == ("ups", "2day")
    assert carriers.inbound("UPS", "2nd Day Air AM") is first
    for _ in range(2):
        with pytest.raises(MappingError, match="no inbound carrier mapping for carrier 'DHL'"):
            carriers.inbound("DHL", None)
    warn = InboundCarriers(CarrierMap([row]))
    assert warn.inbound(None, None).warning == warn.inbound(None, None).warning is not None
    update = SHIPMENT_UPDATE.build(order(), MapOptions(carriers=warn))
    assert (update.packages[0].carrier, update.packages[0].service) == ("ups", "2day")
