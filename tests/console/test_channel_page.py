"""The channel page: adding a channel, Health Check, the Sync menu, Save."""

from __future__ import annotations

import re
import socket

from click.testing import CliRunner
from playwright.sync_api import expect

from techoms_core.cli import CliState
from techoms_core.cli import main as cli_main
from techoms_core.menu import sync_menu
from techoms_core.secrets import Secret

MS = re.compile(r"^\d+ ms$")


def _options(page) -> list[str]:
    return page.locator("#sync-option option").evaluate_all("els => els.map(e => e.value)")


def test_adding_a_leanafy_channel_with_fields_that_hide_show_disable_and_cascade(
    page, console, sandbox, shot
):
    page.goto("/channels/new?plugin=leanafy")
    warehouse = page.locator("#field-warehouse_id")
    custom_fields = page.locator("#field-concurrent_requests, #field-requests_per_second")
    # Disabled until the credentials are valid; the two custom limits hidden.
    expect(page.locator("#input-warehouse_id")).to_be_disabled()
    expect(warehouse).to_contain_text("fill in Api Url, Api Key and Api Secret to choose")
    expect(custom_fields).to_have_count(2)
    for field in custom_fields.all():
        expect(field).to_be_hidden()
    page.select_option("#choice-throughput", "custom")
    for field in custom_fields.all():
        expect(field).to_be_visible()
    shot("add-channel")
    page.click("#add-channel")
    status = page.locator("#save-status")
    expect(status).to_contain_text("Nothing was saved")
    expect(status).to_contain_text("Channel name: is required")
    expect(page.locator("#field-api_url .field-problem")).to_contain_text("is required")
    expect(page.locator("#field-api_key .field-problem")).to_contain_text("is required")
    expect(page.locator("#field-concurrent_requests .field-problem")).to_contain_text("required")
    page.select_option("#choice-throughput", "default")
    for field in custom_fields.all():
        expect(field).to_be_hidden()

    page.fill("#input-name", "added")
    page.fill("#input-warehouse", "ADDED")
    page.fill("#input-api_url", sandbox.url)
    page.fill("#input-api_key", sandbox.api_key)
    page.fill("#input-api_secret", "not-the-secret")
    page.press("#input-api_secret", "Tab")
    # Wrong credentials: still disabled, saying why.
    expect(warehouse).to_contain_text("invalid credentials")
    expect(warehouse.locator("input, select")).to_be_disabled()
    page.fill("#input-api_secret", sandbox.api_secret)
    page.press("#input-api_secret", "Tab")
    # Cascaded: the account's warehouses, read from Leanafy with these credentials.
    # Listed by a request of its own once the field is shown (aria-busy until then).
    dropdown = page.locator("#choice-warehouse_id")
    expect(dropdown.locator(f'option[value="{sandbox.warehouse_ids[1]}"]')).to_have_count(1)
    expect(warehouse).not_to_have_attribute("aria-busy", "true")
    expect(dropdown).to_be_enabled()
    listed = dropdown.locator("option").evaluate_all("els => els.map(e => e.value)")
    assert set(sandbox.warehouse_ids) <= set(listed)
    page.select_option("#choice-warehouse_id", sandbox.warehouse_ids[1])
    expect(page.locator("[data-unsaved-mark]")).to_be_visible()
    shot("add-channel-cascaded")
    page.click("#add-channel")
    page.wait_for_url("**/channels/added")
    stored = console.host.channel("added")
    assert stored.warehouse == "ADDED" and stored.settings["api_url"] == sandbox.url
    assert stored.settings["warehouse_id"] == sandbox.warehouse_ids[1]
    key = stored.settings["api_key"]
    assert (key.reveal() if isinstance(key, Secret) else key) == sandbox.api_key
    # A saved secret is never sent back to the browser.
    assert sandbox.api_key not in page.content()
    expect(page.locator("#input-api_key")).to_have_attribute("placeholder", re.compile("saved"))
    expect(page.locator("[data-unsaved-mark]")).to_be_hidden()
    console.host.delete_channel("added")


def test_a_health_check_that_passes_and_one_that_fails(page, channel, shot):
    page.goto(f"/channels/{channel}")
    page.click("#health-check")
    report = page.locator("#health-report")
    expect(report).to_contain_text("healthy")
    expect(report).not_to_contain_text("not healthy")
    # Each check with its result and its latency, then the whole check's.
    for name in ("connection", "credentials", "account", "warehouse"):
        expect(report.locator(f'[data-check="{name}"] .latency')).to_have_text(MS)
    expect(report).to_contain_text(re.compile(r"The whole check: \d+ ms"))
    shot("channel")

    page.click('[data-tab="channel-settings"]')
    page.fill("#input-api_secret", "not-the-secret")
    page.click("#save")
    expect(page.locator("#save-status")).to_contain_text("Saved.")
    page.click("#health-check")
    expect(report).to_contain_text("not healthy")
    expect(report.locator('[data-check="credentials"].status-failed .latency')).to_have_text(MS)
    shot("health-check-failed")


def test_the_last_health_check_is_kept_wherever_it_was_run(page, console, channel):
    """A check run by ``techoms health`` on the console's database shows on the
    Fulfillment Channels page and the channel page: it is in the store, not in
    the console's memory, so a restarted console shows it too."""
    state = CliState(console.host.path, registry=console.state.registry, environ=console.environ)
    ran = CliRunner().invoke(cli_main, ["health", channel], obj=state)
    assert ran.exit_code == 0, ran.output
    kept = console.host.last_health_checks()[channel]
    page.goto("/")
    row = page.locator("#channels tr", has_text=channel)
    expect(row).to_contain_text("healthy")
    expect(row).to_contain_text(kept.at.strftime("%Y-%m-%d %H:%M:%S UTC"))
    expect(row).to_contain_text(f"{kept.report.latency_ms:.0f} ms")
    page.goto(f"/channels/{channel}")
    expect(page.locator('#health-report [data-check="warehouse"] .latency')).to_have_text(MS)


def test_the_sync_dropdown_is_the_derived_menu_and_follows_the_master_product_source(
    page, console, channel
):
    plugin = console.state.registry.get("leanafy")
    page.goto(f"/channels/{channel}")
    before = _options(page)
    assert before == [option.key for option in sync_menu(plugin, channel, "techoms")]
    assert "export-products" in before and "import-products" not in before

    page.goto("/")
    page.select_option("#master-product-source", channel)
    page.click("text=Change")
    expect(page.locator("#channels")).to_contain_text("Master Product Source")
    page.goto(f"/channels/{channel}")
    after = _options(page)
    assert after == [option.key for option in sync_menu(plugin, channel, channel)]
    assert "import-products" in after and "export-products" not in after


def test_save_refuses_a_bad_form_whole_and_names_every_problem(page, console, channel):
    page.goto(f"/channels/{channel}")
    page.click('[data-tab="channel-settings"]')
    page.fill("#input-api_url", "ftp://example.com")
    page.press("#input-api_url", "Tab")
    expect(page.locator("#field-api_url .field-problem")).to_contain_text("https")
    page.click('[data-tab="main"]')
    page.select_option("#job-send-shipments", "15m")
    page.click("#save")
    status = page.locator("#save-status")
    expect(status).to_contain_text("Nothing was saved")
    expect(page.locator("#field-api_url .field-problem")).to_contain_text("https")
    assert console.host.jobs(channel) == []
    assert console.host.channel(channel).settings["api_url"].startswith("http://")


def test_recurring_jobs_one_row_per_menu_option_saved_with_the_page(page, console, channel, shot):
    plugin = console.state.registry.get("leanafy")
    menu = [option.key for option in sync_menu(plugin, channel, "techoms")]
    page.goto(f"/channels/{channel}")
    rows = page.locator("#jobs tbody tr")
    expect(rows).to_have_count(len(menu))
    page.select_option("#job-send-shipments", "15m")
    page.select_option("#job-receive-inventory", "1h")
    page.click("#save")
    expect(page.locator("#save-status")).to_contain_text("Saved.")
    jobs = {job.option: job.period.value for job in console.host.jobs(channel)}
    assert jobs == {"send-shipments": "15m", "receive-inventory": "1h"}
    expect(rows.filter(has_text="Send Shipments")).to_contain_text("UTC")
    shot("recurring-jobs")
    page.select_option("#job-send-shipments", "none")
    with page.expect_response("**/save"):
        page.click("#save")
    expect(page.locator("#job-send-shipments")).to_have_value("none")
    jobs = {job.option: job.period.value for job in console.host.jobs(channel)}
    assert jobs["send-shipments"] == "none" and jobs["receive-inventory"] == "1h"


def test_deleting_a_channel_asks_first_naming_what_goes_with_it(page, console, channel):
    console.host.add_sku_mappings(channel, [("TEE-BLK-M", "LF-TEE")])
    questions: list[str] = []

    def answer(dialog, accept: bool) -> None:
        questions.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.goto(f"/channels/{channel}")
    page.once("dialog", lambda dialog: answer(dialog, accept=False))
    page.click("#delete")
    expect(page.locator("h1")).to_contain_text(channel)
    assert any(config.name == channel for config in console.host.channels())
    page.once("dialog", lambda dialog: answer(dialog, accept=True))
    page.click("#delete")
    page.wait_for_url(console.url + "/")
    assert all(config.name != channel for config in console.host.channels())
    assert questions[0] == questions[1]
    assert f"Delete channel {channel}?" in questions[0]
    assert "its 1 SKU, 0 carrier and 0 reference mapping rows" in questions[0]
    expect(page.locator("main")).not_to_contain_text(channel)


def test_unsaved_changes_are_marked_and_leaving_with_them_asks_first(page, console, channel):
    page.goto(f"/channels/{channel}")
    mark = page.locator("[data-unsaved-mark]")
    expect(mark).to_be_hidden()
    page.fill("#input-warehouse", "ELSEWHERE")
    expect(mark).to_be_visible()
    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    page.click("nav >> text=Runs")
    expect(page.locator("h1")).to_contain_text(channel)
    assert asked == ["beforeunload"]
    page.click("#save")
    expect(mark).to_be_hidden()
    assert console.host.channel(channel).warehouse == "ELSEWHERE"
    page.click("nav >> text=Runs")
    page.wait_for_url("**/runs")


def test_an_unreachable_wms_holds_up_neither_the_page_nor_other_fields(page, console, channel):
    """The warehouse choices are listed after the page is shown: while
    Leanafy cannot be reached (the listing retries for seconds), the page is
    there, the saved warehouse shown, and other fields answer; then the field
    says why it has no choices and still shows the saved value."""
    saved = console.host.channel(channel)
    with socket.socket() as probe:  # a free port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    console.host.update_channel(channel, settings={**saved.settings, "api_url": closed})
    page.goto(f"/channels/{channel}")
    warehouse = page.locator("#field-warehouse_id")
    expect(warehouse).to_have_attribute("aria-busy", "true")
    expect(page.locator("#choice-warehouse_id")).to_have_value(saved.settings["warehouse_id"])
    page.click('[data-tab="channel-settings"]')
    page.select_option("#choice-throughput", "custom")
    expect(page.locator("#field-requests_per_second")).to_be_visible()
    expect(warehouse).to_have_attribute("aria-busy", "true")
    expect(warehouse).to_contain_text("the WMS did not list the choices", timeout=20_000)
    expect(warehouse).to_contain_text("Connection refused")
    expect(warehouse).to_contain_text(f"stays {saved.settings['warehouse_id']}")
    expect(page.locator("#input-warehouse_id")).to_have_value(saved.settings["warehouse_id"])
    expect(page.locator("#input-warehouse_id")).to_be_disabled()
