"""Browser fixtures: the real console served on loopback, driven by Chromium.

One Chromium per test session (``browser``), one console server per test module
(``console``) on its own SQLite file, with the Leanafy sandbox of the module in
its environment. Each test gets a fresh, logged-in browser context (``page``)
that fails the test if the browser reports a console error or an uncaught
exception (a Content Security Policy violation is one).

Screenshots (``shot``) go to ``$TECHOMS_CONSOLE_SCREENSHOTS`` when set (``make
screenshots`` sets it to ``docs/console``), else to the test run's temp dir.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("starlette", reason="the console extra is not installed")
playwright_api = pytest.importorskip("playwright.sync_api")

from plugins.leanafy.sandbox.testing import sandbox, sandbox_server  # noqa: E402, F401
from plugins.registry import Registry  # noqa: E402
from techoms_core.console import ConsoleServer, ConsoleState  # noqa: E402
from techoms_core.console.background import BackgroundRuns  # noqa: E402
from techoms_core.store import SqliteHost  # noqa: E402

CHROMIUM = os.environ.get("TECHOMS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PASSWORD = "correct horse battery staple"
KEY_VARIABLE, SECRET_VARIABLE = "CONSOLE_TEST_LEANAFY_KEY", "CONSOLE_TEST_LEANAFY_SECRET"
#: How long a browser waits for an element or a navigation (ms).
WAIT_MS = 10_000


class Console:
    """A console served from a thread: its URL, state and host."""

    def __init__(self, db: Path, sandbox_server) -> None:  # noqa: F811
        self.host = SqliteHost(db)
        self.environ = {
            KEY_VARIABLE: sandbox_server.api_key,
            SECRET_VARIABLE: sandbox_server.api_secret,
        }
        self.state = ConsoleState(
            host=self.host,
            registry=Registry.discover(),
            environ=self.environ,
            password=PASSWORD,
        )
        self.state.runs = BackgroundRuns(self.state)
        self.server = ConsoleServer(self.state, host="127.0.0.1", port=0)
        self.url = self.server.url.rstrip("/")
        self.thread = threading.Thread(target=self.server.run, name="console", daemon=True)
        self.storage_state: dict | None = None

    def __enter__(self) -> Console:
        self.thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.server.stop()
        self.thread.join(15)
        self.host.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[playwright_api.Browser]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def console(tmp_path_factory, sandbox_server) -> Iterator[Console]:  # noqa: F811
    with Console(tmp_path_factory.mktemp("console") / "techoms.db", sandbox_server) as served:
        yield served


def log_in(page: playwright_api.Page, console: Console, password: str = PASSWORD) -> None:
    page.goto(console.url + "/")
    page.wait_for_url("**/login**")
    page.fill("#password", password)
    page.click("button[type=submit]")


@pytest.fixture
def page(browser, console: Console) -> Iterator[playwright_api.Page]:
    """A logged-in page; the test fails on any browser console error."""
    if console.storage_state is None:
        context = browser.new_context()
        first = context.new_page()
        log_in(first, console)
        first.wait_for_url(console.url + "/")
        console.storage_state = context.storage_state()
        context.close()
    context = browser.new_context(storage_state=console.storage_state, base_url=console.url)
    context.set_default_timeout(WAIT_MS)
    opened = context.new_page()
    errors = watch_errors(opened)
    yield opened
    context.close()
    assert errors == [], f"the browser reported errors: {errors}"


def watch_errors(page: playwright_api.Page) -> list[str]:
    """Collect console errors and uncaught exceptions of ``page``."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "response",
        lambda answer: (
            errors.append(f"{answer.status} from {answer.url}") if answer.status >= 400 else None
        ),
    )
    return errors


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory) -> Path:
    chosen = os.environ.get("TECHOMS_CONSOLE_SCREENSHOTS")
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def shot(page, screenshots: Path):
    """``shot("channels")`` writes the page as ``channels.png``."""

    def take(name: str) -> Path:
        path = screenshots / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def channel(console: Console, sandbox) -> Iterator[str]:  # noqa: F811
    """A Leanafy channel on the sandbox (secrets read from the console's
    environment); its name is unique in the module. It is kept after the test
    (a page still loading may ask for it), but is no longer the Master
    Product Source."""
    from techoms_core.context import ChannelConfig

    name = f"east-{next(_numbers)}"
    console.host.add_channel(
        ChannelConfig(
            name=name,
            plugin="leanafy",
            settings={
                "api_url": sandbox.url,
                "api_key": f"env:{KEY_VARIABLE}",
                "api_secret": f"env:{SECRET_VARIABLE}",
                "warehouse_id": sandbox.warehouse_ids[0],
            },
            warehouse=f"WH-{name}",
        )
    )
    yield name
    if console.host.master_product_source() == name:
        console.host.set_master_product_source("techoms")


_numbers = iter(range(1, 1_000_000))
