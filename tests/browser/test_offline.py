"""Offline you can trust: queued reports that go are counted aloud ("2 reports sent"; those the
service worker's Background Sync sends, in test_outbox.py); a screen that failed for want of
signal draws itself again when the signal returns, and never shows the browser's own error; shop
staff read the gallery and the reports they opened last with no signal, marked with when they were
saved; and logging out leaves nothing of them behind.

With SHOPWATCH_SCREENSHOTS set to a folder, the offline screens are photographed there."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, Route, expect

from tests.browser.conftest import Problems, log_in
from tests.browser.helpers import (
    fill_report,
    jpeg,
    report,
    wait_for_image,
    wait_for_service_worker,
    wait_until,
)
from tests.browser.server import DEMO_PASSWORD, MANAGER, STAFF, Server
from tests.browser.test_accessibility import MIN_TAP, SMALL_TARGETS, UNLABELLED

PARK_MANAGER = "park.manager@example.org"

SYNC_TAG = "shopwatch-outbox"
SAVED_MARK = re.compile(r"^Saved on this phone at \d\d:\d\d, no signal$")
RAW_ERRORS = ("Failed to fetch", "NetworkError", "TypeError", "net::")

# Whether a page has been kept on the phone, read from IndexedDB as the app stores it.
IS_SAVED = """async (key) => {
  if (!(await indexedDB.databases()).some((d) => d.name === "shopwatch-saved")) return false;
  return await new Promise((resolve) => {
    const open = indexedDB.open("shopwatch-saved");
    open.onerror = () => resolve(false);
    open.onsuccess = () => {
      const db = open.result;
      if (!db.objectStoreNames.contains("pages")) { db.close(); resolve(false); return; }
      const tx = db.transaction(["pages", "files"]);
      const get = tx.objectStore("pages").get(key);
      get.onsuccess = () => {
        const page = get.result;
        if (!page) { db.close(); resolve(false); return; }
        const files = tx.objectStore("files").count();
        files.onsuccess = () => { db.close(); resolve(files.result >= page.urls.length); };
      };
    };
  });
}"""

# Everything the app keeps in the browser's storage, as a page of the app sees it.
STORED = """async () => ({
  databases: (await indexedDB.databases()).map((d) => d.name),
  caches: await caches.keys(),
  local: Object.keys(localStorage),
})"""


# Whether the browser's HTTP cache holds a URL (answered without asking the server).
IN_HTTP_CACHE = """async (url) => {
  try {
    return (await fetch(url, { cache: "only-if-cached", mode: "same-origin" })).ok;
  } catch {
    return false;
  }
}"""


def shot(page: Page, name: str) -> None:
    folder = os.environ.get("SHOPWATCH_SCREENSHOTS")
    if folder:
        width = page.viewport_size["width"] if page.viewport_size else 0
        page.screenshot(path=str(Path(folder) / f"{name}-{width}.png"), full_page=True)


def no_raw_error(page: Page) -> None:
    """The screen says what is wrong in words, and stays labelled, thumb-sized and one column wide."""
    text = page.locator("main").inner_text()
    for raw in RAW_ERRORS:
        assert raw not in text, text
    assert page.evaluate(UNLABELLED) == []
    assert page.evaluate(SMALL_TARGETS, MIN_TAP) == []
    width = page.viewport_size["width"] if page.viewport_size else 0
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def queue_offline(page: Page, description: str) -> None:
    page.goto("/#/")  # From elsewhere, so the report form opens afresh.
    fill_report(page, description)
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_role("heading", name="Saved on this phone")).to_be_visible()


def test_queued_reports_that_go_when_the_signal_returns_are_counted(
    context: BrowserContext, page: Page, server: Server
) -> None:
    first, second = "Queued in the stockroom: two bottles of gin", "Queued in the stockroom: a box of razors"
    log_in(page, STAFF)
    wait_for_service_worker(page)
    context.set_offline(True)
    queue_offline(page, first)
    queue_offline(page, second)
    page.goto("/#/")
    expect(page.locator("#network")).to_have_text("Offline · 2 waiting to send")
    expect(page.locator("#sent")).to_be_empty()

    context.set_offline(False)
    expect(page.locator("#sent")).to_contain_text("2 reports sent")
    assert server.wait_for_incidents(first) == 1
    assert server.wait_for_incidents(second) == 1
    expect(page.locator(".outbox")).to_be_hidden()
    shot(page, "sent")
    page.set_viewport_size({"width": 360, "height": 780})
    expect(page.locator("#sent").get_by_role("button", name="Close")).to_be_in_viewport()
    shot(page, "sent")
    page.locator("#sent").get_by_role("link", name="See them").click()
    expect(page.locator("#recent-reports")).to_contain_text(first)
    page.locator("#sent").get_by_role("button", name="Close").click()
    expect(page.locator("#sent")).to_be_empty()


def test_screens_that_failed_for_want_of_signal_recover_by_themselves(
    context: BrowserContext, page: Page, server: Server, problems: Problems
) -> None:
    log_in(page, MANAGER)  # A manager keeps nothing on the phone: the screens say so in words.
    context.set_offline(True)
    page.goto("/#/reports")
    expect(page.get_by_text("No signal, so the sent reports cannot be loaded.")).to_be_visible()
    no_raw_error(page)
    context.set_offline(False)
    expect(page.locator("#recent-reports li").first).to_be_visible()
    expect(page.get_by_text("No signal, so the sent reports cannot be loaded.")).to_have_count(0)

    for path, heading in (("/#/gallery", "Offender gallery"), ("/#/alerts", "Alerts")):
        context.set_offline(True)
        page.goto(path)
        expect(page.get_by_role("heading", name="No signal")).to_be_visible()
        expect(page.get_by_role("status").filter(has_text="cannot be loaded without signal")).to_be_visible()
        no_raw_error(page)
        shot(page, f"no-signal-{heading.split()[-1].lower()}")
        context.set_offline(False)
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        no_raw_error(page)

    # The dashboard keeps the period asked for, and its figures come when the signal returns.
    page.goto("/#/dashboard")
    expect(page.locator(".results svg").first).to_be_visible()
    context.set_offline(True)
    page.get_by_label("Period", exact=True).select_option(label="Last 7 days")
    expect(page.locator(".results")).to_contain_text("No signal: Shopwatch cannot reach its server.")
    no_raw_error(page)
    context.set_offline(False)
    expect(page.locator(".results svg").first).to_be_visible()
    expect(page.get_by_label("Period", exact=True)).to_have_value("7")

    # An incident's page too, and the server being down is said in its own words.
    incident = report(server, server.login(STAFF), description="Opened while the server was down")
    page.route("**/graphql", lambda route: route.fulfill(status=503, body="down"))
    page.goto(f"/#/incidents/{incident['id']}")
    expect(page.get_by_role("heading", name="Shopwatch cannot be reached")).to_be_visible()
    no_raw_error(page)
    page.unroute_all(behavior="wait")
    # The browser logs the answers the server gave while down; those are what this part is about.
    problems.messages[:] = [m for m in problems.messages if "status of 503" not in m]
    page.get_by_role("button", name="Try again").click()
    expect(page.get_by_text("Opened while the server was down")).to_be_visible()


@pytest.mark.parametrize("width", [390, 360])
def test_the_gallery_and_an_opened_incident_are_readable_with_no_signal(
    context: BrowserContext, page: Page, server: Server, width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 844})
    description = f"Read later in the stockroom ({width} px)"
    log_in(page, STAFF)
    wait_for_service_worker(page)
    incident = report(server, server.login(STAFF), description=description)
    page.goto(f"/#/incidents/{incident['id']}")
    expect(page.get_by_text(description)).to_be_visible()
    page.get_by_label("Add photos").set_input_files(
        {"name": "till.jpg", "mimeType": "image/jpeg", "buffer": jpeg((30, 120, 60))}
    )
    expect(page.get_by_role("img", name="Photo 1 of the incident")).to_be_visible()
    wait_until(page, IS_SAVED, f"incident:{incident['id']}")
    page.goto("/#/gallery")
    expect(page.locator(".gallery li").first).to_be_visible()
    names = page.locator(".gallery .card-title").all_inner_texts()
    excluded = page.locator(".gallery .badge-excluded").all_inner_texts()
    assert names and excluded
    wait_until(page, IS_SAVED, "gallery")

    # No signal at all: the app is opened again from its icon.
    context.set_offline(True)
    page.goto("/#/")
    page.reload()
    expect(page.get_by_role("heading", name="Hello, Sam Staff")).to_be_visible()
    page.goto("/#/gallery")
    mark = page.locator(".notice-saved strong")
    expect(mark).to_have_text(SAVED_MARK)
    assert page.locator(".gallery .card-title").all_inner_texts() == names
    assert page.locator(".gallery .badge-excluded").all_inner_texts() == excluded
    expect(page.locator(".gallery .card-text").first).not_to_be_empty()
    thumbnails = page.locator(".gallery img.thumb")
    assert thumbnails.count() > 0
    for index in range(thumbnails.count()):
        assert (thumbnails.nth(index).get_attribute("src") or "").startswith("blob:")
        wait_for_image(page, thumbnails.nth(index))
    no_raw_error(page)
    shot(page, "offline-gallery")

    # A card opens what the gallery kept of that person.
    excluded_card = page.locator(".gallery li", has=page.locator(".badge-excluded")).first
    name = excluded_card.locator(".card-title").inner_text()
    excluded_card.get_by_role("link").click()
    expect(page.get_by_role("heading", name=name)).to_be_visible()
    expect(page.locator(".notice-saved strong")).to_have_text(SAVED_MARK)
    expect(page.locator(".badge-excluded")).to_have_text(excluded[0])
    wait_for_image(page, page.get_by_role("img", name=f"Photo of {name}"))
    no_raw_error(page)
    shot(page, "offline-offender")

    page.goto("/#/reports")
    saved = page.locator("#saved-reports li", has_text=description)
    expect(saved).to_be_visible()
    shot(page, "offline-reports")
    saved.get_by_role("link").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Theft at "))).to_be_visible()
    expect(page.locator(".notice-saved strong")).to_have_text(SAVED_MARK)
    expect(page.get_by_text(description)).to_be_visible()
    wait_for_image(page, page.get_by_role("img", name="Photo 1 of the incident"))
    # Read-only: nothing offered that needs the server.
    expect(page.get_by_label("Add photos")).to_have_count(0)
    expect(page.get_by_text("Add a police reference")).to_have_count(0)
    no_raw_error(page)
    shot(page, "offline-incident")

    # The signal returns: the screen is drawn again from the server, without the mark.
    context.set_offline(False)
    expect(page.locator(".notice-saved")).to_have_count(0)
    expect(page.get_by_label("Add photos")).to_be_visible()


def test_logging_out_removes_what_was_kept_and_so_does_another_login(
    context: BrowserContext, page: Page, server: Server, problems: Problems
) -> None:
    incident = report(server, server.login(STAFF), description="Kept on the phone, then logged out")
    log_in(page, STAFF)
    page.goto("/#/gallery")
    wait_until(page, IS_SAVED, "gallery")
    thumbnail = page.locator(".gallery img.thumb").first.get_attribute("src")
    assert page.evaluate(IN_HTTP_CACHE, thumbnail)
    page.goto(f"/#/incidents/{incident['id']}")
    wait_until(page, IS_SAVED, f"incident:{incident['id']}")
    assert "shopwatch-saved" in page.evaluate(STORED)["databases"]

    page.goto("/#/")
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    wait_until(page, "async () => !(await indexedDB.databases()).some((d) => d.name === 'shopwatch-saved')")
    stored = page.evaluate(STORED)
    # The shell stays (the app still opens with no signal); nothing of the user does.
    assert stored["caches"] and all(name.startswith("shopwatch-shell-") for name in stored["caches"]), stored
    assert stored["local"] == [], stored
    assert not page.evaluate(IN_HTTP_CACHE, thumbnail)  # The browser's own cache too.
    problems.messages[:] = [m for m in problems.messages if "ERR_CACHE_MISS" not in m]  # That very miss.

    # Offline, the next person finds none of it.
    context.set_offline(True)
    page.goto("/#/gallery")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    context.set_offline(False)

    # The session ends without logging out (here: the cookie is gone), and someone else logs in.
    log_in(page, STAFF)
    page.goto("/#/gallery")
    wait_until(page, IS_SAVED, "gallery")
    context.clear_cookies()
    page.reload()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    page.get_by_label("Email").fill(MANAGER)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    # A manager keeps nothing: an offline gallery says so instead of showing anyone's copy.
    expect(page.get_by_role("heading", name="Offender gallery")).to_be_visible()
    wait_until(page, "async () => !(await indexedDB.databases()).some((d) => d.name === 'shopwatch-saved')")
    context.set_offline(True)
    page.reload()
    page.goto("/#/gallery")
    expect(page.get_by_role("heading", name="No signal")).to_be_visible()
    assert "shopwatch-saved" not in page.evaluate(STORED)["databases"]


def test_a_logout_with_no_signal_forgets_at_once_and_ends_the_session_when_the_signal_returns(
    context: BrowserContext, page: Page, server: Server
) -> None:
    log_in(page, STAFF)
    page.goto("/#/gallery")
    wait_until(page, IS_SAVED, "gallery")
    [token] = [c["value"] for c in context.cookies() if c["name"] == "shopwatch_session"]
    page.goto("/#/")

    context.set_offline(True)
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    wait_until(page, "async () => !(await indexedDB.databases()).some((d) => d.name === 'shopwatch-saved')")
    page.goto("/#/gallery")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    # Until the signal returns the server still has the session; the phone lets nobody in with it.
    assert server.graphql("{ me { id } }", token=token)["me"] is not None
    page.reload()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()

    context.set_offline(False)
    wait_until(page, "() => localStorage.length === 0")
    assert server.graphql("{ me { id } }", token=token)["me"] is None
    page.reload()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()


def test_reports_sent_while_the_app_was_closed_are_counted_when_it_opens(
    context: BrowserContext, page: Page, server: Server
) -> None:
    description = "Sent with the app closed: a crate of energy drinks"
    log_in(page, STAFF)
    wait_for_service_worker(page)
    context.set_offline(True)
    queue_offline(page, description)
    page.close()  # The worker puts the phone away; the signal returns later.

    context.set_offline(False)
    assert server.wait_for_incidents(description, timeout=30) == 1
    again = context.new_page()
    again.goto("/#/")
    expect(again.locator("#sent")).to_contain_text("1 report sent while the app was closed")
    again.reload()  # Said once.
    expect(again.get_by_role("heading", name="Hello, Sam Staff")).to_be_visible()
    expect(again.locator("#sent")).to_be_empty()


def test_the_phone_keeps_the_last_20_incidents_opened(
    context: BrowserContext, page: Page, server: Server
) -> None:
    token = server.login(STAFF)
    opened = [report(server, token, description=f"Opened in turn, number {n}")["id"] for n in range(21)]
    log_in(page, STAFF)
    wait_for_service_worker(page)
    for number, incident_id in enumerate(opened):
        page.goto(f"/#/incidents/{incident_id}")
        expect(page.get_by_text(f"Opened in turn, number {number}", exact=True)).to_be_visible()
        wait_until(page, IS_SAVED, f"incident:{incident_id}")

    context.set_offline(True)
    page.goto("/#/reports")
    saved = page.locator("#saved-reports li")
    expect(saved).to_have_count(20)
    expect(saved.first).to_contain_text("Opened in turn, number 20")
    expect(saved.last).to_contain_text("Opened in turn, number 1")
    expect(page.locator(".notice-saved")).to_contain_text(
        "Below are the 20 reports opened last on this phone"
    )
    # The first one opened is no longer on the phone: its page says so in words.
    page.goto(f"/#/incidents/{opened[0]}")
    expect(page.get_by_role("heading", name="No signal")).to_be_visible()
    no_raw_error(page)


def test_an_incident_the_server_no_longer_shows_is_no_longer_kept(
    context: BrowserContext, page: Page, server: Server
) -> None:
    description = "Kept, then no longer shown to this worker"
    incident = report(server, server.login(STAFF), description=description)
    log_in(page, STAFF)
    page.goto(f"/#/incidents/{incident['id']}")
    expect(page.get_by_text(description)).to_be_visible()
    wait_until(page, IS_SAVED, f"incident:{incident['id']}")

    # The server's own answer to someone who may not see it, as it would answer this worker had
    # the report left their sight (another BID's manager here).
    hidden = server.graphql(
        "query($id: ID!) { incident(id: $id) { id } }",
        {"id": incident["id"]},
        token=server.login(PARK_MANAGER),
    )
    assert hidden == {"incident": None}

    def not_shown(route: Route) -> None:
        if "query Incident(" in (route.request.post_data or ""):
            route.fulfill(json={"data": hidden})
        else:
            route.continue_()

    page.route("**/graphql", not_shown)
    page.goto("/#/")
    page.goto(f"/#/incidents/{incident['id']}")
    expect(page.get_by_role("heading", name="Report not found")).to_be_visible()
    wait_until(page, f"async () => !(await ({IS_SAVED})('incident:{incident['id']}'))")
    page.unroute_all(behavior="wait")

    context.set_offline(True)
    page.goto("/#/")
    page.goto(f"/#/incidents/{incident['id']}")
    expect(page.get_by_role("heading", name="No signal")).to_be_visible()
