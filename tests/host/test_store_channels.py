"""Account, channels and mappings in the store."""

from __future__ import annotations

import pytest

from techoms_core.host import ChannelExists, UnknownChannel
from techoms_core.mappings import CarrierRow, MappingConflict, MappingError, ReferenceRow
from techoms_core.models import Page, RecordResult
from techoms_core.secrets import Secret
from techoms_core.store import StoreError
from tests.host import samples


def test_channel_settings_are_stored_as_given(host):
    config = samples.channel(api_key="env:LEANAFY_KEY", api_secret=Secret("s3cret"))
    host.add_channel(config)
    stored = host.channel("wms")
    assert stored.settings == {"api_key": "env:LEANAFY_KEY", "api_secret": Secret("s3cret")}
    assert stored.warehouse == "MAIN" and stored.enabled
    with pytest.raises(ChannelExists):
        host.add_channel(config)
    assert "s3cret" not in repr(stored) and "s3cret" not in repr(host)


def test_a_warehouse_has_one_channel(wms):
    with pytest.raises(StoreError, match="already served by channel 'wms'"):
        wms.add_channel(samples.channel("other"))
    wms.add_channel(samples.channel("other", warehouse=None))
    with pytest.raises(StoreError, match="already served"):
        wms.update_channel("other", warehouse="MAIN")
    assert wms.update_channel("other", warehouse=" EAST ").warehouse == "EAST"


def test_update_and_delete_a_channel(wms):
    changed = wms.update_channel("wms", settings={"api_url": "https://x"}, enabled=False)
    assert changed.settings == {"api_url": "https://x"} and not changed.enabled
    assert wms.update_channel("wms", warehouse=None).warehouse is None
    wms.add_sku_mappings("wms", [("A", "a-1")])
    wms.delete_channel("wms")
    with pytest.raises(UnknownChannel):
        wms.channel("wms")
    assert wms.channels() == []


def test_master_product_source_names_techoms_or_a_channel(wms):
    wms.set_master_product_source("wms")
    assert wms.master_product_source() == "wms"
    with pytest.raises(StoreError, match="Master Product Source"):
        wms.delete_channel("wms")
    with pytest.raises(StoreError, match="neither"):
        wms.set_master_product_source("nope")
    wms.set_master_product_source("techoms")
    assert wms.master_product_source() == "techoms"


def test_sku_mappings_add_rows_all_or_nothing(wms):
    assert wms.add_sku_mappings("wms", [("A", "a-1"), ("B", "b-1")]) == 2
    assert wms.add_sku_mappings("wms", [(" a ", "A-1")]) == 0  # same row again
    with pytest.raises(MappingError):
        wms.add_sku_mappings("wms", [("C", "c-1"), ("A", "other")])
    assert wms.sku_mapping_rows("wms") == [("A", "a-1"), ("B", "b-1")]
    assert wms.mappings("wms").skus.to_channel("b") == "b-1"


def test_carrier_and_reference_mappings(wms):
    row = CarrierRow(
        carrier_channel="UPS",
        service_channel="2nd Day Air*",
        carrier_system="ups",
        service_system="2day",
    )
    assert wms.add_carrier_mappings("wms", [row, row]) == 1
    wms.set_carrier_policy("wms", "error")
    mappings = wms.mappings("wms")
    assert mappings.carriers.inbound("UPS", "2nd Day Air AM").service == "2day"
    with pytest.raises(MappingError):
        mappings.carriers.outbound("fedex", "x")
    with pytest.raises(StoreError):
        wms.set_carrier_policy("wms", "shrug")
    ref = ReferenceRow(level="sales_order", code="PO", property="primary_reference_number")
    assert wms.add_reference_mappings("wms", [ref, ref]) == 1
    with pytest.raises(MappingError, match="already"):
        wms.add_reference_mappings(
            "wms", [ReferenceRow(level="sales_order", code="po", property="instructions")]
        )
    assert wms.reference_mapping_rows("wms") == [ref]
    with pytest.raises(UnknownChannel):
        wms.mappings("nope")


def test_mapping_adds_name_every_refused_row_and_add_nothing(wms):
    wms.add_sku_mappings("wms", [("A", "a-1")])
    wildcard = CarrierRow(
        carrier_channel="UPS", service_channel="Ground*", carrier_system="UPS",
        service_system="Ground", primary=True,
    )  # fmt: skip
    with pytest.raises(MappingConflict) as refused:
        wms.add_sku_mappings("wms", [("A", "other"), ("C", "c-1"), ("D", "a-1")])
    assert [p.index for p in refused.value.problems] == [0, 2]
    with pytest.raises(MappingConflict, match="cannot be primary"):
        wms.add_carrier_mappings("wms", [wildcard])
    assert wms.sku_mapping_rows("wms") == [("A", "a-1")]
    assert wms.carrier_mapping_rows("wms") == []


def test_delete_unbinds_open_sends_and_keeps_finished_history(wms):
    wms.load_shipments([samples.shipment(n) for n in ("S-1", "S-2", "S-3")])
    wms.load_receipts([samples.receipt("R-1")])
    sends = [RecordResult.ok(n, remote_id=f"r-{n}") for n in ("S-1", "S-2", "S-3")]
    run_id = wms.start_run("wms", "send-shipments")
    wms.record_send_results(run_id, "wms", "send-shipments", sends)
    run_id = wms.start_run("wms", "send-receipts")
    wms.record_send_results(run_id, "wms", "send-receipts", [RecordResult.ok("R-1", remote_id="a")])
    assert wms.request_cancellation("S-2") == "sent"
    run_id = wms.start_run("wms", "receive-shipments")
    wms.apply_page(run_id, "wms", "receive-shipments",
                   Page(records=[samples.shipped("S-3", ("SKU-1", 2, 2))]))  # fmt: skip

    wms.delete_channel("wms")

    rows = {row["number"]: row for row in wms.shipment_rows()}
    state = {n: (r["status"], r["channel"], r["remote_id"]) for n, r in rows.items()}
    assert state == {
        "S-1": ("ready", None, None),
        "S-2": ("cancelled", None, None),
        "S-3": ("shipped", "wms", "remote-S-3"),
    }
    [receipt] = wms.receipt_rows()
    assert (receipt["status"], receipt["channel"], receipt["remote_id"]) == ("ready", None, None)
    wms.add_channel(samples.channel())
    assert [s.number for s in wms.records_to_send("wms", "send-shipments", limit=10)] == ["S-1"]
