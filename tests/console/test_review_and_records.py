"""The Review page (short-shipped orders from the sandbox, accepted or
dismissed) and the Records page (searched, filtered, paged)."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from techoms_core.context import ChannelConfig
from techoms_core.loading import parse_records
from techoms_core.mappings import CarrierRow
from techoms_core.runner import run_option
from tests.cli.conftest import DATA
from tests.console.conftest import KEY_VARIABLE, SECRET_VARIABLE


@pytest.fixture(scope="module")
def short_shipped(console, sandbox_server) -> str:
    """A channel serving MAIN with the demo data sent; S-1002 and S-1003
    shipped short in Leanafy and received: both kept for review."""
    host, sandbox = console.host, sandbox_server
    sandbox.reset("empty")
    channel = "review-east"
    host.add_channel(
        ChannelConfig(
            name=channel,
            plugin="leanafy",
            settings={
                "api_url": sandbox.url,
                "api_key": f"env:{KEY_VARIABLE}",
                "api_secret": f"env:{SECRET_VARIABLE}",
                "warehouse_id": sandbox.warehouse_ids[0],
            },
            warehouse="MAIN",
        )
    )
    for kind in ("products", "shipments", "receipts"):
        records = parse_records(kind, json.loads((DATA / f"{kind}.json").read_text()))
        getattr(host, f"load_{kind}")(records)
    host.add_carrier_mappings(
        channel,
        [CarrierRow(carrier_channel="UPS", service_channel="UPS Ground", carrier_system="UPS",
                    service_system="Ground", primary=True)],
    )  # fmt: skip
    for option in ("export-products", "send-shipments"):
        run_option(host, console.state.registry, channel, option, environ=console.environ)
    ids = {o["primary_reference_number"]: o["_id"] for o in sandbox.warehouse.orders()}
    sandbox.warehouse.ship(
        ids["S-1002"], [{"tracking_number": "1ZCAP", "lines": [{"sku": "CAP-NAVY", "qty": 2}]}]
    )
    sandbox.warehouse.ship(
        ids["S-1003"], [{"tracking_number": "1ZMUG", "lines": [{"sku": "MUG-12OZ", "qty": 3}]}]
    )
    run_option(host, console.state.registry, channel, "receive-shipments", environ=console.environ)
    return channel


def _status(host, number: str) -> str:
    return next(s["status"] for s in host.shipment_rows() if s["number"] == number)


def test_accepting_and_dismissing_review_items(page, console, short_shipped, shot):
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto("/review")
    items = page.locator(".review-item")
    expect(items).to_have_count(2)
    cap = items.filter(has_text="S-1002")
    expect(cap.locator("table.lines")).to_contain_text("CAP-NAVY")
    cells = cap.locator("tbody tr").first.locator("td").all_inner_texts()
    assert [cell.strip() for cell in cells[1:]] == ["CAP-NAVY", "3", "2", "1"]
    shot("review")
    cap.locator("text=Accept").click()
    expect(cap).to_contain_text("accepted")
    expect(cap.locator(".notice")).to_contain_text("run")
    assert _status(console.host, "S-1002") == "shipped"

    items.filter(has_text="S-1003").locator("text=Dismiss").click()
    expect(items.filter(has_text="S-1003")).to_contain_text("dismissed")
    assert _status(console.host, "S-1003") == "sent"
    page.goto("/review")
    expect(page.locator(".review-item")).to_have_count(0)
    page.goto("/review?show=all")
    expect(page.locator(".review-item")).to_have_count(2)


def test_records_are_searched_filtered_and_show_the_wms_id(page, console, short_shipped, shot):
    page.goto("/records?kind=shipments")
    rows = page.locator("#records tbody tr")
    expect(rows).to_have_count(4)
    shot("records")
    page.fill("#records-sku", "mug-12")
    page.click("button:has-text('Search')")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("S-1001")
    expect(rows.last).to_contain_text("S-1003")
    page.fill("#records-sku", "")
    page.fill("#records-number", "S-1004")
    page.click("button:has-text('Search')")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("S-1004")
    page.goto("/records?kind=shipments&status=sent")
    sent = [s for s in console.host.shipment_rows() if s["status"] == "sent"]
    expect(rows).to_have_count(len(sent))
    expect(rows.first.locator("code")).to_have_text(sent[0]["remote_id"])
    page.goto("/records?kind=products&sku=tee")
    expect(rows.first).to_contain_text("TEE-BLK-M")
    page.goto("/records?kind=inventory")
    expect(page.locator("#records")).to_be_visible()
