"""Mapping rows as typed: CSV read and written the same way by the CLI and the console."""

from __future__ import annotations

import io

import pytest

from plugins.registry import Registry
from techoms_core.mapping_input import (
    MappingInputError,
    import_problems,
    mapping_row,
    read_mapping_csv,
    write_mapping_csv,
)
from techoms_core.mappings import CarrierRow, MappingProblem


@pytest.fixture(scope="module")
def leanafy():
    return Registry.discover().get("leanafy")


def test_every_bad_row_is_numbered_and_good_rows_come_back(leanafy):
    text = "carrier_channel,service_channel,carrier_system,service_system,primary\n"
    text += "UPS,Ground,ups,ground,yes\n,Air,ups,air,\nFedEx,2Day,fedex,2day,maybe\n"
    rows, problems = read_mapping_csv(io.StringIO(text), "carrier", leanafy)
    assert [number for number, _ in rows] == [2]
    assert rows[0][1] == CarrierRow(
        carrier_channel="UPS", service_channel="Ground", carrier_system="ups",
        service_system="ground", primary=True,
    )  # fmt: skip
    assert problems == [
        (3, "carrier_channel: required"),
        (4, "primary: must be true or false, got 'maybe'"),
    ]


def test_a_header_without_the_columns_is_refused_whole(leanafy):
    with pytest.raises(MappingInputError, match="missing: channel_sku; unknown: remote"):
        read_mapping_csv(io.StringIO("system_sku,remote\nA,a\n"), "sku", leanafy)
    with pytest.raises(MappingInputError, match="the header must name"):
        read_mapping_csv(io.StringIO(""), "sku", leanafy)


def test_formula_cells_are_neutralised_on_export_and_read_back_unchanged(leanafy):
    buffer = io.StringIO()
    rows = [{"system_sku": "=HYPERLINK(1)", "channel_sku": "'quoted"}]
    assert write_mapping_csv(buffer, "sku", rows) == 1
    assert buffer.getvalue().splitlines()[1] == "'=HYPERLINK(1),''quoted"
    back, problems = read_mapping_csv(io.StringIO(buffer.getvalue()), "sku", leanafy)
    assert problems == [] and back == [(2, ("=HYPERLINK(1)", "'quoted"))]


def test_a_reference_row_must_name_a_property_the_plugin_offers(leanafy):
    row, problems = mapping_row(
        "reference", {"level": "sales_order", "code": "PO", "property": "nope"}, leanafy
    )
    assert row is None and "is not a Leanafy property at level sales_order" in problems[0]


def test_import_problems_name_conflicting_good_rows_by_their_row_number():
    numbered = [(2, "a"), (5, "b")]
    listed = import_problems([(3, "x: required")], numbered, [MappingProblem(index=1, message="m")])
    assert listed == ["row 3: x: required", "row 5: m"]
