"""A channel's secrets never reach the browser, on any page of the console."""

from __future__ import annotations

from techoms_core.context import ChannelConfig
from techoms_core.runner import run_option
from techoms_core.secrets import Secret

PAGES = (
    "/",
    "/channels/{name}",
    "/channels/{name}/mappings/sku",
    "/channels/{name}/mappings/carrier",
    "/channels/{name}/mappings/reference",
    "/runs",
    "/runs?channel={name}",
    "/review?show=all",
    "/records?kind=products",
    "/records?kind=shipments",
)


def test_no_page_holds_a_stored_secret(page, console, sandbox):
    name = "literal-secrets"
    console.host.add_channel(
        ChannelConfig(
            name=name,
            plugin="leanafy",
            settings={
                "api_url": sandbox.url,
                "api_key": Secret(sandbox.api_key),
                "api_secret": Secret(sandbox.api_secret),
            },
        )
    )
    summary = run_option(console.host, console.state.registry, name, "receive-inventory")
    secrets = (sandbox.api_key, sandbox.api_secret)
    for path in (*PAGES, f"/runs/{summary.run_id}"):
        page.goto(path.format(name=name))
        html = page.content()
        assert not any(secret in html for secret in secrets), path
    page.goto(f"/channels/{name}")
    page.click("#health-check")
    page.locator("#health-report").wait_for()
    page.click('[data-tab="channel-settings"]')
    page.select_option("#choice-throughput", "high")
    page.click("#save")
    page.locator("#save-status .notice").wait_for()
    assert not any(secret in page.content() for secret in secrets)
    # Saving with the secret fields left empty kept the stored secrets.
    stored = console.host.channel(name).settings
    assert stored["api_key"].reveal() == sandbox.api_key
    assert stored["throughput"] == "high"
