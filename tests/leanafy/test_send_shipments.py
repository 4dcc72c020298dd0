"""Send shipments: the order body, mappings, PII, and never a duplicate order."""

from __future__ import annotations

import attrs
import pytest

from plugins.leanafy.client import LeanafyClient
from plugins.leanafy.idempotency import Draft, Sender
from plugins.leanafy.mapping import ORDER
from plugins.leanafy.shipments import ORDERS
from techoms_core.http.exceptions import InvalidCredentials
from techoms_core.mapper import MapOptions
from techoms_core.mappings import (
    CarrierMap,
    CarrierRow,
    Mappings,
    ReferenceMap,
    ReferenceRow,
    SkuMap,
    UnmappedPolicy,
)
from techoms_core.models import Status

from .samples import product, shipment

UPS_GROUND = CarrierRow(
    carrier_channel="UPS",
    service_channel="UPS Ground",
    carrier_system="ups",
    service_system="ground",
    primary=True,
)


def by_key(results):
    results = list(results)
    keyed = {result.key: result for result in results}
    assert len(keyed) == len(results), "one result per record"
    return keyed


def only_order(sandbox, number: str) -> dict:
    orders = sandbox.warehouse.orders(primary_reference_number=number)
    assert len(orders) == 1, f"{len(orders)} orders for {number}"
    return orders[0]


def test_the_documented_order_body(plugin, sandbox_demo, open_channel):
    mappings = Mappings(
        carriers=CarrierMap([UPS_GROUND]),
        references=ReferenceMap(
            [ReferenceRow(level="sales_order", code="gift_note", property="instructions")]
        ),
    )
    sent = shipment(
        "SH-1",
        ("TEE-BLK-M", 2),
        ("CANDLE-LAV", 12),
        carrier="ups",
        service="ground",
        due_date="2026-12-24",
        order_type="B2B",
        references={"gift_note": "Happy holidays"},
    )
    (result,) = plugin.send_shipments(open_channel(mappings=mappings), [sent])
    assert result.status is Status.OK, result.message

    order = only_order(sandbox_demo, "SH-1")
    assert result.remote_id == order["_id"]
    assert order["warehouse_id"] == sandbox_demo.warehouse_ids[0]
    assert order["default_shipping_carrier"]["name"] == "UPS"
    assert order["default_shipping_carrier"]["service"] == "UPS Ground"
    assert order["instructions"] == "Happy holidays"
    assert order["due_date"] == "2026-12-24"
    assert order["customer_type"] == "B2B"
    address = order["shipping_address"]
    assert address["name"] == "Ada Lovelace" and address["zip"] == "89501"
    assert address["phone_number"] == {"country_code": "US", "number": "+1 775 555 0100"}
    lines = {line["sku"]: line for line in order["items"]}
    assert lines["CANDLE-LAV"]["total_qty"] == 12
    assert lines["CANDLE-LAV"]["unit"] == "EA"  # base units, never the PACK of 6
    assert lines["CANDLE-LAV"]["base_conversion_rate"] == 1


def test_suppress_pii(plugin, sandbox_demo, open_channel):
    (result,) = plugin.send_shipments(open_channel(suppress_pii=True), [shipment("SH-1")])
    assert result.status is Status.OK
    address = only_order(sandbox_demo, "SH-1")["shipping_address"]
    for withheld in ("name", "email", "company", "address_line1", "address_line2"):
        assert address[withheld] is None, withheld
    assert address["phone_number"] is None
    assert (address["city"], address["state"], address["zip"], address["country_code"]) == (
        "Reno",
        "Nevada",
        "89501",
        "US",
    )


def test_unmapped_carrier_warns_and_passes_through(plugin, sandbox_demo, open_channel):
    sent = shipment("SH-1", carrier="fedex", service="overnight")
    (result,) = plugin.send_shipments(open_channel(), [sent])
    assert result.status is Status.WARNING
    assert "no outbound carrier mapping" in result.message
    assert result.remote_id == only_order(sandbox_demo, "SH-1")["_id"]
    carrier = only_order(sandbox_demo, "SH-1")["default_shipping_carrier"]
    assert (carrier["name"], carrier["service"]) == ("fedex", "overnight")


def test_unmapped_carrier_fails_under_policy_error(plugin, sandbox_demo, open_channel):
    mappings = Mappings(carriers=CarrierMap([UPS_GROUND], policy=UnmappedPolicy.ERROR))
    sent = shipment("SH-1", carrier="fedex", service="overnight")
    (result,) = plugin.send_shipments(open_channel(mappings=mappings), [sent])
    assert result.status is Status.FAILED and result.field == "carrier"
    assert sandbox_demo.warehouse.orders(primary_reference_number="SH-1") == []


def test_a_reference_onto_the_primary_reference_number_is_refused_with_a_warning(
    plugin, sandbox_demo, open_channel
):
    references = ReferenceMap(
        [ReferenceRow(level="sales_order", code="po", property="primary_reference_number")]
    )
    sent = shipment("SH-1", references={"po": "PO-77"})
    (result,) = plugin.send_shipments(
        open_channel(mappings=Mappings(references=references)), [sent]
    )
    assert result.status is Status.WARNING and "primary_reference_number" in result.message
    assert only_order(sandbox_demo, "SH-1")["_id"] == result.remote_id


def test_resending_never_duplicates(plugin, sandbox_demo, open_channel):
    context = open_channel()
    batch = [shipment(f"SH-{n}") for n in range(3)]
    first = by_key(plugin.send_shipments(context, batch))
    again = by_key(plugin.send_shipments(context, batch))
    for number, result in again.items():
        assert result.status is Status.SKIPPED
        assert result.remote_id == first[number].remote_id
    assert sandbox_demo.counters.duplicates("order") == {}
    assert sandbox_demo.counters.snapshot()["requests"]["POST /v1/order"] == 3


def test_unknown_sku_fails_before_the_create(plugin, sandbox_demo, open_channel):
    sent = shipment("SH-1", ("TEE-BLK-M", 1), ("NOPE", 1))
    (result,) = plugin.send_shipments(open_channel(), [sent])
    assert result.status is Status.FAILED and result.field == "lines[1].sku"
    assert "NOPE" in result.message
    assert "POST /v1/order" not in sandbox_demo.counters.snapshot()["requests"]


def test_a_run_reads_each_item_s_base_unit_once(plugin, sandbox_demo, open_channel):
    context = open_channel()

    def items_read() -> int:
        return sandbox_demo.counters.snapshot()["requests"].get("GET /v1/items", 0)

    first = by_key(plugin.send_shipments(context, [shipment("SH-1", ("TEE-BLK-M", 1), ("NEW", 1))]))
    assert first["SH-1"].status is Status.FAILED and first["SH-1"].field == "lines[1].sku"
    before = items_read()
    assert [r.status for r in plugin.export_products(context, [product("NEW")])] == [Status.OK]
    assert items_read() == before + 1  # the export's look-before-create
    later = [shipment("SH-2", ("TEE-BLK-M", 1)), shipment("SH-3", ("NEW", 2))]
    assert {r.status for r in plugin.send_shipments(context, later)} == {Status.OK}
    assert items_read() == before + 2  # NEW asked again, not TEE-BLK-M
    again = [shipment("SH-4", ("NEW", 1), ("TEE-BLK-M", 3))]
    assert {r.status for r in plugin.send_shipments(context, again)} == {Status.OK}
    assert items_read() == before + 2  # both known for the rest of the run

    assert [
        r.status for r in plugin.send_shipments(open_channel(), [shipment("SH-5", ("NEW", 1))])
    ] == [Status.OK]
    assert items_read() == before + 3  # a new run reads them anew


def test_validation_reasons_name_our_fields(plugin, sandbox_demo, open_channel):
    sent = shipment("SH-1")
    bad = attrs.evolve(sent, ship_to=attrs.evolve(sent.ship_to, country_code="USA"))
    (result,) = plugin.send_shipments(open_channel(), [bad])
    assert result.status is Status.FAILED
    assert result.field == "ship_to.country_code"
    assert "ship_to.country_code: must be a 2-letter country code" in result.message


def test_a_warehouse_not_authorised_fails_each_record(plugin, sandbox_demo, open_channel):
    context = open_channel(warehouse_id="0123456789abcdef01234567")
    (result,) = plugin.send_shipments(context, [shipment("SH-1")])
    assert result.status is Status.FAILED and result.field == "warehouse_id"
    assert "not authorised" in result.message and "X-Request-Id" in result.message


def test_invalid_credentials_stop_the_run(plugin, sandbox_demo, open_channel):
    with pytest.raises(InvalidCredentials, match="invalid credentials"):
        list(plugin.send_shipments(open_channel(api_key="wrong"), [shipment("SH-1")]))


def test_sku_mappings_apply(plugin, sandbox_demo, open_channel):
    mappings = Mappings(skus=SkuMap([("OUR-TEE", "TEE-BLK-M")]))
    sent = shipment("SH-1", ("OUR-TEE", 2))
    (result,) = plugin.send_shipments(open_channel(mappings=mappings), [sent])
    assert result.status is Status.OK
    assert [line["sku"] for line in only_order(sandbox_demo, "SH-1")["items"]] == ["TEE-BLK-M"]


@pytest.mark.parametrize("mode", ["504", "drop"])
def test_store_then_fail_makes_exactly_one_order(plugin, sandbox_demo, open_channel, mode):
    sandbox_demo.faults.add("store_then_fail", endpoint="POST /v1/order", mode=mode, rate=0.5)
    batch = [shipment(f"SH-{n}") for n in range(12)]
    results = by_key(plugin.send_shipments(open_channel(), batch))
    assert {r.status for r in results.values()} == {Status.OK}
    assert sandbox_demo.counters.injected_count("store_then_fail") > 0
    for sent in batch:
        assert sandbox_demo.counters.creates("order", sent.number)["stored"] == 1
        assert results[sent.number].remote_id == only_order(sandbox_demo, sent.number)["_id"]


def test_a_create_that_times_out_is_looked_up_not_repeated(plugin, sandbox_demo, open_channel):
    sandbox_demo.faults.add("slow", endpoint="POST /v1/order", seconds=1, times=1)
    context = open_channel(session_options={"timeout": (1.0, 0.3)})
    (result,) = plugin.send_shipments(context, [shipment("SH-1")])
    assert result.status is Status.OK
    assert sandbox_demo.counters.creates("order", "SH-1") == {"received": 1, "stored": 1}


def test_server_errors_before_storing_are_retried_after_a_lookup(
    plugin, sandbox_demo, open_channel
):
    sandbox_demo.faults.add("server_error", endpoint="POST /v1/order", times=2)
    (result,) = plugin.send_shipments(open_channel(), [shipment("SH-1")])
    assert result.status is Status.OK
    requests = sandbox_demo.counters.snapshot()["requests"]
    assert requests["POST /v1/order"] == 3
    assert requests["GET /v1/orders"] == 3  # the batch lookup, then one per unknown outcome
    assert sandbox_demo.counters.creates("order", "SH-1")["stored"] == 1


def test_an_outcome_still_unknown_is_fatal_and_the_next_run_finishes(
    plugin, sandbox_demo, open_channel
):
    sandbox_demo.faults.add("proxy_error", endpoint="POST /v1/order", status=502)
    context = open_channel()
    (result,) = plugin.send_shipments(context, [shipment("SH-1")])
    assert result.status is Status.FAILED and result.fatal
    assert "outcome of 3 creates is unknown" in result.message
    assert sandbox_demo.warehouse.orders(primary_reference_number="SH-1") == []

    sandbox_demo.faults.clear()
    (result,) = plugin.send_shipments(context, [shipment("SH-1")])
    assert result.status is Status.OK
    assert sandbox_demo.counters.duplicates("order") == {}


def test_a_failed_lookup_after_an_unknown_outcome_never_creates_blindly(sandbox_demo, open_channel):
    # Sender.create_once alone (the batch lookup already said "absent").
    sandbox_demo.faults.add("store_then_fail", endpoint="POST /v1/order", times=1)
    sandbox_demo.faults.add("server_error", endpoint="GET /v1/orders")
    context = open_channel()
    client = LeanafyClient(context)
    body = ORDER.to_wire(shipment("SH-1"), MapOptions(base_units={"tee-blk-m": "EA"}))
    result = Sender(client, ORDERS).create_once(Draft("SH-1", "SH-1", body))
    assert result.status is Status.FAILED and result.fatal
    assert "a lookup failed" in result.message

    sandbox_demo.faults.clear()
    (again,) = Sender(client, ORDERS).split_existing([shipment("SH-1")], lambda s: s.number)[0]
    assert again.status is Status.SKIPPED
    assert sandbox_demo.counters.creates("order", "SH-1") == {"received": 1, "stored": 1}


def test_a_failed_batch_lookup_sends_nothing(plugin, sandbox_demo, open_channel):
    sandbox_demo.faults.add("server_error", endpoint="GET /v1/orders", status=503)
    results = by_key(plugin.send_shipments(open_channel(), [shipment("A"), shipment("B")]))
    assert all(r.status is Status.FAILED and r.fatal for r in results.values())
    assert "POST /v1/order" not in sandbox_demo.counters.snapshot()["requests"]


def test_storms_of_429_and_5xx_end_with_one_order_each(plugin, sandbox_demo, open_channel):
    sandbox_demo.faults.add("throttle", endpoint="*", rate=0.3, retry_after=1)
    sandbox_demo.faults.add("server_error", endpoint="POST /v1/order", rate=0.2)
    sandbox_demo.faults.add("store_then_fail", endpoint="POST /v1/order", rate=0.2)
    batch = [shipment(f"SH-{n:02d}") for n in range(30)]
    context = open_channel()
    results = by_key(plugin.send_shipments(context, batch))
    assert sandbox_demo.counters.injected_count("throttle") > 0
    assert context.http.stats.rate_limited > 0

    # Anything whose outcome stayed unknown is fatal, and the next run finishes it.
    unfinished = [s for s in batch if results[s.number].status is not Status.OK]
    assert all(results[s.number].fatal for s in unfinished)
    sandbox_demo.faults.clear()
    again = by_key(plugin.send_shipments(context, unfinished))
    assert all(r.status in (Status.OK, Status.SKIPPED) for r in again.values())
    assert sandbox_demo.counters.duplicates("order") == {}
    for sent in batch:
        only_order(sandbox_demo, sent.number)
