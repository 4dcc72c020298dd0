"""SKU, carrier and reference mappings (spec §5)."""

import pytest

from techoms_core.mappings import (
    CarrierMap,
    CarrierRow,
    MappingError,
    MappingProblem,
    ReferenceMap,
    ReferenceRow,
    SkuMap,
    UnmappedPolicy,
    plan_carrier_rows,
)
from techoms_core.models import ReferenceLevel


def test_sku_map_translates_both_ways_and_defaults_to_same_sku():
    skus = SkuMap([("WIDGET-1", "LF-W1")])
    assert skus.to_channel(" widget-1 ") == "LF-W1"
    assert skus.to_system("lf-w1") == "WIDGET-1"
    assert skus.to_channel("OTHER") == "OTHER"
    assert skus.to_system("OTHER ") == "OTHER"


def test_sku_map_is_strict():
    skus = SkuMap([("A", "X")])
    skus.add("a", "x")  # the same pair again is fine
    with pytest.raises(MappingError, match="already mapped to 'X'"):
        skus.add("A", "Y")
    with pytest.raises(MappingError, match="already mapped from 'A'"):
        skus.add("B", "X")
    with pytest.raises(MappingError, match="needs both"):
        skus.add("B", " ")


ROWS = [
    CarrierRow(
        carrier_channel="UPS",
        service_channel="Ground",
        carrier_system="ups",
        service_system="ground",
    ),
    CarrierRow(
        carrier_channel="UPS",
        service_channel="GND",
        carrier_system="ups",
        service_system="ground",
        primary=True,
    ),
    CarrierRow(
        carrier_channel="UPS",
        service_channel="2nd Day Air*",
        carrier_system="ups",
        service_system="2day",
    ),
    CarrierRow(
        carrier_channel="UPS",
        service_channel="2nd Day Air A.M.",
        carrier_system="ups",
        service_system="2day_am",
    ),
]


def test_outbound_picks_the_primary_row():
    result = CarrierMap(ROWS).outbound("UPS", "Ground")
    assert (result.carrier, result.service, result.warning) == ("UPS", "GND", None)


def test_inbound_prefers_exact_rows_over_wildcards():
    carriers = CarrierMap(ROWS)
    assert carriers.inbound("UPS", "2nd Day Air Saturday").service == "2day"
    assert carriers.inbound("ups", "2nd day air a.m.").service == "2day_am"


def test_unmapped_warns_or_fails_by_policy():
    warned = CarrierMap(ROWS).inbound("FedEx", "Home")
    assert (warned.carrier, warned.service) == ("FedEx", "Home")
    assert "no inbound carrier mapping" in warned.warning
    with pytest.raises(MappingError, match="no outbound carrier mapping"):
        CarrierMap(ROWS, policy=UnmappedPolicy.ERROR).outbound("dhl", "x")


def test_reference_map_selects_properties_per_level():
    references = ReferenceMap(
        [
            ReferenceRow(level="sales_order", code="gift_note", property="instructions"),
            ReferenceRow(level="purchase_order", code="gift_note", property="po_number"),
        ]
    )
    assert references.properties_for(
        ReferenceLevel.SALES_ORDER, {"Gift_Note": "Happy birthday", "other": "x"}
    ) == {"instructions": "Happy birthday"}
    assert references.properties_for(ReferenceLevel.SALES_ORDER_LINE, {"gift_note": "x"}) == {}


def test_a_wildcard_row_is_never_sent_outbound():
    """A wildcard matches inbound codes; outbound it would send the ``*`` literally."""
    wildcard_only = [row for row in ROWS if row.service_system == "2day"]
    result = CarrierMap(wildcard_only).outbound("ups", "2day")
    assert (result.carrier, result.service) == ("ups", "2day")
    assert "no outbound carrier mapping" in result.warning
    with pytest.raises(MappingError, match="no outbound carrier mapping"):
        CarrierMap(wildcard_only, policy=UnmappedPolicy.ERROR).outbound("ups", "2day")
    exact = CarrierRow(
        carrier_channel="UPS", service_channel="2nd Day Air", carrier_system="ups",
        service_system="2day",
    )  # fmt: skip
    assert CarrierMap([*wildcard_only, exact]).outbound("UPS", "2DAY").service == "2nd Day Air"


def test_a_wildcard_row_cannot_be_primary():
    row = CarrierRow(
        carrier_channel="UPS", service_channel="Ground*", carrier_system="UPS",
        service_system="Ground", primary=True,
    )  # fmt: skip
    assert "cannot be primary" in row.problem()
    assert plan_carrier_rows([], [row]).problems == (
        MappingProblem(index=0, message=row.problem()),
    )


def test_rows_differing_only_in_primary_are_refused():
    primary, plain = (
        CarrierRow(
            carrier_channel="UPS", service_channel="GND", carrier_system="ups",
            service_system="ground", primary=flag,
        )
        for flag in (True, False)
    )  # fmt: skip
    plan = plan_carrier_rows([primary], [plain, primary])
    assert plan.added == ()
    assert [(p.index, "already mapped, primary" in p.message) for p in plan.problems] == [(0, True)]
    plan = plan_carrier_rows([], [primary, plain])
    assert plan.added == (primary,) and [p.index for p in plan.problems] == [1]
