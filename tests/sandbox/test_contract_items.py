"""Items: create, 409 duplicate_sku, 422 fields, get by SKU, list, 405 on update."""

from __future__ import annotations

import pytest

ITEM_KEYS = {
    "_id",
    "sku",
    "name",
    "description",
    "uom",
    "base_unit",
    "receiving_unit",
    "receiving_unit_base_conversion",
    "shipping_unit",
    "shipping_unit_base_conversion",
    "scannable",
    "weight",
    "dimensions",
    "created_at",
    "updated_at",
}


def test_create_answers_201_with_the_item(sandbox, sandbox_http, item_body):
    body = item_body(
        "CASE-MUG",
        receiving_unit="CASE",
        receiving_unit_base_conversion=12,
        scannable="0123456789012",
        weight={"value": 1.5, "unit": "lb"},
        dimensions={"length": 10, "width": 8, "height": 4, "unit": "in"},
    )

    response = sandbox_http.post(f"{sandbox.base_url}/item", json=body)

    assert response.status_code == 201
    item = response.json()["payload"]
    assert set(item) == ITEM_KEYS
    assert len(item["_id"]) == 24
    assert item["receiving_unit"] == "CASE"
    assert item["receiving_unit_base_conversion"] == 12
    assert (item["shipping_unit"], item["shipping_unit_base_conversion"]) == ("EA", 1)
    assert item["weight"] == {"value": 1.5, "unit": "lb"}
    assert item["created_at"] == item["updated_at"]


def test_sku_and_text_fields_are_trimmed(sandbox, sandbox_http, item_body):
    body = item_body("  PADDED  ", name="  Padded  ")

    item = sandbox_http.post(f"{sandbox.base_url}/item", json=body).json()["payload"]

    assert (item["sku"], item["name"]) == ("PADDED", "Padded")


@pytest.mark.parametrize("again", ["WIDGET-1", "widget-1", "  Widget-1 "])
def test_a_taken_sku_in_any_case_or_padding_is_409(sandbox, sandbox_http, item_body, again):
    assert sandbox_http.post(f"{sandbox.base_url}/item", json=item_body()).status_code == 201

    response = sandbox_http.post(f"{sandbox.base_url}/item", json=item_body(again))

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "duplicate_sku"
    assert sandbox.counters.creates("item", "WIDGET-1") == {"received": 2, "stored": 1}


def test_missing_and_blank_required_fields_are_named(sandbox, sandbox_http):
    body = {"sku": "   ", "name": "", "uom": 5, "colour": "red"}

    response = sandbox_http.post(f"{sandbox.base_url}/item", json=body)

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert error["fields"] == {
        "sku": "must not be empty",
        "name": "must not be empty",
        "description": "required",
        "uom": "must be a string",
        "base_unit": "required",
        "colour": "unknown field",
    }


@pytest.mark.parametrize(
    ("fields", "path"),
    [
        ({"receiving_unit_base_conversion": 12}, "receiving_unit"),
        (
            {"shipping_unit": "CASE", "shipping_unit_base_conversion": 0},
            "shipping_unit_base_conversion",
        ),
        (
            {"shipping_unit": "EA", "shipping_unit_base_conversion": 6},
            "shipping_unit_base_conversion",
        ),
        (
            {"receiving_unit": "CASE", "receiving_unit_base_conversion": 1.5},
            "receiving_unit_base_conversion",
        ),
        ({"weight": {"value": -1, "unit": "lb"}}, "weight.value"),
        ({"weight": {"value": 1}}, "weight.unit"),
        ({"dimensions": {"length": 1, "width": 1, "unit": "in"}}, "dimensions.height"),
        ({"scannable": 123}, "scannable"),
    ],
)
def test_bad_units_and_measures_are_422(sandbox, sandbox_http, item_body, fields, path):
    response = sandbox_http.post(f"{sandbox.base_url}/item", json=item_body(**fields))

    assert response.status_code == 422
    assert path in response.json()["error"]["fields"]


def test_get_by_sku_matches_trimmed_and_case_insensitively(sandbox, sandbox_http, item_body):
    created = sandbox_http.post(f"{sandbox.base_url}/item", json=item_body("Mixed-Case")).json()

    response = sandbox_http.get(f"{sandbox.base_url}/item", params={"sku": "  mixed-CASE "})

    assert response.status_code == 200
    assert response.json() == {"success": True, "payload": created["payload"]}


def test_get_of_a_missing_sku_is_404(sandbox, sandbox_http):
    response = sandbox_http.get(f"{sandbox.base_url}/item", params={"sku": "NOPE"})

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    ("params", "field"),
    [({}, "sku"), ({"sku": " "}, "sku"), ({"sku": ["A", "B"]}, "sku"), ({"sku": "A", "x": 1}, "x")],
)
def test_get_by_sku_needs_exactly_one_sku(sandbox, sandbox_http, params, field):
    response = sandbox_http.get(f"{sandbox.base_url}/item", params=params)

    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
def test_items_cannot_be_updated(sandbox, sandbox_http, item_body, method):
    response = sandbox_http.request(method, f"{sandbox.base_url}/item", json=item_body())

    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
    assert sandbox.warehouse.item("WIDGET-1") is None


def test_list_pages_in_creation_order_with_meta(sandbox, sandbox_http):
    sandbox.warehouse.generate_items(7, sku_prefix="P-")

    pages = [
        sandbox_http.get(f"{sandbox.base_url}/items", params={"page": page, "limit": 3}).json()
        for page in (1, 2, 3, 4)
    ]

    assert [p["meta"] for p in pages] == [
        {"page": 1, "limit": 3, "total": 7, "has_more": True},
        {"page": 2, "limit": 3, "total": 7, "has_more": True},
        {"page": 3, "limit": 3, "total": 7, "has_more": False},
        {"page": 4, "limit": 3, "total": 7, "has_more": False},
    ]
    skus = [item["sku"] for p in pages for item in p["payload"]]
    assert skus == [f"P-{n:06d}" for n in range(1, 8)]
    keys = [(item["updated_at"], item["_id"]) for p in pages for item in p["payload"]]
    assert keys == sorted(keys)


def test_list_defaults_to_page_1_limit_100(sandbox, sandbox_http):
    sandbox.warehouse.generate_items(120)

    body = sandbox_http.get(f"{sandbox.base_url}/items").json()

    assert body["meta"] == {"page": 1, "limit": 100, "total": 120, "has_more": True}
    assert len(body["payload"]) == 100


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 501}, "limit"),
        ({"limit": 0}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"page": 0}, "page"),
        ({"page": [1, 2]}, "page"),
        ({"updated_from": "yesterday"}, "updated_from"),
        ({"updated_from": "2024-01-01T00:00:00"}, "updated_from"),
        ({"sku": [f"S{n}" for n in range(101)]}, "sku"),
        ({"updatedFrom": "2024-01-01"}, "updatedFrom"),
        ({"limit": "\u00b2"}, "limit"),
        ({"page": "9" * 5000}, "page"),
        ({"updated_from": "0001-01-01T00:00:00+01:00"}, "updated_from"),
    ],
)
def test_bad_list_parameters_are_422(sandbox, sandbox_http, params, field):
    response = sandbox_http.get(f"{sandbox.base_url}/items", params=params)

    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]


def test_limit_500_is_accepted(sandbox, sandbox_http):
    response = sandbox_http.get(f"{sandbox.base_url}/items", params={"limit": 500})

    assert response.status_code == 200
    assert response.json()["meta"]["limit"] == 500


def test_list_filters_by_repeated_skus_any_case(sandbox, sandbox_http):
    sandbox.warehouse.generate_items(5, sku_prefix="F-")

    response = sandbox_http.get(
        f"{sandbox.base_url}/items", params={"sku": ["f-000002", " F-000004 ", "F-999"]}
    )

    assert [item["sku"] for item in response.json()["payload"]] == ["F-000002", "F-000004"]


def test_updated_from_is_inclusive(sandbox, sandbox_http):
    sandbox.warehouse.generate_items(4, sku_prefix="U-")
    items = sandbox_http.get(f"{sandbox.base_url}/items").json()["payload"]

    response = sandbox_http.get(
        f"{sandbox.base_url}/items", params={"updated_from": items[2]["updated_at"]}
    )

    assert [item["sku"] for item in response.json()["payload"]] == ["U-000003", "U-000004"]


def test_updated_from_accepts_offsets_and_dates(sandbox, sandbox_http):
    sandbox.warehouse.generate_items(2)

    for value in ("2000-01-01", "2000-01-01T00:00:00+02:00"):
        response = sandbox_http.get(f"{sandbox.base_url}/items", params={"updated_from": value})
        assert response.json()["meta"]["total"] == 2
    future = sandbox_http.get(f"{sandbox.base_url}/items", params={"updated_from": "2999-01-01"})
    assert future.json()["meta"]["total"] == 0


def test_bulk_create_on_post_items_is_not_offered(sandbox, sandbox_http, item_body):
    response = sandbox_http.post(f"{sandbox.base_url}/items", json=[item_body()])

    assert response.status_code == 405
