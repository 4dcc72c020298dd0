"""A sync started from the channel page, the run log and a run's messages."""

from __future__ import annotations

import json

from playwright.sync_api import expect

from techoms_core.host import RunStatus
from techoms_core.loading import parse_records
from techoms_core.models import RecordResult, Status
from tests.cli.conftest import DATA

#: Long enough to take a few progress polls at the default throughput.
EXTRA_PRODUCTS = 60


def _load_products(host) -> int:
    products = json.loads((DATA / "products.json").read_text())
    products += [
        {"sku": f"BULK-{n:03}", "name": f"Bulk {n}", "description": "Bulk item", "uom": "EA"}
        for n in range(EXTRA_PRODUCTS)
    ]
    host.load_products(parse_records("products", products))
    return len(products)


def test_a_sync_runs_in_the_background_with_a_progress_bar_and_its_run_page(
    page, console, channel, shot
):
    total = _load_products(console.host)
    page.goto(f"/channels/{channel}")
    page.select_option("#sync-option", "export-products")
    page.click("#sync-run")
    expect(page.locator("#sync-bar")).to_be_visible()
    shot("sync-progress")
    outcome = page.locator("#sync-outcome")
    expect(outcome).to_contain_text("completed", timeout=60_000)
    expect(page.locator("#sync-bar")).to_have_attribute("value", "100")
    (run,) = console.host.run_page(channel=channel, option="export-products").rows
    assert run.status == "completed" and sum(run.counts.values()) == total
    assert run.counts["failed"] == 1  # the demo's product without a Description
    for status in ("ok", "failed"):
        expect(page.locator(f'[data-count="{status}"]')).to_have_text(str(run.counts[status]))
    expect(page.locator("#sync-done")).to_contain_text(f"{total} of {total}")

    page.click("#sync-run-link")
    page.wait_for_url(f"**/runs/{run.id}")
    expect(page.locator("#run-status")).to_have_text("completed")
    expect(page.locator("#messages")).to_contain_text(
        "missing required field(s) for this channel: description"
    )
    shot("run")
    page.goto(f"/channels/{channel}")
    page.click("#health-check")
    expect(page.locator("#health-report")).to_contain_text("healthy")
    page.click("text=Fulfillment Channels")
    row = page.locator("#channels tr", has_text=channel)
    expect(row).to_contain_text("Export Products to Channel: completed")
    expect(row).to_contain_text("healthy")
    shot("channels")


def test_a_sync_the_runner_refuses_says_why(page, console, channel):
    page.goto(f"/channels/{channel}")
    page.evaluate(
        "() => { const o = document.createElement('option');"
        " o.value = 'update-products'; o.text = 'x';"
        " document.querySelector('#sync-option').append(o); }"
    )
    page.select_option("#sync-option", "update-products")
    page.click("#sync-run")
    expect(page.locator("#sync-live")).to_contain_text("Not started")
    expect(page.locator("#sync-live")).to_contain_text("not supported by Leanafy")


def _finished_run(host, channel: str, status: RunStatus, results=()) -> int:
    run_id = host.start_run(channel, "send-shipments")
    host.log_results(run_id, list(results))
    host.finish_run(run_id, status, {"warning": len(results)})
    return run_id


def test_the_run_log_is_filtered_and_paged_newest_first(page, console, channel, shot):
    ids = [_finished_run(console.host, channel, RunStatus.COMPLETED) for _ in range(55)]
    failed = _finished_run(console.host, channel, RunStatus.FAILED)
    page.goto(f"/runs?channel={channel}")
    rows = page.locator("#runs tbody tr")
    expect(rows).to_have_count(50)
    expect(rows.first).to_contain_text(str(failed))
    shot("runs")
    page.click("a[rel=next]")
    expect(rows).to_have_count(6)
    expect(rows.last).to_contain_text(str(ids[0]))
    page.goto("/runs")
    page.select_option("#filter-status", "failed")
    page.select_option("#filter-channel", channel)
    page.click("text=Filter")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(str(failed))


def test_identical_messages_are_grouped_with_a_count_and_examples(page, console, channel):
    results = [
        RecordResult(key=f"S-{n}", status=Status.WARNING, message="carrier UPS is not mapped")
        for n in range(5_000)
    ]
    results += [RecordResult(key="S-X", status=Status.FAILED, message="address is missing")]
    run_id = _finished_run(console.host, channel, RunStatus.COMPLETED, results)
    page.goto(f"/runs/{run_id}")
    groups = page.locator("#messages tbody tr")
    expect(groups).to_have_count(2)
    expect(groups.first.locator(".count")).to_have_text("5000")
    expect(groups.first).to_contain_text("S-0, S-1, S-2, ...")
    page.click("text=error (1)")
    expect(groups).to_have_count(1)
    expect(groups.first).to_contain_text("address is missing")
