"""Orders: create with the documented body, units, 403/422, get, list filters, 405."""

from __future__ import annotations

import pytest

ORDER_KEYS = {
    "_id",
    "code",
    "warehouse_id",
    "client_id",
    "client_name",
    "status",
    "primary_reference_number",
    "instructions",
    "shipping_address",
    "billing_address",
    "is_billing_same_as_shipping",
    "default_shipping_carrier",
    "customer_type",
    "due_date",
    "shipped_at",
    "cancelled_reason",
    "items",
    "shipments",
    "created_at",
    "updated_at",
}
LINE_KEYS = {
    "item_id",
    "sku",
    "name",
    "description",
    "scannable",
    "total_qty",
    "unit",
    "base_unit",
    "base_conversion_rate",
    "shipped_qty",
    "shipped_qty_unit",
}
FOREIGN_WAREHOUSE = "65f1c0de00000000000000ff"


def create(sandbox, http, body):
    return http.post(f"{sandbox.base_url}/order", json=body)


def test_create_answers_201_with_the_open_order(sandbox_demo, sandbox_http, order_body):
    body = order_body()

    response = create(sandbox_demo, sandbox_http, body)

    assert response.status_code == 201
    order = response.json()["payload"]
    assert set(order) == ORDER_KEYS
    assert order["status"] == "open"
    assert order["code"] == 1001
    assert order["client_name"] == "Demo Client"
    assert order["warehouse_id"] == sandbox_demo.warehouse_ids[0]
    assert order["shipping_address"] == body["shipping_address"]
    assert order["default_shipping_carrier"] == body["default_shipping_carrier"]
    assert (order["customer_type"], order["due_date"]) == ("B2C", "2025-06-30")
    assert order["shipments"] == [] and order["shipped_at"] is None
    assert order["created_at"] == order["updated_at"]
    assert all(set(line) == LINE_KEYS for line in order["items"])


def test_line_units_carry_their_base_conversion(sandbox_demo, sandbox_http, order_body):
    body = order_body(
        items=[
            {"sku": "CANDLE-LAV", "total_qty": 2, "unit": "PACK"},
            {"sku": "candle-lav", "total_qty": 3, "unit": "ea"},
        ]
    )

    lines = create(sandbox_demo, sandbox_http, body).json()["payload"]["items"]

    assert [
        (ln["sku"], ln["total_qty"], ln["unit"], ln["base_unit"], ln["base_conversion_rate"])
        for ln in lines
    ] == [("CANDLE-LAV", 2, "PACK", "EA", 6), ("CANDLE-LAV", 3, "EA", "EA", 1)]
    assert [(ln["shipped_qty"], ln["shipped_qty_unit"]) for ln in lines] == [
        (0, "PACK"),
        (0, "EA"),
    ]


def test_a_receiving_unit_is_unknown_on_an_order(sandbox_demo, sandbox_http, order_body):
    body = order_body(items=[{"sku": "MUG-WHT-12OZ", "total_qty": 1, "unit": "CASE"}])

    response = create(sandbox_demo, sandbox_http, body)

    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {
        "items[0].unit": "unknown unit for MUG-WHT-12OZ (allowed: EA)"
    }


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        ({"items": [{"sku": "NOPE", "total_qty": 1, "unit": "EA"}]}, {"items[0].sku"}),
        ({"items": [{"sku": "TEE-BLK-M", "total_qty": 0, "unit": "EA"}]}, {"items[0].total_qty"}),
        ({"items": [{"sku": "TEE-BLK-M", "total_qty": 1.5, "unit": "EA"}]}, {"items[0].total_qty"}),
        ({"items": [{"sku": "TEE-BLK-M", "total_qty": "2", "unit": "EA"}]}, {"items[0].total_qty"}),
        ({"items": [{"sku": "TEE-BLK-M", "total_qty": 2}]}, {"items[0].unit"}),
        ({"items": []}, {"items"}),
        ({"shipping_address": None}, {"shipping_address"}),
        ({"customer_type": "B2X"}, {"customer_type"}),
        ({"due_date": "30/06/2025"}, {"due_date"}),
        ({"warehouse_id": "main"}, {"warehouse_id"}),
        (
            {"default_shipping_carrier": {"name": "UPS", "code": "x"}},
            {"default_shipping_carrier.code"},
        ),
        ({"ship_to": {}}, {"ship_to"}),
    ],
)
def test_invalid_orders_are_422_naming_the_fields(
    sandbox_demo, sandbox_http, order_body, change, fields
):
    response = create(sandbox_demo, sandbox_http, order_body(**change))

    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]) == fields
    assert sandbox_demo.warehouse.orders() == []


def test_missing_address_fields_are_named(sandbox_demo, sandbox_http, order_body):
    address = {"name": "Ada", "address1": "1 Main St", "country_code": "USA"}

    response = create(sandbox_demo, sandbox_http, order_body(shipping_address=address))

    assert response.json()["error"]["fields"] == {
        "shipping_address.address1": "unknown field",
        "shipping_address.city": "required",
        "shipping_address.zip": "required",
        "shipping_address.country_code": "must be a 2-letter country code",
    }


def test_an_address_without_pii_is_accepted(sandbox_demo, sandbox_http, order_body):
    address = {"city": "Reno", "state_code": "NV", "zip": "89501", "country_code": "US"}

    response = create(sandbox_demo, sandbox_http, order_body(shipping_address=address))

    assert response.status_code == 201
    assert response.json()["payload"]["shipping_address"]["name"] is None


def test_another_clients_warehouse_is_403(sandbox_demo, sandbox_http, order_body):
    response = create(sandbox_demo, sandbox_http, order_body(warehouse_id=FOREIGN_WAREHOUSE))

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden_warehouse"
    assert FOREIGN_WAREHOUSE in response.json()["error"]["message"]


def test_the_second_warehouse_can_be_named(sandbox_demo, sandbox_http, order_body):
    east = sandbox_demo.warehouse_ids[1]

    order = create(sandbox_demo, sandbox_http, order_body(warehouse_id=east)).json()["payload"]

    assert order["warehouse_id"] == east


def test_the_same_reference_twice_makes_two_orders(sandbox_demo, sandbox_http, order_body):
    first = create(sandbox_demo, sandbox_http, order_body("SHP-7")).json()["payload"]
    second = create(sandbox_demo, sandbox_http, order_body("SHP-7")).json()["payload"]

    assert first["_id"] != second["_id"]
    assert (first["code"], second["code"]) == (1001, 1002)
    assert sandbox_demo.counters.duplicates("order") == {"SHP-7": 2}
    listed = sandbox_http.get(
        f"{sandbox_demo.base_url}/orders", params={"primary_reference_number": "SHP-7"}
    ).json()
    assert listed["meta"]["total"] == 2


def test_get_by_id(sandbox_demo, sandbox_http, order_body):
    created = create(sandbox_demo, sandbox_http, order_body()).json()["payload"]

    response = sandbox_http.get(f"{sandbox_demo.base_url}/order", params={"_id": created["_id"]})

    assert response.status_code == 200
    assert response.json()["payload"] == created


@pytest.mark.parametrize(
    ("params", "status"),
    [({"_id": "0" * 24}, 404), ({"_id": "xyz"}, 422), ({}, 422)],
)
def test_get_of_unknown_or_malformed_id(sandbox_demo, sandbox_http, params, status):
    response = sandbox_http.get(f"{sandbox_demo.base_url}/order", params=params)

    assert response.status_code == status


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "/order/cancel"), ("GET", "/order/cancel"), ("PUT", "/order"), ("PATCH", "/order")],
)
def test_orders_cannot_be_cancelled_or_updated(sandbox_demo, sandbox_http, method, path):
    response = sandbox_http.request(method, f"{sandbox_demo.base_url}{path}", json={})

    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_list_filters_by_status_ids_and_reference(sandbox_demo, sandbox_http, order_body):
    orders = [create(sandbox_demo, sandbox_http, order_body(f"S-{n}")).json() for n in range(4)]
    ids = [o["payload"]["_id"] for o in orders]
    sandbox_demo.warehouse.ship(ids[0])
    sandbox_demo.warehouse.cancel_order(ids[1], "Customer changed mind")
    url = f"{sandbox_demo.base_url}/orders"

    def refs(params):
        return [
            o["primary_reference_number"]
            for o in sandbox_http.get(url, params=params).json()["payload"]
        ]

    assert refs({"status": ["shipped", "cancelled"]}) == ["S-0", "S-1"]
    assert refs({"status": "open"}) == ["S-2", "S-3"]
    assert refs({"_ids": f"{ids[3]},{ids[2]}"}) == ["S-2", "S-3"]
    assert refs({"_ids": [ids[3], ids[0]]}) == ["S-3", "S-0"]
    assert refs({"primary_reference_number": ["S-3", "S-1"]}) == ["S-3", "S-1"]


def test_list_orders_in_updated_order(sandbox_demo, sandbox_http, order_body):
    ids = [
        create(sandbox_demo, sandbox_http, order_body(f"S-{n}")).json()["payload"]["_id"]
        for n in range(3)
    ]
    sandbox_demo.warehouse.allocate(ids[0])

    payload = sandbox_http.get(f"{sandbox_demo.base_url}/orders").json()["payload"]

    assert [o["_id"] for o in payload] == [ids[1], ids[2], ids[0]]
    since = sandbox_http.get(
        f"{sandbox_demo.base_url}/orders", params={"updated_from": payload[-1]["updated_at"]}
    ).json()["payload"]
    assert [o["status"] for o in since] == ["allocated"]


def test_list_filters_by_shipped_date(sandbox_demo, sandbox_http, order_body):
    ids = [
        create(sandbox_demo, sandbox_http, order_body(f"S-{n}")).json()["payload"]["_id"]
        for n in range(3)
    ]
    sandbox_demo.warehouse.ship(ids[0], [{"shipped_at": "2025-03-01T10:00:00Z"}])
    sandbox_demo.warehouse.ship(ids[1], [{"shipped_at": "2025-03-02T23:30:00-02:00"}])
    url = f"{sandbox_demo.base_url}/orders"

    def refs(params):
        return [
            o["primary_reference_number"]
            for o in sandbox_http.get(url, params=params).json()["payload"]
        ]

    assert refs({"shipped_date_from": "2025-03-02"}) == ["S-1"]
    assert refs({"shipped_date_to": "2025-03-02"}) == ["S-0"]
    assert refs({"shipped_date_from": "2025-03-01", "shipped_date_to": "2025-03-03"}) == [
        "S-0",
        "S-1",
    ]


@pytest.mark.parametrize(
    "params",
    [
        {"status": "lost"},
        {"_ids": "abc"},
        {"shipped_date_from": "March"},
        {"primary_reference_number": [f"R{n}" for n in range(101)]},
        {"sku": "X"},
    ],
)
def test_bad_order_list_parameters_are_422(sandbox_demo, sandbox_http, params):
    response = sandbox_http.get(f"{sandbox_demo.base_url}/orders", params=params)

    assert response.status_code == 422
