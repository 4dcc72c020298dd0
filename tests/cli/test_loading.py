"""Load files: the whole file is checked, every problem names index, key and field."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from techoms_core.loading import (
    LoadError,
    parse_load_text,
    parse_records,
    read_load_file,
    to_load_format,
)
from techoms_core.models import OrderType, Product, Receipt, Shipment


def shipment(number: str = "S-1001", **changes) -> dict:
    record = {
        "number": number,
        "order_number": "SO-1",
        "warehouse": "MAIN",
        "order_type": "B2C",
        "carrier": "UPS",
        "service": "Ground",
        "ship_to": {
            "name": "Ada Lovelace",
            "address1": "1 Main St",
            "city": "Springfield",
            "state_code": "IL",
            "postal_code": "62701",
            "country_code": "US",
            "residential": True,
        },
        "lines": [{"line_number": 1, "sku": "TEE-1", "quantity": 2, "references": {"x": "1"}}],
        "references": {"customer_po": "PO-9"},
        "due_date": "2030-01-31",
    }
    record.update(changes)
    return record


def problems_of(kind: str, data) -> list[str]:
    with pytest.raises(LoadError) as caught:
        parse_records(kind, data)
    return [str(problem) for problem in caught.value.problems]


def test_a_good_shipment_file_becomes_models():
    [loaded] = parse_records("shipments", [shipment()])
    assert isinstance(loaded, Shipment)
    assert loaded.order_type is OrderType.B2C
    assert loaded.ship_to.residential is True
    assert loaded.lines[0].references == {"x": "1"}
    assert loaded.due_date.isoformat() == "2030-01-31"


def test_the_spec_example_names_index_key_and_field():
    data = [shipment(f"S-100{i}") for i in range(1, 4)]
    data.append(shipment("S-1004", lines=[{"line_number": 1, "sku": "A", "quantity": 0}]))
    assert problems_of("shipments", data) == [
        "record 3 (shipment S-1004): lines[0].quantity: must be a positive integer, got 0"
    ]


def test_every_problem_of_every_record_is_listed_at_once():
    bad_address = shipment("S-1", ship_to={"city": "X", "country_code": "US", "residential": "y"})
    data = [
        bad_address,
        shipment("S-2", order_type="B2X", due_date="tomorrow", lines=[]),
        7,
        shipment("S-3", colour="red"),
    ]
    found = problems_of("shipments", data)
    assert found[:2] == [
        "record 0 (shipment S-1): ship_to.postal_code: required",
        "record 0 (shipment S-1): ship_to.residential: must be true or false, not text ('y')",
    ]
    assert "record 1 (shipment S-2): lines: at least one line is required" in found
    assert "record 1 (shipment S-2): order_type: must be one of B2C, B2B, got 'B2X'" in found
    assert "record 1 (shipment S-2): due_date: not a date (YYYY-MM-DD): 'tomorrow'" in found
    assert "record 2: must be an object, not a number (7)" in found
    assert any(p.startswith("record 3 (shipment S-3): colour: unknown field") for p in found)


def test_unknown_fields_are_refused_in_nested_objects_too():
    record = shipment(lines=[{"line_number": 1, "sku": "A", "quantity": 1, "qty": 1}])
    record["ship_to"]["zip"] = "1"
    found = problems_of("shipments", [record])
    prefix = "record 0 (shipment S-1001): "
    assert any(p.startswith(prefix + "ship_to.zip: unknown field") for p in found)
    assert any(p.startswith(prefix + "lines[0].qty: unknown field") for p in found)


def test_repeated_keys_are_refused_skus_compared_as_skus():
    data = [
        {"sku": "TEE-1", "name": "Tee", "uom": "EA"},
        {"sku": " tee-1 ", "name": "Tee again", "uom": "EA"},
    ]
    assert problems_of("products", data) == ["record 1 (product tee-1): sku: repeats record 0"]
    assert problems_of("shipments", [shipment(), shipment()]) == [
        "record 1 (shipment S-1001): number: repeats record 0"
    ]


def test_a_repeat_of_a_bad_record_is_still_reported():
    data = [shipment(order_number=""), shipment()]
    found = problems_of("shipments", data)
    assert "record 1 (shipment S-1001): number: repeats record 0" in found


def test_duplicate_line_numbers_are_a_problem_of_the_lines():
    lines = [
        {"line_number": 1, "sku": "A", "quantity": 1},
        {"line_number": 1, "sku": "B", "quantity": 1},
    ]
    assert problems_of("shipments", [shipment(lines=lines)]) == [
        "record 0 (shipment S-1001): lines: line_number values must be unique"
    ]


def test_products_accept_the_load_format_fields_only():
    [product] = parse_records(
        "products",
        [
            {
                "sku": "TEE-1",
                "name": "Tee",
                "description": "A tee",
                "uom": "EA",
                "barcode": "0123",
                "weight": {"value": 0.25, "unit": "lb"},
                "dimensions": {"length": 10, "width": 8, "height": 1, "unit": "in"},
            }
        ],
    )
    assert isinstance(product, Product)
    assert product.weight.value == Decimal("0.25")
    found = problems_of("products", [{"sku": "A", "name": "A", "uom": "EA", "units": []}])
    assert found[0].startswith("record 0 (product A): units: unknown field")
    no_value = {"sku": "A", "name": "A", "uom": "EA", "weight": {"unit": "lb"}}
    found = problems_of("products", [no_value])
    assert found == ["record 0 (product A): weight.value: required"]


def test_receipts_keep_lots_and_decimal_costs_exactly():
    text = json.dumps(
        [
            {
                "number": "R-1",
                "po_number": "PO-1",
                "warehouse": "MAIN",
                "supplier": {"code": "ACME", "name": "Acme"},
                "expected_date": "2030-02-01",
                "lines": [
                    {
                        "line_number": 1,
                        "sku": "A",
                        "quantity": 5,
                        "unit_cost": 1.1,
                        "lot_number": "L1",
                    }
                ],
                "references": {},
            }
        ]
    )
    [receipt] = parse_load_text("receipts", text)
    assert isinstance(receipt, Receipt)
    assert receipt.lines[0].unit_cost == Decimal("1.1")
    assert receipt.lines[0].lot_number == "L1"


def test_file_level_problems():
    with pytest.raises(LoadError, match=r"not valid JSON: .*line 1"):
        parse_load_text("products", "[{")
    with pytest.raises(LoadError, match="holds a JSON array of products, not an object"):
        parse_records("products", {"sku": "A"})
    with pytest.raises(LoadError, match="unknown kind 'orders'"):
        parse_records("orders", [])


def test_read_load_file_reports_a_missing_file(tmp_path):
    with pytest.raises(LoadError, match="cannot read"):
        read_load_file("products", tmp_path / "none.json")


def test_the_load_format_round_trips():
    [loaded] = parse_records("shipments", [shipment()])
    again = parse_records("shipments", [to_load_format(loaded)])
    assert again == [loaded]
    assert to_load_format(loaded)["due_date"] == "2030-01-31"
    assert json.dumps(to_load_format(loaded))
