"""Logging in, the CSRF rule, the security headers and the Fulfillment Channels page."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.console.conftest import PASSWORD, log_in, watch_errors


def test_a_visitor_is_sent_to_the_login_page_and_a_wrong_password_is_refused(
    browser, console, screenshots
):
    context = browser.new_context()
    page = context.new_page()
    errors = watch_errors(page)
    log_in(page, console, password="not it")
    expect(page.locator("#login-problem")).to_have_text("Wrong password.")
    page.screenshot(path=str(screenshots / "login.png"))
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(console.url + "/")
    expect(page.locator("h1")).to_have_text("Fulfillment Channels")
    cookie = next(c for c in context.cookies() if c["name"] == "techoms_console")
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Strict"
    context.close()
    assert errors == []


def test_a_state_changing_request_without_the_csrf_token_is_refused(page, console):
    page.goto("/")
    refused = page.request.post(
        console.url + "/account/master-product-source",
        form={"master_product_source": "techoms"},
    )
    assert refused.status == 403
    assert "CSRF" in refused.text()
    token = page.locator("body").get_attribute("hx-headers")
    assert token and "X-CSRF-Token" in token


def test_every_answer_carries_a_content_security_policy_without_inline_script(page, console):
    answer = page.goto("/")
    policy = answer.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert page.locator("script:not([src])").count() == 0


def test_the_channels_page_lists_the_installed_plugins(page):
    page.goto("/")
    plugins = page.locator("#plugins")
    expect(plugins).to_contain_text("Leanafy")
    expect(plugins).to_contain_text("Import Products from Channel")
    expect(page.locator("#master-product-source")).to_have_value("techoms")
