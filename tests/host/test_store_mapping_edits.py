"""Changing and removing single mapping rows: one transaction, or nothing changes."""

from __future__ import annotations

import pytest

from techoms_core.mappings import CarrierRow, MappingError, ReferenceRow


def test_a_sku_row_is_changed_and_removed_by_its_id(wms):
    wms.add_sku_mappings("wms", [("Blue-Mug", "BM-1"), ("RED", "R-1")])
    rows = wms.mapping_table("wms", "sku")
    assert rows == [
        {"id": "blue-mug", "system_sku": "Blue-Mug", "channel_sku": "BM-1"},
        {"id": "red", "system_sku": "RED", "channel_sku": "R-1"},
    ]
    wms.replace_mapping("wms", "sku", "blue-mug", ("Blue-Mug", "BM-2"))
    assert wms.sku_mapping_rows("wms") == [("Blue-Mug", "BM-2"), ("RED", "R-1")]
    wms.remove_mapping("wms", "sku", "red")
    assert wms.sku_mapping_rows("wms") == [("Blue-Mug", "BM-2")]
    with pytest.raises(MappingError, match="does not exist"):
        wms.remove_mapping("wms", "sku", "red")


def test_a_change_that_contradicts_another_row_changes_nothing(wms):
    wms.add_sku_mappings("wms", [("A", "a-1"), ("B", "b-1")])
    with pytest.raises(MappingError):
        wms.replace_mapping("wms", "sku", "a", ("A", "b-1"))
    assert wms.sku_mapping_rows("wms") == [("A", "a-1"), ("B", "b-1")]


def test_carrier_and_reference_rows_by_id(wms):
    row = CarrierRow(
        carrier_channel="UPS", service_channel="Ground", carrier_system="ups",
        service_system="ground", primary=False,
    )  # fmt: skip
    wms.add_carrier_mappings("wms", [row])
    (shown,) = wms.mapping_table("wms", "carrier")
    assert shown["primary"] == "false" and shown["carrier_channel"] == "UPS"
    changed = CarrierRow(
        carrier_channel="UPS Air", service_channel="Ground", carrier_system="ups",
        service_system="ground", primary=True,
    )  # fmt: skip
    wms.replace_mapping("wms", "carrier", shown["id"], changed)
    assert wms.carrier_mapping_rows("wms") == [changed]
    wms.add_reference_mappings("wms", [ReferenceRow(level="sales_order", code="PO", property="x")])
    (reference,) = wms.mapping_table("wms", "reference")
    assert reference["level"] == "sales_order"
    wms.remove_mapping("wms", "reference", reference["id"])
    assert wms.reference_mapping_rows("wms") == []
    with pytest.raises(MappingError, match="does not exist"):
        wms.remove_mapping("wms", "carrier", "not-a-number")
