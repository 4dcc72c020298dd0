"""What ``techoms show --json`` prints loads back: its state fields are ignored, with a note."""

from __future__ import annotations

import json


def test_show_json_loads_back_unchanged_after_every_flow(cli, loaded, sandbox, tmp_path):
    cli("sync", loaded, "export-products", status=1)
    cli("map", "carrier", loaded, "UPS", "UPS Ground", "UPS", "Ground", "--primary")
    cli("sync", loaded, "send-shipments", status=None)
    cli("sync", loaded, "send-receipts")
    orders = {o["primary_reference_number"]: o["_id"] for o in sandbox.warehouse.orders()}
    sandbox.warehouse.ship(orders["S-1001"])
    arns = {a["primary_reference_number"]: a["_id"] for a in sandbox.warehouse.arns()}
    sandbox.warehouse.close_arn(arns["R-2002"])
    cli("sync", loaded, "receive-shipments")
    cli("sync", loaded, "receive-receipts")

    for kind in ("products", "shipments", "receipts"):
        shown = cli.json("show", kind)
        assert any(record.get("status") not in (None, "ready") for record in shown)
        file = tmp_path / f"{kind}.json"
        file.write_text(json.dumps(shown))

        report = cli.json("load", kind, str(file))

        assert (report["created"], report["updated"]) == (0, 0), kind
        assert report["unchanged"] == len(shown)
        assert "status" in report["ignored_fields"]
        assert cli.json("show", kind) == shown
    text = cli("load", "shipments", str(tmp_path / "shipments.json"))
    assert "Ignored the fields techoms show adds to the load format" in text.stderr
    assert "lines[].shipped_quantity" in text.stderr
