"""The facade applies the core rules around a plugin's hooks (spec §5)."""

import pytest

from plugins.registry import Registry
from techoms_core import hookimpl
from techoms_core.context import ChannelConfig, open_context
from techoms_core.mappings import Mappings, SkuMap
from techoms_core.models import (
    Address,
    InventoryLevel,
    Page,
    Product,
    RecordResult,
    Shipment,
    ShipmentLine,
    ShipmentUpdate,
    ShippedLine,
    Status,
)
from techoms_core.plugin import NotSupported, ResultMismatch
from tests.core.channel_plugins import make_plugin


def product(sku, description="A thing"):
    return Product(sku=sku, name=f"Product {sku}", uom="EA", description=description)


def shipment(number, sku="WIDGET"):
    return Shipment(
        number=number,
        order_number=f"O-{number}",
        warehouse="WH1",
        ship_to=Address(city="Austin", postal_code="78701", country_code="US"),
        lines=[ShipmentLine(line_number=1, sku=sku, quantity=1)],
    )


@pytest.fixture
def channel():
    module = make_plugin("shelf", ("export_products", "send_shipments", "receive_inventory"))
    plugin = Registry().register(module, "shelf")
    mappings = Mappings(skus=SkuMap([("WIDGET", "SHELF-W")]))
    with open_context(
        plugin.declaration, ChannelConfig(name="east", plugin="shelf"), mappings=mappings
    ) as context:
        yield plugin, module, context


def test_products_missing_required_fields_fail_before_the_plugin(channel):
    plugin, module, context = channel
    results = list(plugin.export_products(context, [product("A", None), product("B")]))
    failed = results[0]
    assert failed.status is Status.FAILED
    assert failed.key == "A" and failed.field == "description"
    assert "missing required field(s) for this channel: description" in failed.message
    assert [p.sku for p in module.sent] == ["B"]


def test_a_repeated_sku_is_skipped_and_sent_once(channel):
    plugin, module, context = channel
    results = list(plugin.export_products(context, [product("b"), product(" B ")]))
    assert [r.status for r in results] == [Status.SKIPPED, Status.OK]
    assert [p.sku for p in module.sent] == ["b"]


def test_skus_are_mapped_out_and_results_keyed_back(channel):
    plugin, module, context = channel
    results = list(plugin.export_products(context, [product("WIDGET")]))
    assert module.sent[0].sku == "SHELF-W"
    assert results == [RecordResult.ok("WIDGET", remote_id="remote-SHELF-W")]
    list(plugin.send_shipments(context, [shipment("S-1")]))
    assert module.sent[1].lines[0].sku == "SHELF-W"


def test_received_pages_come_back_in_techoms_skus(channel):
    plugin, module, context = channel
    problem = RecordResult.warning("SHELF-W", "odd row")
    level = InventoryLevel(sku="SHELF-W", on_hand=5, allocated=1, available=4)
    module.pages.append(Page(records=[level], problems=[problem]))
    (page,) = plugin.receive_inventory(context)
    assert page.records[0].sku == "WIDGET"
    assert page.problems[0].key == "WIDGET"


def test_a_missing_hook_is_not_supported_by_the_channel(channel):
    plugin, _, context = channel
    with pytest.raises(NotSupported, match="Update Products in Channel is not supported by Shelf"):
        list(plugin.update_products(context, [product("A")]))
    with pytest.raises(NotSupported, match="not supported by Shelf"):
        list(plugin.receive_shipments(context))


class Careless:
    """A plugin that breaks the one-result-per-record duty."""

    @hookimpl
    def channel_declaration(self):
        from tests.core.channel_plugins import declaration

        return declaration("careless")

    @hookimpl
    def send_shipments(self, context, shipments):
        first = shipments[0]
        return [RecordResult.ok(first.key), RecordResult.ok("NOT-IN-BATCH")]

    @hookimpl
    def receive_shipments(self, context, cursor):
        update = ShipmentUpdate(
            shipment_number="S-1",
            outcome="shipped",
            lines=[ShippedLine(sku="x", ordered_quantity=1, shipped_quantity=1)],
        )
        yield update  # a record instead of a Page


def test_a_result_for_a_record_not_in_the_batch_is_refused():
    plugin = Registry().register(Careless(), "careless")
    with open_context(plugin.declaration, ChannelConfig(name="c", plugin="careless")) as context:
        results = plugin.send_shipments(context, [shipment("S-1"), shipment("S-2")])
        assert next(results).key == "S-1"
        with pytest.raises(ResultMismatch, match="'NOT-IN-BATCH'"):
            next(results)
        with pytest.raises(TypeError, match="yielded ShipmentUpdate, not a Page"):
            list(plugin.receive_shipments(context))


def test_a_record_without_a_result_is_reported_failed_for_the_next_run():
    class Forgetful(Careless):
        @hookimpl
        def send_shipments(self, context, shipments):
            return [RecordResult.ok(shipments[0].key)]

    plugin = Registry().register(Forgetful(), "careless")
    with open_context(plugin.declaration, ChannelConfig(name="c", plugin="careless")) as context:
        results = list(plugin.send_shipments(context, [shipment("S-1"), shipment("S-2")]))
    assert results[1].key == "S-2" and results[1].fatal
    assert "reported no result" in results[1].message
