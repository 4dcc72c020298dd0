"""The record models validate themselves and name the field at fault."""

import datetime as dt
from decimal import Decimal

import pytest

from techoms_core.models import (
    Address,
    HealthCheck,
    HealthReport,
    Page,
    Product,
    ReceiptLine,
    RecordResult,
    Shipment,
    ShipmentLine,
    ShipmentOutcome,
    ShipmentUpdate,
    ShippedLine,
    Status,
    sku_key,
)
from techoms_core.models.sku import first_of_each_sku

ADDRESS = Address(city="Austin", postal_code="78701", country_code="US")


def shipment(**changes):
    fields = dict(
        number="S-1",
        order_number="O-1",
        warehouse="WH1",
        ship_to=ADDRESS,
        lines=[ShipmentLine(line_number=1, sku="A", quantity=2)],
    )
    fields.update(changes)
    return Shipment(**fields)


def test_sku_is_trimmed_and_identity_ignores_case():
    product = Product(sku="  ab-1 ", name="Widget", uom="EA")
    assert product.sku == "ab-1"
    assert product.sku_key == sku_key("AB-1") == "ab-1"


@pytest.mark.parametrize("sku", ["", "   ", None])
def test_blank_sku_is_refused_naming_the_field(sku):
    with pytest.raises((ValueError, TypeError), match="sku"):
        Product(sku=sku, name="Widget", uom="EA")


@pytest.mark.parametrize("quantity", [0, -1, 1.5, True, "2"])
def test_line_quantity_must_be_a_positive_integer(quantity):
    with pytest.raises(ValueError, match="quantity: must be a positive integer"):
        ShipmentLine(line_number=1, sku="A", quantity=quantity)


def test_shipment_needs_lines_with_unique_numbers():
    with pytest.raises(ValueError, match="at least one line"):
        shipment(lines=[])
    line = ShipmentLine(line_number=1, sku="A", quantity=1)
    with pytest.raises(ValueError, match="line_number values must be unique"):
        shipment(lines=[line, line])


def test_shipment_converts_dates_and_references():
    record = shipment(due_date="2026-12-01", references={"po": 12})
    assert record.due_date == dt.date(2026, 12, 1)
    assert record.references == {"po": "12"}
    with pytest.raises(ValueError, match="not a date"):
        shipment(due_date="next week")


def test_order_type_is_b2c_or_b2b():
    with pytest.raises(ValueError):
        shipment(order_type="B2X")


def test_address_requires_what_a_warehouse_needs_without_pii():
    with pytest.raises(ValueError, match="postal_code"):
        Address(city="Austin", postal_code=" ", country_code="US")


def test_money_is_decimal():
    line = ReceiptLine(line_number=1, sku="A", quantity=3, unit_cost=1.1)
    assert line.unit_cost == Decimal("1.1")
    with pytest.raises(ValueError, match="not a number"):
        ReceiptLine(line_number=1, sku="A", quantity=3, unit_cost="cheap")


def test_shipment_update_outcome_must_match_its_lines():
    full = [ShippedLine(sku="A", ordered_quantity=2, shipped_quantity=2)]
    short = [ShippedLine(sku="A", ordered_quantity=2, shipped_quantity=1)]
    over = [ShippedLine(sku="A", ordered_quantity=2, shipped_quantity=3)]
    assert ShipmentUpdate(shipment_number="S-1", outcome="shipped", lines=full)
    update = ShipmentUpdate(shipment_number="S-1", outcome="short_shipped", lines=short)
    assert [line.short_by for line in update.short_lines()] == [1]
    with pytest.raises(ValueError, match="must be 'short_shipped'"):
        ShipmentUpdate(shipment_number="S-1", outcome=ShipmentOutcome.SHIPPED, lines=short)
    with pytest.raises(ValueError, match="needs at least one short line"):
        ShipmentUpdate(shipment_number="S-1", outcome="short_shipped", lines=full)
    with pytest.raises(ValueError, match="shipped more than ordered for A"):
        ShipmentUpdate(shipment_number="S-1", outcome="shipped", lines=over)


def test_record_result_levels():
    assert RecordResult.ok("S-1", remote_id="x").level == "info"
    assert RecordResult.skipped("S-1", "exists").status is Status.SKIPPED
    assert RecordResult.warning("S-1", "unmapped carrier").level == "warning"
    assert RecordResult.failed("S-1", "bad", field="sku").level == "error"
    assert RecordResult.failed("S-1", "timeout", fatal=True).level == "fatal"
    with pytest.raises(ValueError):
        RecordResult(key="S-1", status="maybe")


def test_health_report_names_the_first_failure():
    report = HealthReport(
        checks=[
            HealthCheck(name="reachable", ok=True),
            HealthCheck(name="credentials", ok=False, message="invalid credentials"),
        ],
        latency_ms=12.5,
    )
    assert not report.ok
    assert report.message == "credentials: invalid credentials"
    assert not HealthReport(checks=[]).ok


def test_a_health_check_latency_is_a_duration_or_not_timed():
    assert HealthCheck(name="connection", ok=True, latency_ms=3).latency_ms == 3.0
    assert HealthCheck(name="connection", ok=True).latency_ms is None
    for wrong in (-1, "12", float("nan"), True):
        with pytest.raises(ValueError, match=r"latency_ms: .* is not a duration"):
            HealthCheck(name="connection", ok=True, latency_ms=wrong)
    with pytest.raises(ValueError, match="latency_ms"):
        HealthReport(checks=[], latency_ms=-0.5)


def test_page_defaults_to_an_empty_page_without_cursor():
    page = Page()
    assert page.records == () and page.problems == () and page.cursor is None


def test_first_of_each_sku_keeps_order_and_reports_repeats():
    firsts, repeats = first_of_each_sku(["A", "b", " a ", "B", "c"], lambda s: s)
    assert firsts == ["A", "b", "c"]
    assert repeats == [" a ", "B"]
