"""ARNs: create, get, list, statuses, units, 403/422."""

from __future__ import annotations

import pytest

ARN_KEYS = {
    "_id",
    "code",
    "status",
    "primary_reference_number",
    "po_number",
    "supplier",
    "expected_date",
    "warehouse_id",
    "instructions",
    "closed_at",
    "created_at",
    "updated_at",
    "items",
}
LINE_KEYS = {
    "item_id",
    "sku",
    "expected_qty",
    "received_qty",
    "unit",
    "base_unit",
    "base_conversion_rate",
    "unit_cost",
    "lot_number",
    "expiry_date",
}


def test_create_answers_201_with_the_open_arn(sandbox_demo, sandbox_http, arn_body):
    response = sandbox_http.post(f"{sandbox_demo.base_url}/arn", json=arn_body())

    assert response.status_code == 201
    arn = response.json()["payload"]
    assert set(arn) == ARN_KEYS
    assert (arn["status"], arn["code"], arn["closed_at"]) == ("open", 1001, None)
    assert arn["supplier"] == {"name": "Mugs Inc", "code": "MUGS"}
    assert arn["warehouse_id"] == sandbox_demo.warehouse_ids[0]
    assert all(set(line) == LINE_KEYS for line in arn["items"])
    case, each = arn["items"]
    assert (case["unit"], case["base_unit"], case["base_conversion_rate"]) == ("CASE", "EA", 12)
    assert (case["expected_qty"], case["received_qty"], case["lot_number"]) == (2, 0, "LOT-A")
    assert (each["unit"], each["base_conversion_rate"], each["unit_cost"]) == ("EA", 1, 4.0)


def test_a_shipping_unit_is_unknown_on_an_arn(sandbox_demo, sandbox_http, arn_body):
    body = arn_body(items=[{"sku": "CANDLE-LAV", "expected_qty": 1, "unit": "PACK"}])

    response = sandbox_http.post(f"{sandbox_demo.base_url}/arn", json=body)

    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]) == {"items[0].unit"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"items": [{"sku": "GHOST", "expected_qty": 1, "unit": "EA"}]}, "items[0].sku"),
        (
            {"items": [{"sku": "TEE-BLK-M", "expected_qty": -1, "unit": "EA"}]},
            "items[0].expected_qty",
        ),
        (
            {"items": [{"sku": "TEE-BLK-M", "expected_qty": 1, "unit": "EA", "unit_cost": "x"}]},
            "items[0].unit_cost",
        ),
        ({"items": None}, "items"),
        ({"expected_date": "tomorrow"}, "expected_date"),
        ({"supplier": "Mugs"}, "supplier"),
    ],
)
def test_invalid_arns_are_422(sandbox_demo, sandbox_http, arn_body, change, field):
    response = sandbox_http.post(f"{sandbox_demo.base_url}/arn", json=arn_body(**change))

    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]


def test_another_clients_warehouse_is_403(sandbox_demo, sandbox_http, arn_body):
    body = arn_body(warehouse_id="65f1c0de00000000000000ff")

    response = sandbox_http.post(f"{sandbox_demo.base_url}/arn", json=body)

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden_warehouse"


def test_the_same_reference_twice_makes_two_arns(sandbox_demo, sandbox_http, arn_body):
    for _ in range(2):
        assert (
            sandbox_http.post(f"{sandbox_demo.base_url}/arn", json=arn_body("R-1")).status_code
            == 201
        )

    assert len(sandbox_demo.warehouse.arns("R-1")) == 2
    assert sandbox_demo.counters.creates("arn", "R-1") == {"received": 2, "stored": 2}


def test_get_and_list_with_status_and_reference(sandbox_demo, sandbox_http, arn_body):
    ids = [
        sandbox_http.post(f"{sandbox_demo.base_url}/arn", json=arn_body(f"R-{n}")).json()[
            "payload"
        ]["_id"]
        for n in range(4)
    ]
    sandbox_demo.warehouse.receive(ids[0], [{"sku": "TEE-BLK-M", "qty": 4}])
    sandbox_demo.warehouse.close_arn(ids[1])
    sandbox_demo.warehouse.cancel_arn(ids[2])
    url = f"{sandbox_demo.base_url}/arns"

    def refs(params):
        return [
            a["primary_reference_number"]
            for a in sandbox_http.get(url, params=params).json()["payload"]
        ]

    assert refs({}) == ["R-3", "R-0", "R-1", "R-2"]
    assert refs({"status": "receiving"}) == ["R-0"]
    assert refs({"status": ["closed", "cancelled"]}) == ["R-1", "R-2"]
    assert refs({"primary_reference_number": "R-3"}) == ["R-3"]
    single = sandbox_http.get(f"{sandbox_demo.base_url}/arn", params={"_id": ids[1]}).json()
    assert single["payload"]["status"] == "closed"
    assert single["payload"]["closed_at"] == single["payload"]["updated_at"]


@pytest.mark.parametrize(("params", "status"), [({"_id": "f" * 24}, 404), ({"_id": "1"}, 422)])
def test_get_unknown_or_malformed_arn(sandbox_demo, sandbox_http, params, status):
    assert sandbox_http.get(f"{sandbox_demo.base_url}/arn", params=params).status_code == status


def test_bad_arn_list_parameters_are_422(sandbox_demo, sandbox_http):
    response = sandbox_http.get(f"{sandbox_demo.base_url}/arns", params={"status": "received"})

    assert response.status_code == 422


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_arns_cannot_be_updated(sandbox_demo, sandbox_http, method):
    assert sandbox_http.request(method, f"{sandbox_demo.base_url}/arn", json={}).status_code == 405
