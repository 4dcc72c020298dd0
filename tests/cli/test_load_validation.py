"""A load refuses what some store or plugin could not hold, naming the record's
index, its key and the field; and a file no parser should choke on."""

from __future__ import annotations

import json

import pytest

from tests.cli.conftest import DATA


def _products(tmp_path, *records: dict) -> str:
    path = tmp_path / "products.json"
    path.write_text(json.dumps(list(records)))
    return str(path)


def _product(sku: str, **changes) -> dict:
    return {"sku": sku, "name": "A thing", "uom": "each", **changes}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"weight": {"value": float("nan"), "unit": "kg"}}, "weight.value", "finite number"),
        ({"weight": {"value": float("inf"), "unit": "kg"}}, "weight.value", "finite number"),
        ({"weight": {"value": -1, "unit": "kg"}}, "weight.value", "must be from 0 to"),
        ({"weight": {"value": 1e300, "unit": "kg"}}, "weight.value", "must be from 0 to"),
        (
            {"dimensions": {"length": 1, "width": -2, "height": 1, "unit": "in"}},
            "dimensions.width",
            "must be from 0 to",
        ),
    ],
)
def test_numbers_must_be_finite_and_within_bounds(store, tmp_path, changes, field, message):
    cli = store
    file = _products(tmp_path, _product("OK-1"), _product("B-1", **changes))
    refused = cli("load", "products", file, status=1)
    assert f"record 1 (product B-1): {field}: " in refused.stderr
    assert message in refused.stderr
    assert cli.json("show", "products") == []


def test_a_negative_cost_and_an_unknown_country_are_refused(cli, tmp_path):
    receipts = json.loads((DATA / "receipts.json").read_text())
    receipts[0]["lines"][0]["unit_cost"] = -3
    shipments = json.loads((DATA / "shipments.json").read_text())
    shipments[1]["ship_to"]["country_code"] = "ZZZ"
    shipments[2]["ship_to"]["country_code"] = " us "
    (tmp_path / "r.json").write_text(json.dumps(receipts))
    (tmp_path / "s.json").write_text(json.dumps(shipments))
    refused = cli("load", "receipts", str(tmp_path / "r.json"), status=1).stderr
    assert f"record 0 (receipt {receipts[0]['number']}): lines[0].unit_cost: must be from 0" in (
        refused
    )
    refused = cli("load", "shipments", str(tmp_path / "s.json"), status=1).stderr
    assert (
        f"record 1 (shipment {shipments[1]['number']}): ship_to.country_code: 'ZZZ' is not an "
        "ISO 3166-1 alpha-2 country code"
    ) in refused
    assert f"record 2 (shipment {shipments[2]['number']}): ship_to.country_code: 'us' is not" in (
        refused
    )
    shipments[1]["ship_to"]["country_code"] = shipments[2]["ship_to"]["country_code"] = "DE"
    (tmp_path / "s.json").write_text(json.dumps(shipments))
    cli("load", "shipments", str(tmp_path / "s.json"))


@pytest.mark.parametrize(
    ("sku", "message"),
    [
        ("NUL\x00SKU", "holds an invisible or control character (U+0000) at position 3"),
        ("ZERO\u200bWIDTH", "holds an invisible or control character (U+200B) at position 4"),
        ("BIDI\u202eEVIL", "holds an invisible or control character (U+202E) at position 4"),
        ("X" * 100_000, "a SKU of 100,000 characters, more than the 200 a SKU may have"),
    ],
)
def test_sku_characters_and_length_are_checked(cli, tmp_path, sku, message):
    refused = cli("load", "products", _products(tmp_path, _product(sku)), status=1).stderr
    assert "record 0 (product " in refused and f"sku: {message}" in refused
    assert len(refused) < 2_000  # a huge SKU is not printed back whole


def test_compatibility_forms_of_a_sku_are_the_same_sku(cli, tmp_path):
    full_width = "\uff21\uff22\uff23-\uff11"
    file = _products(tmp_path, _product("abc-1"), _product(full_width))
    refused = cli("load", "products", file, status=1)
    assert "record 1 (product " in refused.stderr and "sku: repeats record 0" in refused.stderr
    cli("load", "products", _products(tmp_path, _product("ABC-1")))
    cli("load", "products", _products(tmp_path, _product(full_width, name="Renamed")))
    (product,) = cli.json("show", "products")
    assert product["name"] == "Renamed"


def test_repeated_json_keys_are_refused_naming_the_field(store, tmp_path):
    cli = store
    path = tmp_path / "products.json"
    path.write_text(
        '[{"sku": "A-1", "name": "n", "uom": "each"},'
        ' {"sku": "B-1", "name": "first", "name": "second", "uom": "each",'
        '  "weight": {"value": 1, "unit": "kg", "unit": "lb"}}]'
    )
    refused = cli("load", "products", str(path), status=1).stderr
    assert "record 1 (product B-1): name: appears more than once in the same object" in refused
    assert "record 1 (product B-1): weight.unit: appears more than once" in refused
    assert cli.json("show", "products") == []


def test_a_deep_or_huge_file_is_a_named_error_not_a_crash(cli, tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    result = cli("load", "products", str(deep), status=1)
    assert "JSON nested too deeply" in result.stderr
    huge = tmp_path / "huge.json"
    text = json.dumps([_product("A-1")]).replace('"each"', '"each", "barcode": ' + "9" * 5000)
    huge.write_text(text)
    result = cli("load", "products", str(huge), "--json", status=1)
    assert "a number has more than 4,300 digits" in json.loads(result.stdout)["message"] + str(
        json.loads(result.stdout)["problems"]
    )
    references = tmp_path / "refs.json"
    shipment = json.loads((DATA / "shipments.json").read_text())[0]
    shipment["references"] = {"po": "DEEP"}
    deep_value = "[" * 900 + "]" * 900  # readable, but deep for whatever reads it next
    references.write_text(json.dumps([shipment]).replace('"DEEP"', deep_value))
    for result in (
        cli("load", "shipments", str(references), status=None),
        cli("load", "shipments", str(references), "--json", status=None),
    ):
        assert result.exit_code == 1
        assert "Traceback" not in result.stderr and "unexpected" not in result.stderr


def test_a_quantity_beyond_what_a_store_holds_is_refused(cli, tmp_path):
    shipments = json.loads((DATA / "shipments.json").read_text())[:1]
    shipments[0]["lines"][0]["quantity"] = 10**40
    (tmp_path / "s.json").write_text(json.dumps(shipments))
    refused = cli("load", "shipments", str(tmp_path / "s.json"), status=1).stderr
    assert "lines[0].quantity: must be at most 2,147,483,647, got 10000" in refused
