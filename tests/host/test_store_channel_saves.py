"""A channel page's Save: settings, jobs and mappings in one transaction, or nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from techoms_core.channel_changes import ChannelChanges, JobChange, MappingChanges
from techoms_core.host import JobPeriod
from techoms_core.mappings import CarrierRow, MappingConflict, MappingError, UnmappedPolicy
from techoms_core.store import StoreError
from tests.host import samples

FEDEX = CarrierRow(carrier_channel="FedEx", service_channel="2D", carrier_system="fedex",
                   service_system="2day")  # fmt: skip
DUE = dt.datetime(2025, 1, 6, 9, 0, tzinfo=dt.UTC)
UPS = CarrierRow(carrier_channel="UPS", service_channel="GND", carrier_system="ups",
                 service_system="ground", primary=True)  # fmt: skip


def _state(host) -> tuple:
    """Everything a Save may write, to compare before and after."""
    config = host.channel("wms")
    return (
        config,
        host.mappings("wms").carriers.policy,
        [(job.option, job.period, job.next_due_at) for job in host.jobs("wms")],
        host.identified_mapping_rows("wms", "sku"),
        host.identified_mapping_rows("wms", "carrier"),
    )


def test_every_change_is_written_together(wms):
    wms.add_sku_mappings("wms", [("A", "a-1"), ("B", "b-1")])
    wms.add_carrier_mappings("wms", [UPS])
    [(carrier_id, _)] = wms.identified_mapping_rows("wms", "carrier")
    saved = wms.save_channel(
        "wms",
        ChannelChanges(
            settings={"api_url": "https://changed"},
            warehouse="EAST",
            enabled=False,
            carrier_policy="error",
            jobs={"send-shipments": JobChange(period="15m", next_due_at=DUE)},
            mappings=[
                MappingChanges(kind="sku", removed={"a"}, added=[("C", "c-1")]),
                MappingChanges(
                    kind="carrier",
                    removed={carrier_id},
                    added=[FEDEX],
                ),
            ],
        ),
    )
    assert (saved.settings, saved.warehouse, saved.enabled) == (
        {"api_url": "https://changed"},
        "EAST",
        False,
    )
    assert wms.mappings("wms").carriers.policy is UnmappedPolicy.ERROR
    [job] = wms.jobs("wms")
    assert (job.option, job.period, job.next_due_at) == ("send-shipments", JobPeriod.M15, DUE)
    assert wms.sku_mapping_rows("wms") == [("B", "b-1"), ("C", "c-1")]
    assert [row.carrier_channel for row in wms.carrier_mapping_rows("wms")] == ["FedEx"]


def test_a_mapping_refused_after_the_settings_and_jobs_leaves_them_unchanged(wms):
    wms.add_sku_mappings("wms", [("A", "a-1")])
    before = _state(wms)
    changes = ChannelChanges(
        settings={"api_url": "https://changed"},
        warehouse="EAST",
        carrier_policy="error",
        jobs={"send-shipments": JobChange(period="1h", next_due_at=DUE)},
        # Maps channel SKU a-1 a second time: the store refuses it.
        mappings=[MappingChanges(kind="sku", added=[("Z", "a-1")])],
    )
    with pytest.raises(MappingConflict, match="a-1"):
        wms.save_channel("wms", changes)
    assert _state(wms) == before


def test_a_removed_row_that_is_gone_writes_nothing(wms):
    wms.add_sku_mappings("wms", [("A", "a-1")])
    before = _state(wms)
    changes = ChannelChanges(
        enabled=False,
        mappings=[
            MappingChanges(kind="sku", added=[("B", "b-1")]),
            MappingChanges(kind="carrier", removed={"999"}),
        ],
    )
    with pytest.raises(MappingError, match="'999' does not exist"):
        wms.save_channel("wms", changes)
    assert _state(wms) == before


def test_a_refused_job_writes_nothing(wms):
    before = _state(wms)
    changes = ChannelChanges(
        settings={"api_url": "https://changed"},
        jobs={
            "send-shipments": JobChange(period="1h", next_due_at=DUE),
            "no-such-option": JobChange(period="1h", next_due_at=DUE),
        },
    )
    with pytest.raises(StoreError, match="recurring job no-such-option: unknown sync option"):
        wms.save_channel("wms", changes)
    assert _state(wms) == before


def test_a_served_warehouse_is_refused_before_anything_is_written(wms):
    wms.add_channel(samples.channel("other", warehouse="EAST"))
    before = _state(wms)
    with pytest.raises(StoreError, match="already served by channel 'other'"):
        wms.save_channel("wms", ChannelChanges(warehouse="EAST", enabled=False))
    assert _state(wms) == before
