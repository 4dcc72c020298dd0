"""Receive shipments: shipped, short, over, cancelled; base units; cursors."""

from __future__ import annotations

from decimal import Decimal

from techoms_core.http.retry import RetryPolicy
from techoms_core.mappings import CarrierMap, CarrierRow, Mappings, SkuMap
from techoms_core.models import ShipmentOutcome, Status, Weight

from .samples import shipment

SECOND_DAY = CarrierRow(
    carrier_channel="UPS",
    service_channel="2nd Day Air*",
    carrier_system="ups",
    service_system="2day",
)


def send(plugin, context, *shipments) -> dict[str, str]:
    """Send shipments; their Leanafy order ids by number."""
    results = list(plugin.send_shipments(context, list(shipments)))
    assert all(r.status is Status.OK for r in results), results
    return {r.key: r.remote_id for r in results}


def received(plugin, context, cursor=None):
    pages = list(plugin.receive_shipments(context, cursor))
    updates = {u.shipment_number: u for page in pages for u in page.records}
    problems = {p.key: p for page in pages for p in page.problems}
    return pages, updates, problems


def test_shipped_in_two_packages(plugin, sandbox_demo, open_channel):
    context = open_channel(mappings=Mappings(carriers=CarrierMap([SECOND_DAY])))
    ids = send(plugin, context, shipment("SH-1", ("TEE-BLK-M", 3), ("CANDLE-LAV", 12)))
    box = {"carrier": "UPS", "cost": {"value": 5.5, "currency": "USD"}}
    sandbox_demo.warehouse.ship(
        ids["SH-1"],
        [
            {
                **box,
                "service": "2nd Day Air AM",
                "tracking_number": "1Z-A",
                "weight": {"value": 2, "unit": "lb"},
                "lines": [{"sku": "TEE-BLK-M", "qty": 3}],
            },
            {**box, "service": "2nd Day Air", "tracking_number": "1Z-B"},
        ],
    )
    _, updates, problems = received(plugin, context)
    assert problems == {}
    update = updates["SH-1"]
    assert update.outcome is ShipmentOutcome.SHIPPED
    assert update.remote_id == ids["SH-1"]
    assert [(p.tracking_number, p.carrier, p.service) for p in update.packages] == [
        ("1Z-A", "ups", "2day"),
        ("1Z-B", "ups", "2day"),
    ]
    assert update.packages[0].cost == Decimal("5.5") and update.packages[0].currency == "USD"
    assert update.packages[0].weight == Weight(value=2, unit="lb")
    assert {(line.sku, line.shipped_quantity) for line in update.lines} == {
        ("TEE-BLK-M", 3),
        ("CANDLE-LAV", 12),
    }


def test_short_shipped_is_kept_for_review(plugin, sandbox_demo, open_channel):
    context = open_channel()
    ids = send(plugin, context, shipment("SH-1", ("TEE-BLK-M", 3), ("CAP-NVY", 1)))
    sandbox_demo.warehouse.set_inventory("CAP-NVY", 5)
    package = {"tracking_number": "1Z", "lines": [{"sku": "TEE-BLK-M", "qty": 1}]}
    sandbox_demo.warehouse.ship(ids["SH-1"], [package])
    _, updates, _ = received(plugin, context)
    update = updates["SH-1"]
    assert update.outcome is ShipmentOutcome.SHORT_SHIPPED
    assert {(line.sku, line.short_by) for line in update.short_lines()} == {
        ("TEE-BLK-M", 2),
        ("CAP-NVY", 1),
    }


def test_over_shipped_is_a_failed_problem(plugin, sandbox_demo, open_channel):
    context = open_channel()
    ids = send(plugin, context, shipment("SH-1", ("TEE-BLK-M", 2)), shipment("SH-2"))
    over = {"tracking_number": "1Z", "lines": [{"sku": "TEE-BLK-M", "qty": 3}]}
    sandbox_demo.warehouse.ship(ids["SH-1"], [over], allow_over=True)
    sandbox_demo.warehouse.ship(ids["SH-2"])
    _, updates, problems = received(plugin, context)
    assert "SH-1" not in updates and "SH-2" in updates
    assert problems["SH-1"].status is Status.FAILED
    assert "shipped more than ordered" in problems["SH-1"].message


def test_cancelled_with_leanafys_reason(plugin, sandbox_demo, open_channel):
    context = open_channel()
    ids = send(plugin, context, shipment("SH-1"))
    sandbox_demo.warehouse.cancel_order(ids["SH-1"], reason="Address undeliverable")
    _, updates, _ = received(plugin, context)
    assert updates["SH-1"].outcome is ShipmentOutcome.CANCELLED
    assert updates["SH-1"].cancelled_reason == "Address undeliverable"


def test_only_our_shipped_orders_of_our_warehouse(plugin, sandbox_demo, sandbox_http, open_channel):
    context = open_channel()
    ids = send(plugin, context, shipment("SH-OPEN"), shipment("SH-EAST"))
    foreign = {
        "shipping_address": {"city": "Reno", "zip": "89501", "country_code": "US"},
        "items": [{"sku": "TEE-BLK-M", "total_qty": 1, "unit": "EA"}],
    }
    answer = sandbox_http.post(f"{sandbox_demo.base_url}/order", json=foreign).json()
    sandbox_demo.warehouse.ship(answer["payload"]["_id"])
    east = {**foreign, "primary_reference_number": "SH-EAST-2"}
    east["warehouse_id"] = sandbox_demo.warehouse_ids[1]
    answer = sandbox_http.post(f"{sandbox_demo.base_url}/order", json=east).json()
    sandbox_demo.warehouse.ship(answer["payload"]["_id"])
    sandbox_demo.warehouse.pack(ids["SH-OPEN"])
    sandbox_demo.warehouse.ship(ids["SH-EAST"])

    _, updates, problems = received(plugin, context)
    assert set(updates) == {"SH-EAST"} and problems == {}


def test_conversions_other_than_one(plugin, sandbox_demo, sandbox_http, open_channel):
    packs = {
        "primary_reference_number": "SH-PACK",
        "shipping_address": {"city": "Reno", "zip": "89501", "country_code": "US"},
        "items": [{"sku": "CANDLE-LAV", "total_qty": 2, "unit": "PACK"}],
        "warehouse_id": sandbox_demo.warehouse_ids[0],
    }
    order = sandbox_http.post(f"{sandbox_demo.base_url}/order", json=packs).json()["payload"]
    package = {"tracking_number": "1Z", "lines": [{"sku": "CANDLE-LAV", "qty": 7, "unit": "EA"}]}
    sandbox_demo.warehouse.ship(order["_id"], [package])
    _, updates, _ = received(plugin, open_channel())
    (line,) = updates["SH-PACK"].lines
    assert (line.ordered_quantity, line.shipped_quantity) == (12, 7)
    assert updates["SH-PACK"].outcome is ShipmentOutcome.SHORT_SHIPPED


def test_sku_mappings_apply_inbound(plugin, sandbox_demo, open_channel):
    context = open_channel(mappings=Mappings(skus=SkuMap([("OUR-TEE", "TEE-BLK-M")])))
    ids = send(plugin, context, shipment("SH-1", ("OUR-TEE", 2)))
    sandbox_demo.warehouse.ship(ids["SH-1"])
    _, updates, _ = received(plugin, context)
    assert [line.sku for line in updates["SH-1"].lines] == ["OUR-TEE"]


def test_cursor_resumes_without_losing_or_repeating(
    plugin, sandbox_demo, sandbox_http, open_channel, small_pages
):
    context = open_channel()
    for n in range(130):
        body = {
            "primary_reference_number": f"SH-{n:03d}",
            "shipping_address": {"city": "Reno", "zip": "89501", "country_code": "US"},
            "items": [{"sku": "TEE-BLK-M", "total_qty": 1, "unit": "EA"}],
        }
        order = sandbox_http.post(f"{sandbox_demo.base_url}/order", json=body).json()
        sandbox_demo.warehouse.ship(order["payload"]["_id"])

    pages, updates, _ = received(plugin, context)
    assert len(pages) == 2 and len(updates) == 130
    first_page = [u.shipment_number for u in pages[0].records]
    _, resumed, _ = received(plugin, context, pages[0].cursor)
    assert set(resumed) == set(updates) - set(first_page)
    assert list(plugin.receive_shipments(context, pages[-1].cursor)) == []

    closed = sandbox_demo.warehouse.orders(primary_reference_number="SH-005")[0]
    sandbox_demo.warehouse.close_order(closed["_id"])
    _, later, _ = received(plugin, context, pages[-1].cursor)
    assert set(later) == {"SH-005"}
    assert later["SH-005"].version != updates["SH-005"].version


def test_storms_on_pages_retry_each_page_alone(
    plugin, sandbox_demo, sandbox_http, open_channel, small_pages
):
    for n in range(130):
        body = {
            "primary_reference_number": f"SH-{n:03d}",
            "shipping_address": {"city": "Reno", "zip": "89501", "country_code": "US"},
            "items": [{"sku": "TEE-BLK-M", "total_qty": 1, "unit": "EA"}],
        }
        order = sandbox_http.post(f"{sandbox_demo.base_url}/order", json=body).json()
        sandbox_demo.warehouse.ship(order["payload"]["_id"])
    faults = sandbox_demo.faults
    faults.add("throttle", endpoint="GET /v1/orders", times=2, retry_after=5)
    faults.add("server_error", endpoint="GET /v1/orders", times=1, status=503)
    faults.add("proxy_error", endpoint="GET /v1/orders", times=1, status=502)
    faults.add("malformed_json", endpoint="GET /v1/orders", times=1)

    context = open_channel(session_options={"retry": _patient()})
    pages, updates, _ = received(plugin, context)
    assert len(updates) == 130 and len(pages) == 2
    answers = sandbox_demo.counters.snapshot()["responses"]["GET /v1/orders"]
    # Two pages, each fetched until it came through: 200s are only the pages
    # (and the one cut short), never a list read again from its start.
    assert answers["200"] == 2 + 1
    assert answers["429"] == 2 and answers["503"] == 1 and answers["502"] == 1
    assert context.http.stats.rate_limited == 2


def _patient() -> RetryPolicy:
    return RetryPolicy(
        max_attempts=8, backoff_initial=0.005, backoff_max=0.02, retry_after_cap=0.02
    )
