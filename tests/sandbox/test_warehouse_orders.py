"""Warehouse floor on orders, from the admin API and from Python."""

from __future__ import annotations

import pytest

from plugins.leanafy.sandbox.errors import ApiError


@pytest.fixture
def order(sandbox_demo, sandbox_http, order_body):
    """An open demo order: 2 x TEE-BLK-M (EA) and 1 x CANDLE-LAV (PACK of 6)."""
    return sandbox_http.post(f"{sandbox_demo.base_url}/order", json=order_body()).json()["payload"]


def admin(sandbox, http, order_id, move, body=None):
    return http.post(f"{sandbox.url}/_sandbox/orders/{order_id}/{move}", json=body)


def shipped(order):
    return [(line["sku"], line["shipped_qty"], line["shipped_qty_unit"]) for line in order["items"]]


def test_allocate_pick_pack_over_http(sandbox_demo, sandbox_http, order):
    statuses = []
    for move in ("allocate", "pick", "pack"):
        response = admin(sandbox_demo, sandbox_http, order["_id"], move)
        assert response.status_code == 200
        statuses.append(response.json()["payload"]["status"])

    assert statuses == ["allocated", "picking", "packed"]
    got = sandbox_http.get(f"{sandbox_demo.base_url}/order", params={"_id": order["_id"]}).json()
    assert got["payload"]["updated_at"] > order["updated_at"]


def test_ship_in_full_in_one_package(sandbox_demo, sandbox_http, order):
    response = admin(sandbox_demo, sandbox_http, order["_id"], "ship")

    shipped_order = response.json()["payload"]
    assert shipped_order["status"] == "shipped"
    assert shipped(shipped_order) == [("TEE-BLK-M", 2, "EA"), ("CANDLE-LAV", 1, "PACK")]
    (package,) = shipped_order["shipments"]
    assert package["carrier"] == "UPS" and package["service"] == "Ground"
    assert package["shipment_status"] == "shipped"
    assert package["tracking_number"]
    assert shipped_order["shipped_at"] == package["shipped_at"]
    tees = sandbox_demo.warehouse.inventory("TEE-BLK-M")
    main = next(r for r in tees if r["warehouse_id"] == sandbox_demo.warehouse_ids[0])
    assert (main["on_hand"], main["allocated"]) == (118, 0)


def test_ship_in_several_packages_with_tracking_and_cost(sandbox_demo, sandbox_http, order):
    packages = [
        {
            "tracking_number": "1Z-A",
            "carrier": "UPS",
            "service": "2nd Day Air",
            "cost": {"value": 12.5, "currency": "USD"},
            "weight": {"value": 2.5, "unit": "lb"},
            "dimensions": {"length": 10, "width": 8, "height": 6, "unit": "in"},
            "shipped_at": "2025-03-01T10:00:00Z",
            "lines": [{"sku": "TEE-BLK-M", "qty": 2}],
        },
        {"tracking_number": "1Z-B", "cost": {"value": 7, "currency": "EUR"}},
    ]

    response = admin(sandbox_demo, sandbox_http, order["_id"], "ship", {"packages": packages})

    shipped_order = response.json()["payload"]
    first, second = shipped_order["shipments"]
    assert (first["tracking_number"], first["service"], first["cost"]) == (
        "1Z-A",
        "2nd Day Air",
        {"value": 12.5, "currency": "USD"},
    )
    assert first["weight"] == {"value": 2.5, "unit": "lb"}
    assert first["shipped_at"] == "2025-03-01T10:00:00.000000Z"
    assert (second["tracking_number"], second["cost"]["currency"]) == ("1Z-B", "EUR")
    assert shipped_order["shipped_at"] == "2025-03-01T10:00:00.000000Z"
    assert shipped(shipped_order) == [("TEE-BLK-M", 2, "EA"), ("CANDLE-LAV", 1, "PACK")]


def test_ship_short_leaves_some_lines_partly_shipped(sandbox_demo, order):
    result = sandbox_demo.warehouse.ship(
        order["_id"],
        [
            {
                "lines": [
                    {"sku": "TEE-BLK-M", "qty": 1},
                    {"sku": "CANDLE-LAV", "qty": 4, "unit": "EA"},
                ]
            }
        ],
    )

    assert result["status"] == "shipped"
    assert shipped(result) == [("TEE-BLK-M", 1, "EA"), ("CANDLE-LAV", 4, "EA")]
    rows = sandbox_demo.warehouse.inventory("CANDLE-LAV")
    assert sum(r["on_hand"] for r in rows) == 156 - 4
    assert sum(r["allocated"] for r in rows) == 0


def test_shipping_more_than_ordered_is_refused(sandbox_demo, sandbox_http, order):
    body = {"packages": [{"lines": [{"sku": "TEE-BLK-M", "qty": 3}]}]}

    response = admin(sandbox_demo, sandbox_http, order["_id"], "ship", body)

    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {
        "packages[0].lines[0].qty": "more than remains to ship on this order"
    }
    assert sandbox_demo.warehouse.order(order["_id"])["status"] == "open"


def test_over_shipping_can_be_forced_as_a_data_error(sandbox_demo, sandbox_http, order):
    body = {"packages": [{"lines": [{"sku": "TEE-BLK-M", "qty": 3}]}], "allow_over": True}

    response = admin(sandbox_demo, sandbox_http, order["_id"], "ship", body)

    assert shipped(response.json()["payload"])[0] == ("TEE-BLK-M", 3, "EA")


@pytest.mark.parametrize(
    ("packages", "field"),
    [
        ([], "packages"),
        ([{}, {}], "packages[1].lines"),
        ([{"lines": [{"sku": "CAP-NVY", "qty": 1}]}], "packages[0].lines[0].sku"),
        (
            [{"lines": [{"sku": "CANDLE-LAV", "qty": 1, "unit": "CASE"}]}],
            "packages[0].lines[0].unit",
        ),
        ([{"cost": {"currency": "USD"}}], "packages[0].cost.value"),
        ([{"shipped_at": "yesterday"}], "packages[0].shipped_at"),
    ],
)
def test_bad_packages_are_422(sandbox_demo, order, packages, field):
    with pytest.raises(ApiError) as raised:
        sandbox_demo.warehouse.ship(order["_id"], packages)

    assert raised.value.status == 422
    assert field in raised.value.fields


def test_cancel_with_a_reason_releases_stock(sandbox_demo, sandbox_http, order):
    admin(sandbox_demo, sandbox_http, order["_id"], "allocate")

    response = admin(sandbox_demo, sandbox_http, order["_id"], "cancel", {"reason": "Fraud check"})

    cancelled = response.json()["payload"]
    assert (cancelled["status"], cancelled["cancelled_reason"]) == ("cancelled", "Fraud check")
    assert all(r["allocated"] == 0 for r in sandbox_demo.warehouse.inventory("CANDLE-LAV"))


def test_close_a_shipped_order(sandbox_demo, order):
    sandbox_demo.warehouse.ship(order["_id"])

    assert sandbox_demo.warehouse.close_order(order["_id"])["status"] == "closed"


@pytest.mark.parametrize(
    ("first", "then"),
    [("ship", "cancel"), ("ship", "allocate"), ("cancel", "ship"), (None, "close")],
)
def test_moves_the_status_does_not_allow_are_409(sandbox_demo, sandbox_http, order, first, then):
    if first:
        admin(sandbox_demo, sandbox_http, order["_id"], first)

    response = admin(sandbox_demo, sandbox_http, order["_id"], then)

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"


def test_unknown_order_or_move_is_404(sandbox_demo, sandbox_http, order):
    assert admin(sandbox_demo, sandbox_http, "0" * 24, "ship").status_code == 404
    assert admin(sandbox_demo, sandbox_http, order["_id"], "teleport").status_code == 404


def test_allocation_takes_the_earliest_expiry_first_and_may_be_partial(
    sandbox_demo, sandbox_http, order_body
):
    body = order_body(items=[{"sku": "CANDLE-LAV", "total_qty": 30, "unit": "PACK"}])
    created = sandbox_http.post(f"{sandbox_demo.base_url}/order", json=body).json()["payload"]

    sandbox_demo.warehouse.allocate(created["_id"])

    rows = {r["lot_number"]: r for r in sandbox_demo.warehouse.inventory("CANDLE-LAV")}
    assert (rows["LOT-CDL-2403"]["allocated"], rows["LOT-CDL-2405"]["allocated"]) == (60, 96)
    assert rows["LOT-CDL-2405"]["available"] == 0
