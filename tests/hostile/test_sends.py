"""Poison records in sends fail alone, named by key and field; the rest of the
batch is sent, and nothing is sent twice."""

from __future__ import annotations

from decimal import Decimal

from techoms_core.models import Product, Shipment, ShipmentLine, Weight
from tests.hostile.conftest import run
from tests.leanafy.samples import RENO

LONG_SKU = "L" * 100_000


def _results(summary) -> dict[str, tuple[str, str | None]]:
    return {r.key: (r.status, r.field) for r in summary.records}


def test_a_product_weighing_infinity_fails_alone(host, sandbox_demo):
    host.load_products(
        [
            Product(sku="P-1", name="One", uom="EA", description="one"),
            Product(
                sku="P-INF",
                name="Heavy",
                uom="EA",
                description="heavy",
                weight=Weight(value=Decimal("Infinity"), unit="lb"),
            ),
            Product(sku="P-3", name="Three", uom="EA", description="three"),
        ]
    )

    summary = run(host, "export-products")

    assert _results(summary) == {
        "P-1": ("ok", None),
        "P-INF": ("failed", "weight.value"),
        "P-3": ("ok", None),
    }
    message = next(r.message for r in summary.records if r.key == "P-INF")
    assert "weight.value: Infinity is not a finite number" in message
    skus = {item.sku for item in sandbox_demo.state.items.values()}
    assert {"P-1", "P-3"} <= skus and "P-INF" not in skus


def test_a_sku_too_long_for_a_lookup_fails_alone_and_its_batch_is_looked_up(host, sandbox_demo):
    host.load_products(
        [
            Product(sku="P-1", name="One", uom="EA", description="one"),
            Product(sku=LONG_SKU, name="Long", uom="EA", description="long"),
            Product(sku="P-3", name="Three", uom="EA", description="three"),
        ]
    )

    summary = run(host, "export-products")

    results = _results(summary)
    assert results["P-1"] == results["P-3"] == ("ok", None)
    assert results[LONG_SKU] == ("failed", "sku")
    assert "too long to look up" in next(r.message for r in summary.records if r.key == LONG_SKU)
    assert sandbox_demo.counters.duplicates("item") == {}


def test_a_shipment_with_a_line_sku_too_long_to_look_up_fails_alone(host, sandbox_demo):
    host.load_shipments(
        [
            Shipment(
                number="S-LONG",
                order_number="SO-LONG",
                warehouse="MAIN",
                ship_to=RENO,
                lines=[ShipmentLine(line_number=1, sku=LONG_SKU, quantity=1)],
            )
        ]
    )

    summary = run(host, "send-shipments")

    results = _results(summary)
    assert results.pop("S-LONG") == ("failed", "lines[0].sku")
    assert len(results) == 3 and all(status in ("ok", "warning") for status, _ in results.values())
    assert sandbox_demo.counters.duplicates("order") == {}
