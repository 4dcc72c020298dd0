"""Inventory: rows per SKU, warehouse and lot, in base units."""

from __future__ import annotations

ROW_KEYS = {
    "item_id",
    "sku",
    "warehouse_id",
    "on_hand",
    "allocated",
    "available",
    "unit",
    "lot_number",
    "expiry_date",
    "updated_at",
}


def test_rows_are_per_sku_warehouse_and_lot(sandbox_demo, sandbox_http):
    response = sandbox_http.get(f"{sandbox_demo.base_url}/inventory", params={"sku": "candle-lav"})

    assert response.status_code == 200
    rows = response.json()["payload"]
    assert all(set(row) == ROW_KEYS for row in rows)
    assert {(r["lot_number"], r["on_hand"], r["expiry_date"]) for r in rows} == {
        ("LOT-CDL-2403", 60, "2026-03-31"),
        ("LOT-CDL-2405", 96, "2026-09-30"),
    }
    assert {r["unit"] for r in rows} == {"EA"}
    assert sum(r["available"] for r in rows) == 156


def test_a_sku_in_two_warehouses_has_a_row_in_each(sandbox_demo, sandbox_http):
    rows = sandbox_http.get(
        f"{sandbox_demo.base_url}/inventory", params={"sku": "TEE-BLK-M"}
    ).json()["payload"]

    assert sorted((r["warehouse_id"], r["on_hand"]) for r in rows) == sorted(
        zip(sandbox_demo.warehouse_ids, (120, 40), strict=True)
    )


def test_received_cases_count_in_base_units(sandbox_demo, sandbox_http, arn_body):
    arn = sandbox_http.post(f"{sandbox_demo.base_url}/arn", json=arn_body()).json()["payload"]
    sandbox_demo.warehouse.receive(arn["_id"], [{"sku": "MUG-WHT-12OZ", "qty": 2}])

    rows = sandbox_http.get(
        f"{sandbox_demo.base_url}/inventory", params={"sku": "MUG-WHT-12OZ"}
    ).json()["payload"]

    lot_a = [r for r in rows if r["lot_number"] == "LOT-A"]
    assert [(r["on_hand"], r["unit"]) for r in lot_a] == [(24, "EA")]


def test_allocation_shows_in_allocated_and_available(sandbox_demo, sandbox_http, order_body):
    order = sandbox_http.post(f"{sandbox_demo.base_url}/order", json=order_body()).json()
    sandbox_demo.warehouse.allocate(order["payload"]["_id"])

    rows = sandbox_http.get(
        f"{sandbox_demo.base_url}/inventory", params={"sku": "CANDLE-LAV"}
    ).json()["payload"]

    earliest = next(r for r in rows if r["lot_number"] == "LOT-CDL-2403")
    assert (earliest["on_hand"], earliest["allocated"], earliest["available"]) == (60, 6, 54)


def test_changed_rows_move_to_the_end_and_updated_from_finds_them(sandbox_demo, sandbox_http):
    url = f"{sandbox_demo.base_url}/inventory"
    before = sandbox_http.get(url).json()["payload"]
    sandbox_demo.warehouse.set_inventory("HOODIE-GRY-M", 0)

    after = sandbox_http.get(url).json()["payload"]
    since = sandbox_http.get(url, params={"updated_from": after[-1]["updated_at"]}).json()

    assert after[-1]["sku"] == "HOODIE-GRY-M"
    assert after[-1]["on_hand"] == 0
    assert after[-1]["updated_at"] > max(row["updated_at"] for row in before)
    assert [row["sku"] for row in since["payload"]] == ["HOODIE-GRY-M"]
    keys = [(row["updated_at"], row["item_id"]) for row in after]
    assert keys == sorted(keys)


def test_inventory_pages(sandbox_demo, sandbox_http):
    body = sandbox_http.get(
        f"{sandbox_demo.base_url}/inventory", params={"page": 2, "limit": 5}
    ).json()

    assert body["meta"] == {"page": 2, "limit": 5, "total": 11, "has_more": True}
    assert len(body["payload"]) == 5


def test_inventory_refuses_unknown_parameters(sandbox_demo, sandbox_http):
    response = sandbox_http.get(f"{sandbox_demo.base_url}/inventory", params={"warehouse": "x"})

    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {"warehouse": "unknown parameter"}


def _paged(sandbox_http, url: str) -> list[tuple[str, str | None, int]]:
    rows, page = [], 1
    while True:
        body = sandbox_http.get(url, params={"page": page, "limit": 3}).json()
        rows += [(r["sku"], r["lot_number"], r["allocated"]) for r in body["payload"]]
        if not body["meta"]["has_more"]:
            return rows
        page += 1


def test_pages_by_number_follow_every_change_of_the_list(sandbox_demo, sandbox_http, order_body):
    url = f"{sandbox_demo.base_url}/inventory"
    state = sandbox_demo.state

    def in_order() -> list[tuple[str, str | None, int]]:
        with state.lock:
            return [(r.sku, r.lot_number, r.allocated) for r in state.inventory.values()]

    assert _paged(sandbox_http, url) == in_order()
    sandbox_demo.warehouse.set_inventory("HOODIE-GRY-M", 3)  # moves to the end
    assert _paged(sandbox_http, url)[-1][0] == "HOODIE-GRY-M"
    assert _paged(sandbox_http, url) == in_order()
    order = sandbox_http.post(f"{sandbox_demo.base_url}/order", json=order_body()).json()
    sandbox_demo.warehouse.allocate(order["payload"]["_id"])  # rows change in place
    assert any(allocated for _, _, allocated in _paged(sandbox_http, url))
    assert _paged(sandbox_http, url) == in_order()
    with state.lock:  # a row removed without the state's own methods
        del state.inventory[next(iter(state.inventory))]
    assert _paged(sandbox_http, url) == in_order()
    assert len(in_order()) == 10
