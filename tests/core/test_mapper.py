"""The framework's declarative mapper: one table maps a record out, back in,
and a WMS's field path back to ours."""

from __future__ import annotations

from techoms_core.mapper import Child, Field, MapOptions, Mapper
from techoms_core.models import Address, Shipment, ShipmentLine

LINE = Mapper(
    ShipmentLine, Field("line_number", "n"), Field("sku", "code"), Field("quantity", "qty")
)
ADDRESS = Mapper(
    Address,
    Field("name", "who", pii=True),
    Field("city", "town"),
    Field("postal_code", "zip"),
    Field("country_code", "country"),
)
ORDER = Mapper(
    None,
    Field("number", "ref"),
    Child("ship_to", "to", ADDRESS, many=False),
    Child("lines", "items", LINE),
)
SHIPMENT = Shipment(
    number="S-1",
    order_number="O-1",
    warehouse="MAIN",
    ship_to=Address(name="Ann", city="Austin", postal_code="78701", country_code="US"),
    lines=(ShipmentLine(line_number=1, sku="CAP", quantity=2),),
)


def test_a_record_maps_out_by_its_table_and_pii_is_withheld_on_request():
    assert ORDER.to_wire(SHIPMENT) == {
        "ref": "S-1",
        "to": {"who": "Ann", "town": "Austin", "zip": "78701", "country": "US"},
        "items": [{"n": 1, "code": "CAP", "qty": 2}],
    }
    assert "who" not in ORDER.to_wire(SHIPMENT, MapOptions(suppress_pii=True))["to"]


def test_a_payload_maps_back_in_by_the_same_table():
    lines = [{"n": 1, "code": "CAP", "qty": 2}]
    assert LINE.build(lines[0]) == ShipmentLine(line_number=1, sku="CAP", quantity=2)
    assert ORDER.from_wire({"ref": "S-1", "items": lines})["lines"][0].sku == "CAP"


def test_a_wms_field_path_is_named_in_our_terms():
    assert ORDER.record_path("items[0].qty") == "lines[0].quantity"
    assert ORDER.record_path("to.zip") == "ship_to.postal_code"
    assert ORDER.record_path("nowhere") is None
