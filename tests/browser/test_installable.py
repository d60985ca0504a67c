"""Installability: the manifest, the icons, the service worker controlling the page, the shell offline."""

from __future__ import annotations

import io
import os
import re
import time
from pathlib import Path

from PIL import Image
from playwright.sync_api import Page, expect

from shopwatch.core import db
from shopwatch.frontend import CONTENT_SECURITY_POLICY
from tests.browser.conftest import log_in
from tests.browser.helpers import wait_for_service_worker
from tests.browser.server import ADMIN, STAFF, Server

SW = Path(__file__).resolve().parents[2] / "frontend" / "sw.js"


def test_the_manifest_has_what_installing_needs(page: Page) -> None:
    page.goto("/")
    href = page.locator("link[rel=manifest]").get_attribute("href")
    manifest = page.request.get(href).json()
    assert manifest["name"] and manifest["short_name"] == "Shopwatch"
    assert manifest["display"] == "standalone"
    assert manifest["start_url"].startswith("/")
    assert re.fullmatch(r"#[0-9a-f]{6}", manifest["theme_color"])
    sizes = {}
    for icon in manifest["icons"]:
        response = page.request.get(icon["src"])
        assert response.ok and response.headers["content-type"] == "image/png"
        width, height = Image.open(io.BytesIO(response.body())).size
        assert icon["sizes"] == f"{width}x{height}"
        sizes.setdefault(icon["sizes"], set()).add(icon.get("purpose", "any"))
    assert "any" in sizes["192x192"]
    assert {"any", "maskable"} <= sizes["512x512"]


def test_pages_carry_the_csp_and_work_under_it(page: Page) -> None:
    response = page.goto("/")
    assert response is not None
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    # The app ran (its module scripts are allowed); the page fixture fails on any CSP violation.
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()


def test_the_service_worker_controls_the_page_and_serves_the_shell_offline(page: Page) -> None:
    log_in(page, STAFF)
    wait_for_service_worker(page)
    version = re.search(r'const VERSION = "(\w+)"', SW.read_text()).group(1)
    assert page.evaluate("caches.keys()") == [f"shopwatch-shell-{version}"]

    page.context.set_offline(True)
    page.reload()
    expect(page.get_by_role("heading", name="Hello, Sam Staff")).to_be_visible()
    expect(page.locator("#network")).to_contain_text("Offline")
    page.goto("/#/report")
    expect(page.get_by_role("heading", name="Report an incident")).to_be_visible()
    page.context.set_offline(False)


def test_installing_removes_the_caches_of_older_versions(page: Page) -> None:
    # A page of the origin that does not start the app, to leave a cache as an older release would.
    page.goto("/healthz")
    page.evaluate("caches.open('shopwatch-shell-0ld0ld0ld0ld').then(c => c.put('/x', new Response('old')))")
    assert page.evaluate("caches.keys()") == ["shopwatch-shell-0ld0ld0ld0ld"]
    log_in(page, STAFF)
    wait_for_service_worker(page)
    version = re.search(r'const VERSION = "(\w+)"', SW.read_text()).group(1)
    deadline = time.monotonic() + 10
    while page.evaluate("caches.keys()") != [f"shopwatch-shell-{version}"] and time.monotonic() < deadline:
        time.sleep(0.1)
    assert page.evaluate("caches.keys()") == [f"shopwatch-shell-{version}"]


def test_the_server_runs_on_the_database_the_suite_runs_on(server: Server) -> None:
    on_postgres = db.is_postgres(os.environ.get("SHOPWATCH_TEST_DATABASE_URL", ""))
    assert db.is_postgres(server.database_url) is on_postgres
    through_the_api = server.graphql("{ bids { id } }", token=server.login(ADMIN))["bids"]
    assert server.rows("SELECT count(*) FROM bid") == [(len(through_the_api),)]
