"""The Carrier, SKU and Reference Mappings tabs: rows added, changed, removed;
CSV import (a bad row adds nothing, problems numbered by row) and export."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from techoms_core.mappings import CarrierRow, ReferenceRow

#: Per tab: the values of a new row, the column changed afterwards and its new value.
ROWS = {
    "sku": ({"system_sku": "TEE-BLK-M", "channel_sku": "LF-TEE-1"}, "channel_sku", "LF-TEE-2"),
    "carrier": (
        {
            "carrier_channel": "UPS",
            "service_channel": "Ground",
            "carrier_system": "ups",
            "service_system": "ground",
        },
        "service_channel",
        "2nd Day Air*",
    ),
    "reference": (
        {"code": "PO", "property": "primary_reference_number"},
        "property",
        "instructions",
    ),
}


def _stored(host, channel: str, kind: str) -> list[dict]:
    return [
        {k: v for k, v in row.items() if k != "id"} for row in host.mapping_table(channel, kind)
    ]


def _add_unsaved_sku_row(page):
    """Add the row MUG -> LF-MUG on the SKU Mappings tab (not saved); the tab."""
    page.click('[data-tab="sku-mappings"]')
    tab = page.locator("#mappings-sku")
    tab.locator('tr.add-row [name="system_sku"]').fill("MUG")
    tab.locator('tr.add-row [name="channel_sku"]').fill("LF-MUG")
    tab.locator("text=Add row").click()
    return tab


def _save(page, tab) -> None:
    """Save, and wait for ``tab`` to show the rows saved (no unsaved row)."""
    page.click("#save")
    expect(page.locator("#save-status")).to_contain_text("Saved.")
    expect(page.locator("[data-unsaved-mark]")).to_be_hidden()
    expect(tab.locator("tr.unsaved-row")).to_have_count(0)
    expect(tab.locator(".notice")).to_have_count(0)


@pytest.mark.parametrize("kind", ["carrier", "sku", "reference"])
def test_a_mapping_tab_adds_changes_and_removes_rows_saved_by_save(
    page, console, channel, shot, kind
):
    values, changed_column, changed_value = ROWS[kind]
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"/channels/{channel}")
    page.click(f'[data-tab="{kind}-mappings"]')
    tab = page.locator(f"#mappings-{kind}")
    mark = page.locator("[data-unsaved-mark]")
    adding = tab.locator("tr.add-row")
    for column, value in values.items():
        adding.locator(f'[name="{column}"]').fill(value)
    adding.locator("text=Add row").click()
    expect(tab.locator(".notice")).to_have_text("Row added; press Save to keep it.")
    # Marked unsaved, and nothing is written before Save.
    expect(tab.locator("tr.unsaved-row")).to_have_count(1)
    expect(mark).to_be_visible()
    assert _stored(console.host, channel, kind) == []
    shot(f"{kind}-mappings")
    _save(page, tab)
    expect(tab.locator("tr.unsaved-row")).to_have_count(0)
    (stored,) = _stored(console.host, channel, kind)
    assert {k: stored[k] for k in values} == values

    tab.locator("tr[data-row] >> text=Edit").click()
    tab.locator(f'tr.editing [name="{changed_column}"]').fill(changed_value)
    tab.locator("text=Save row").click()
    expect(tab.locator(".notice")).to_have_text("Row changed; press Save to keep it.")
    expect(mark).to_be_visible()
    assert _stored(console.host, channel, kind)[0][changed_column] == values.get(
        changed_column, stored[changed_column]
    )
    _save(page, tab)
    (stored,) = _stored(console.host, channel, kind)
    assert stored[changed_column] == changed_value

    tab.locator("tr[data-row] >> text=Remove").click()
    expect(tab.locator(".notice")).to_have_text("Row removed; press Save to keep it.")
    expect(tab.locator("tr[data-row]")).to_have_count(0)
    assert len(_stored(console.host, channel, kind)) == 1
    _save(page, tab)
    assert _stored(console.host, channel, kind) == []


def test_unsaved_mapping_rows_ask_before_leaving_and_are_lost_without_save(page, console, channel):
    page.goto(f"/channels/{channel}")
    _add_unsaved_sku_row(page)
    expect(page.locator("[data-unsaved-mark]")).to_be_visible()
    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    page.click("nav >> text=Runs")
    expect(page.locator("h1")).to_contain_text(channel)
    assert asked == ["beforeunload"]
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("nav >> text=Runs")
    page.wait_for_url("**/runs")
    assert console.host.sku_mapping_rows(channel) == []


def test_a_save_refused_for_a_mapping_row_writes_none_of_the_page(page, console, channel):
    """The rows saved meanwhile (here by ``techoms map``) make an unsaved row
    contradict them: Save names it, and neither the settings nor the jobs
    of the page are written."""
    page.goto(f"/channels/{channel}")
    page.fill("#input-warehouse", "CHANGED")
    page.select_option("#job-send-shipments", "15m")
    tab = _add_unsaved_sku_row(page)
    expect(tab.locator("tr.unsaved-row")).to_have_count(1)
    console.host.add_sku_mappings(channel, [("CUP", "LF-MUG")])
    before = console.host.channel(channel)
    page.click("#save")
    status = page.locator("#save-status")
    expect(status).to_contain_text("Nothing was saved")
    expect(status).to_contain_text("SKU Mappings: unsaved row 1:")
    assert console.host.channel(channel) == before
    assert console.host.jobs(channel) == []
    assert console.host.sku_mapping_rows(channel) == [("CUP", "LF-MUG")]


def test_a_row_with_a_problem_is_not_added_and_says_why(page, console, channel):
    page.goto(f"/channels/{channel}")
    page.click('[data-tab="reference-mappings"]')
    tab = page.locator("#mappings-reference")
    tab.locator('tr.add-row [name="code"]').fill("PO")
    tab.locator('tr.add-row [name="property"]').fill("no_such_property")
    tab.locator("text=Add row").click()
    expect(tab.locator(".mapping-problems")).to_contain_text("is not a Leanafy property")
    assert console.host.reference_mapping_rows(channel) == []


def test_a_csv_import_with_a_bad_row_adds_nothing_and_numbers_its_problems(
    page, console, channel, shot, tmp_path
):
    bad = tmp_path / "skus.csv"
    bad.write_text("system_sku,channel_sku\nA,a-1\nB,\nC,c-1\n", encoding="utf-8")
    page.goto(f"/channels/{channel}")
    page.click('[data-tab="sku-mappings"]')
    tab = page.locator("#mappings-sku")
    tab.locator('input[type="file"]').set_input_files(str(bad))
    tab.locator("text=Import").last.click()
    problems = tab.locator(".mapping-problems")
    expect(problems).to_contain_text("skus.csv: 1 problem(s); nothing was added.")
    expect(problems).to_contain_text("row 3: channel_sku: required")
    shot("csv-import-problem")
    assert console.host.sku_mapping_rows(channel) == []

    good = tmp_path / "good.csv"
    good.write_text("system_sku,channel_sku\nA,a-1\nC,c-1\n", encoding="utf-8")
    tab.locator('input[type="file"]').set_input_files(str(good))
    tab.locator("text=Import").last.click()
    expect(tab.locator(".notice")).to_have_text(
        "good.csv: 2 row(s) added; press Save to keep them."
    )
    assert console.host.sku_mapping_rows(channel) == []
    # The export is the tab as shown, unsaved rows included.
    with page.expect_download() as download:
        tab.locator("text=Export CSV").click()
    exported = download.value.path().read_text(encoding="utf-8")
    assert exported.splitlines() == ["system_sku,channel_sku", "A,a-1", "C,c-1"]
    # A second file contradicting the unsaved rows is refused by row number.
    clash = tmp_path / "clash.csv"
    clash.write_text("system_sku,channel_sku\nD,d-1\nE,c-1\n", encoding="utf-8")
    tab.locator('input[type="file"]').set_input_files(str(clash))
    tab.locator("text=Import").last.click()
    expect(problems).to_contain_text("clash.csv: 1 problem(s); nothing was added.")
    expect(problems).to_contain_text("row 3:")
    page.click("#save")
    expect(page.locator("#save-status")).to_contain_text("Saved.")
    assert console.host.sku_mapping_rows(channel) == [("A", "a-1"), ("C", "c-1")]


def test_carrier_and_reference_csv_round_trip(page, console, channel, tmp_path):
    console.host.add_carrier_mappings(
        channel,
        [CarrierRow(carrier_channel="FedEx", service_channel="2Day", carrier_system="fedex",
                    service_system="2day", primary=True)],
    )  # fmt: skip
    console.host.add_reference_mappings(
        channel, [ReferenceRow(level="sales_order", code="PO", property="instructions")]
    )
    page.goto(f"/channels/{channel}")
    for kind, expected in (
        ("carrier", "FedEx,2Day,fedex,2day,true"),
        ("reference", "sales_order,PO,instructions"),
    ):
        page.click(f'[data-tab="{kind}-mappings"]')
        with page.expect_download() as download:
            page.locator(f"#mappings-{kind} >> text=Export CSV").click()
        assert download.value.path().read_text().splitlines()[1] == expected


def test_the_unmapped_carrier_policy_is_saved_by_save(page, console, channel):
    page.goto(f"/channels/{channel}")
    page.click('[data-tab="carrier-mappings"]')
    tab = page.locator("#mappings-carrier")
    tab.locator("#carrier-policy").select_option("error")
    expect(tab.locator(".notice")).to_contain_text("press Save to keep it")
    expect(page.locator("[data-unsaved-mark]")).to_be_visible()
    assert console.host.mappings(channel).carriers.policy.value == "warn"
    _save(page, tab)
    assert console.host.mappings(channel).carriers.policy.value == "error"
    expect(tab.locator("#carrier-policy")).to_have_value("error")
