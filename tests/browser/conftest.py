"""Browser tests: Debian's Chromium, headless, driven by Playwright against a real server process.

Playwright's sync API keeps its own event loop running in this thread while it is open, so it is
opened per module and these tests use no async fixture: the suite's autouse `empty_tables` (which
needs the session's asyncio loop and database) is replaced here by one that does nothing, since the
server process has its own database.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Playwright, sync_playwright

from tests.browser.server import DEMO_PASSWORD, DemoTown, Server, demo_town, running_server

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium's attempts to reach the (closed) network pile up.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NETWORK_CUT = ("net::ERR_INTERNET_DISCONNECTED", "net::ERR_CONNECTION_FAILED")
PHONE = {"width": 390, "height": 844}


@pytest.fixture(autouse=True)
def empty_tables() -> None:
    """The server under test has its own database; the suite's shared one is not touched."""


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: `make browser` installs it"
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def town(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoTown]:
    with demo_town(tmp_path_factory.mktemp("demo_town")) as town:
        yield town


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, town: DemoTown) -> Iterator[Server]:
    with running_server(tmp_path_factory.mktemp("server"), town) as server:
        yield server


class Problems:
    """Console errors, uncaught exceptions and CSP violations seen by a page."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def console(self, message: ConsoleMessage) -> None:
        # Requests failing while a test has cut the network are what that test is about.
        if message.type == "error" and not any(failure in message.text for failure in NETWORK_CUT):
            self.messages.append(f"console: {message.text}")

    def page_error(self, error: Exception) -> None:
        self.messages.append(f"page error: {error}")


@pytest.fixture
def context(browser: Browser, server: Server) -> Iterator[BrowserContext]:
    context = browser.new_context(
        base_url=server.base_url, viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def problems() -> Problems:
    return Problems()


@pytest.fixture
def page(context: BrowserContext, problems: Problems) -> Iterator[Page]:
    page = context.new_page()
    page.on("console", problems.console)
    page.on("pageerror", problems.page_error)
    # CSP violations are reported as console errors, and also as events we record here.
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e =>"
        " console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    yield page
    assert problems.messages == [], problems.messages


def log_in(page: Page, email: str) -> None:
    page.goto("/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Hello").wait_for()
