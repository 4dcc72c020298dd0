"""Warehouse floor on ARNs, inventory and the catalogue; seeding and reset."""

from __future__ import annotations

import pytest


@pytest.fixture
def arn(sandbox_demo, sandbox_http, arn_body):
    """An open demo ARN: 2 CASE of MUG-WHT-12OZ (lot LOT-A) and 10 EA of TEE-BLK-M."""
    return sandbox_http.post(f"{sandbox_demo.base_url}/arn", json=arn_body()).json()["payload"]


def admin(sandbox, http, arn_id, move, body=None):
    return http.post(f"{sandbox.url}/_sandbox/arns/{arn_id}/{move}", json=body)


def on_hand(sandbox, sku, lot=None):
    return sum(r["on_hand"] for r in sandbox.warehouse.inventory(sku) if r["lot_number"] == lot)


def test_receive_part_then_close_over_and_under(sandbox_demo, sandbox_http, arn):
    part = admin(
        sandbox_demo,
        sandbox_http,
        arn["_id"],
        "receive",
        {"lines": [{"sku": "TEE-BLK-M", "qty": 4}]},
    ).json()["payload"]
    assert part["status"] == "receiving"
    assert [line["received_qty"] for line in part["items"]] == [0, 4]

    closing = {
        "lines": [
            {
                "sku": "MUG-WHT-12OZ",
                "received_qty": 3,
                "lot_number": "LOT-B",
                "expiry_date": "2027-01-31",
                "unit_cost": 3.25,
            },
            {"line": 1, "received_qty": 7},
        ]
    }
    closed = admin(sandbox_demo, sandbox_http, arn["_id"], "close", closing).json()["payload"]

    assert closed["status"] == "closed"
    assert closed["closed_at"] == closed["updated_at"]
    mugs, tees = closed["items"]
    assert (mugs["expected_qty"], mugs["received_qty"]) == (2, 3)
    assert (mugs["lot_number"], mugs["expiry_date"], mugs["unit_cost"]) == (
        "LOT-B",
        "2027-01-31",
        3.25,
    )
    assert (tees["expected_qty"], tees["received_qty"]) == (10, 7)
    assert on_hand(sandbox_demo, "MUG-WHT-12OZ", "LOT-B") == 36
    main = sandbox_demo.warehouse_ids[0]
    tee_rows = [
        r
        for r in sandbox_demo.warehouse.inventory("TEE-BLK-M")
        if r["warehouse_id"] == main and r["lot_number"] is None
    ]
    assert tee_rows[0]["on_hand"] == 120 + 7


def test_close_without_lines_receives_what_was_expected(sandbox_demo, arn):
    closed = sandbox_demo.warehouse.close_arn(arn["_id"])

    assert [line["received_qty"] for line in closed["items"]] == [2, 10]
    assert on_hand(sandbox_demo, "MUG-WHT-12OZ", "LOT-A") == 24


@pytest.mark.parametrize(
    ("lines", "field"),
    [
        ([{"sku": "CAP-NVY", "qty": 1}], "lines[0].sku"),
        ([{"sku": "TEE-BLK-M", "qty": 0}], "lines[0].qty"),
        ([{"line": 5, "qty": 1}], "lines[0].line"),
        ([{"sku": "TEE-BLK-M", "qty": 1, "expiry_date": "soon"}], "lines[0].expiry_date"),
        ([], "lines"),
    ],
)
def test_bad_receipts_are_422(sandbox_demo, sandbox_http, arn, lines, field):
    response = admin(sandbox_demo, sandbox_http, arn["_id"], "receive", {"lines": lines})

    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]


def test_a_cancelled_arn_cannot_move(sandbox_demo, sandbox_http, arn):
    assert admin(sandbox_demo, sandbox_http, arn["_id"], "cancel").status_code == 200

    receipt = {"lines": [{"line": 0, "qty": 1}]}
    assert admin(sandbox_demo, sandbox_http, arn["_id"], "receive", receipt).status_code == 409
    assert admin(sandbox_demo, sandbox_http, arn["_id"], "close").status_code == 409
    assert admin(sandbox_demo, sandbox_http, arn["_id"], "cancel").status_code == 409


def test_set_inventory_per_sku_lot_and_warehouse_over_http(sandbox_demo, sandbox_http):
    east = sandbox_demo.warehouse_ids[1]
    rows = [
        {"sku": "CAP-NVY", "on_hand": 12},
        {
            "sku": "cap-nvy",
            "on_hand": 5,
            "warehouse_id": east,
            "lot_number": "L9",
            "expiry_date": "2030-01-01",
        },
    ]

    response = sandbox_http.put(f"{sandbox_demo.url}/_sandbox/inventory", json={"rows": rows})

    assert response.status_code == 200
    assert [
        (r["warehouse_id"], r["lot_number"], r["on_hand"]) for r in response.json()["payload"]
    ] == [
        (sandbox_demo.warehouse_ids[0], None, 12),
        (east, "L9", 5),
    ]
    listed = sandbox_http.get(
        f"{sandbox_demo.base_url}/inventory", params={"sku": "CAP-NVY"}
    ).json()
    assert sorted(r["on_hand"] for r in listed["payload"]) == [5, 12]


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ({"sku": "GHOST", "on_hand": 1}, "rows[0].sku"),
        ({"sku": "CAP-NVY", "on_hand": -1}, "rows[0].on_hand"),
        ({"sku": "CAP-NVY", "on_hand": 1, "warehouse_id": "f" * 24}, "rows[0].warehouse_id"),
    ],
)
def test_bad_inventory_rows_are_422(sandbox_demo, sandbox_http, row, field):
    response = sandbox_http.put(f"{sandbox_demo.url}/_sandbox/inventory", json={"rows": [row]})

    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]


def test_create_items_in_bulk_over_http(sandbox, sandbox_http, item_body):
    items = [item_body(f"BULK-{n}") for n in range(3)]

    response = sandbox_http.post(f"{sandbox.url}/_sandbox/items", json={"items": items})

    assert (response.status_code, response.json()["payload"]) == (201, {"created": 3})
    assert sandbox.warehouse.item("bulk-2")["sku"] == "BULK-2"


def test_bulk_items_are_all_or_nothing(sandbox, sandbox_http, item_body):
    items = [item_body("DUP"), item_body("dup"), item_body("OK", name="")]

    response = sandbox_http.post(f"{sandbox.url}/_sandbox/items", json={"items": items})

    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {
        "items[1].sku": "duplicate sku",
        "items[2].name": "must not be empty",
    }
    assert sandbox.warehouse.item("DUP") is None


def test_generate_a_large_catalogue_quickly(sandbox, sandbox_http):
    response = sandbox_http.post(
        f"{sandbox.url}/_sandbox/items", json={"generate": {"count": 20000, "sku_prefix": "BIG-"}}
    )

    assert (response.status_code, response.json()["payload"]) == (201, {"created": 20000})
    listed = sandbox_http.get(f"{sandbox.base_url}/items", params={"limit": 500, "page": 40}).json()
    assert listed["meta"] == {"page": 40, "limit": 500, "total": 20000, "has_more": False}
    assert listed["payload"][-1]["sku"] == "BIG-020000"
    assert sandbox.warehouse.item("BIG-000010")["receiving_unit_base_conversion"] == 12


def test_reset_over_http_reseeds_and_clears_faults_and_counters(sandbox, sandbox_http):
    sandbox.faults.add("latency", seconds=0)
    sandbox_http.get(f"{sandbox.base_url}/me")

    response = sandbox_http.post(f"{sandbox.url}/_sandbox/reset", json={"seed": "demo"})

    assert response.json()["payload"] == {"seed": "demo"}
    assert sandbox.faults.rules() == []
    assert sandbox.counters.snapshot()["requests"] == {}
    assert sandbox.warehouse.item("MUG-WHT-12OZ")["receiving_unit"] == "CASE"
    assert sandbox_http.post(f"{sandbox.url}/_sandbox/reset", json={"seed": "x"}).status_code == 422


def test_state_dump_has_every_record_but_no_credentials(sandbox_demo, sandbox_http):
    document = sandbox_http.get(f"{sandbox_demo.url}/_sandbox/state").json()["payload"]

    assert "credentials" not in document
    assert len(document["items"]) == 8
    assert sandbox_demo.api_secret not in str(document)
