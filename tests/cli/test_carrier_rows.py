"""Carrier rows that would send wrong data, and mapping imports that name every bad row."""

from __future__ import annotations

HEADER = "carrier_channel,service_channel,carrier_system,service_system,primary\n"


def test_a_wildcard_row_is_refused_as_primary_and_never_sent(cli, loaded, sandbox):
    refused = cli("map", "carrier", loaded, "UPS", "Ground*", "UPS", "Ground", "--primary",
                  status=1)  # fmt: skip
    assert "wildcard" in refused.stderr and "cannot be primary" in refused.stderr
    assert cli.json("map", "list", loaded)["carrier"] == []

    cli("map", "carrier", loaded, "UPS", "Ground*", "UPS", "Ground")
    cli("sync", loaded, "export-products", status=1)
    sent = cli.json("sync", loaded, "send-shipments", status=None)

    s1001 = next(r for r in sent["records"] if r["key"] == "S-1001")
    assert s1001["status"] == "warning" and "no outbound carrier mapping" in s1001["message"]
    [order] = [o for o in sandbox.warehouse.orders() if o["primary_reference_number"] == "S-1001"]
    assert "Ground*" not in str(order)


def test_rows_differing_only_in_primary_are_refused(cli, channel):
    cli("map", "carrier", channel, "UPS", "GND", "UPS", "Ground", "--primary")
    result = cli("map", "carrier", channel, "ups", "gnd", "UPS", "Ground", status=1)
    assert "already mapped, primary" in result.stderr
    rows = cli.json("map", "list", channel)["carrier"]
    assert [row["primary"] for row in rows] == [True]


def test_an_import_names_every_problem_with_its_row(cli, channel, tmp_path):
    cli("map", "sku", channel, "CAP-NAVY", "LF-CAP")
    skus = tmp_path / "skus.csv"
    skus.write_text(
        "system_sku,channel_sku\nTEE,LF-TEE\nCAP-NAVY,OTHER\n,LF-X\nMUG,LF-CAP\n",
        encoding="utf-8",
    )
    result = cli("map", "import", channel, "sku", str(skus), status=1)
    assert "3 problems; nothing was added" in result.stderr
    lines = [line.strip() for line in result.stderr.splitlines() if "row " in line]
    assert [line.split(":")[0] for line in lines] == ["- row 3", "- row 4", "- row 5"]
    assert "row 3: system SKU 'CAP-NAVY' is already mapped to 'LF-CAP'" in result.stderr
    assert "row 4: system_sku: required" in result.stderr
    assert "row 5: channel SKU 'LF-CAP' is already mapped from 'CAP-NAVY'" in result.stderr
    # Conflicts alone (no format problem) carry their row numbers too.
    skus.write_text("system_sku,channel_sku\nTEE,LF-TEE\nCAP-NAVY,OTHER\n", encoding="utf-8")
    result = cli("map", "import", channel, "sku", str(skus), status=1)
    assert "row 3: system SKU 'CAP-NAVY' is already mapped" in result.stderr
    assert len(cli.json("map", "list", channel)["sku"]) == 1


def test_a_file_that_is_not_utf8_is_named(cli, channel, tmp_path):
    latin = tmp_path / "carriers.csv"
    latin.write_bytes((HEADER + "Bpost,Économique,BPOST,ECO,false\n").encode("latin-1"))
    result = cli("map", "import", channel, "carrier", str(latin), status=1)
    assert f"{latin}: not UTF-8 text (byte 0xc9" in result.stderr
    assert "Traceback" not in result.stderr and "UnicodeDecodeError" not in result.stderr


def test_a_large_bad_file_lists_a_few_problems_and_counts_the_rest(cli, channel, tmp_path):
    bad = tmp_path / "carriers.csv"
    bad.write_text(HEADER + "".join(f"UPS,S{n},UPS,S{n},maybe\n" for n in range(20_000)))
    result = cli("map", "import", channel, "carrier", str(bad), status=1)
    assert "20000 problems; nothing was added" in result.stderr
    assert "... and 19980 more (20000 problems in all)" in result.stderr
    assert len(result.stderr.splitlines()) < 30
