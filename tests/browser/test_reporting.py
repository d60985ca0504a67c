"""Shop staff report from the phone: with a photo, with hostile text, and with no signal at all."""

from __future__ import annotations

import hashlib
import time

from playwright.sync_api import BrowserContext, Dialog, Page, Route, expect

from tests.browser.conftest import log_in
from tests.browser.helpers import fill_report, jpeg, photo_hashes, wait_for_image, wait_for_service_worker
from tests.browser.server import MANAGER, STAFF, Server


def test_a_report_with_a_photo_is_sent_and_listed(page: Page, server: Server) -> None:
    photo = jpeg()
    description = "Took two bottles of gin, left towards the market"
    log_in(page, STAFF)
    fill_report(page, description, photo=photo)
    # Record what the upload's progress line says while it goes (the form is gone once it is sent).
    page.evaluate(
        """() => { const line = document.querySelector("form.report p[id^=upload]"); window.seen = [];
        new MutationObserver(() => window.seen.push(line.textContent))
          .observe(line, { childList: true }); }"""
    )
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_role("heading", name="Report sent")).to_be_visible()
    assert server.count_incidents(description) == 1
    assert page.evaluate("window.seen")[-1] == "Sending photos: 100%"

    page.get_by_role("link", name="Report another").wait_for()
    page.goto("/#/reports")
    item = page.locator("#recent-reports li", has_text=description)
    expect(item).to_contain_text("New")
    expect(item.locator("img")).to_have_count(1)
    item.get_by_role("link").click()
    expect(page.get_by_role("heading", name="Theft at Riverside Supermarket")).to_be_visible()
    expect(page.get_by_text("£24.99")).to_be_visible()
    image = page.get_by_role("img", name="Photo 1 of the incident")
    expect(image).to_be_visible()
    wait_for_image(page, image)

    # The original file went up untouched: it is the evidence.
    assert photo_hashes(server, "bottles of gin") == [hashlib.sha256(photo).hexdigest()]


def test_a_description_that_looks_like_html_shows_as_text(page: Page, server: Server) -> None:
    dialogs: list[Dialog] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog), dialog.dismiss()))
    hostile = "<img src=x onerror=alert(1)>"
    log_in(page, STAFF)
    fill_report(page, hostile)
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_role("heading", name="Report sent")).to_be_visible()
    page.get_by_role("link", name="See the report").click()
    expect(page.locator("p.description")).to_have_text(hostile)
    page.goto("/#/reports")
    expect(page.locator("#recent-reports").get_by_text(hostile)).to_be_visible()
    assert page.locator("img[src='x']").count() == 0
    assert dialogs == []
    assert server.count_incidents(hostile) == 1


def test_a_report_made_offline_waits_survives_a_reload_and_is_delivered_once(
    page: Page, server: Server
) -> None:
    description = "Stockroom, no signal: man took a crate of energy drinks"
    photo = jpeg((20, 120, 40))
    log_in(page, STAFF)
    wait_for_service_worker(page)

    page.context.set_offline(True)
    fill_report(page, description, photo=photo)
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_role("heading", name="Saved on this phone")).to_be_visible()

    page.reload()  # Closing and reopening the app with no signal.
    page.goto("/#/")
    waiting = page.locator(".outbox")
    expect(waiting.get_by_role("heading", name="Not sent yet (1)")).to_be_visible()
    expect(waiting.get_by_text(description)).to_be_visible()
    expect(waiting).to_contain_text("1 photo")
    expect(page.locator("#network")).to_contain_text("1 waiting to send")
    assert server.count_incidents(description) == 0

    page.context.set_offline(False)
    assert server.wait_for_incidents(description) == 1
    expect(waiting).to_be_hidden(timeout=15_000)
    assert server.count_incidents(description) == 1
    # The photo kept in IndexedDB across the reload went up byte for byte.
    assert photo_hashes(server, "energy drinks") == [hashlib.sha256(photo).hexdigest()]

    # Reopening the app sends nothing again.
    page.reload()
    expect(page.get_by_role("heading", name="Hello, Sam Staff")).to_be_visible()
    page.wait_for_timeout(500)
    assert server.count_incidents(description) == 1
    page.goto("/#/reports")
    expect(page.locator("#recent-reports").get_by_text(description)).to_have_count(1)


def test_a_report_whose_request_fails_is_kept_and_sent_on_the_next_start(page: Page, server: Server) -> None:
    description = "Signal dropped while sending: shoes taken from the display"
    log_in(page, STAFF)
    # The phone thinks it is online, but requests do not get through: not the page's, nor the
    # service worker's (its Background Sync would otherwise deliver the report at once).
    page.context.route("**/graphql", lambda route: route.abort("connectionfailed"))
    fill_report(page, description)
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_role("heading", name="Saved on this phone")).to_be_visible()
    assert server.count_incidents(description) == 0

    page.goto("/#/")
    expect(page.locator(".outbox")).to_contain_text(description)
    page.wait_for_timeout(1000)  # Time for a Background Sync attempt, which must fail too.
    assert server.count_incidents(description) == 0

    page.context.unroute_all(behavior="wait")  # Lets a handler that is running finish first.
    page.reload()  # Reopening the app sends what is waiting.
    expect(page.get_by_role("heading", name="Hello, Sam Staff")).to_be_visible()
    assert server.wait_for_incidents(description) == 1
    expect(page.locator(".outbox")).to_be_hidden(timeout=15_000)
    assert server.count_incidents(description) == 1


def test_background_sync_sends_a_waiting_report_with_the_app_closed(
    context: BrowserContext, page: Page, server: Server
) -> None:
    description = "Sent by the service worker after the app was closed"
    log_in(page, STAFF)
    wait_for_service_worker(page)
    context.set_offline(True)
    fill_report(page, description)
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_role("heading", name="Saved on this phone")).to_be_visible()
    page.close()  # No page of the app is open any more.

    context.set_offline(False)
    deadline = time.monotonic() + 20
    while server.count_incidents(description) == 0 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert server.count_incidents(description) == 1


def test_a_report_whose_answer_is_lost_is_sent_again_and_stored_once(page: Page, server: Server) -> None:
    description = "Answer lost on the way back: phone charger taken"
    log_in(page, STAFF)

    def deliver_then_drop(route: Route) -> None:
        if "reportIncident" in (route.request.post_data or ""):
            route.fetch()  # The server gets the report and stores it...
            route.abort("connectionfailed")  # ...but its answer never reaches the phone.
        else:
            route.continue_()

    page.context.route("**/graphql", deliver_then_drop)
    fill_report(page, description)
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_role("heading", name="Saved on this phone")).to_be_visible()
    assert server.count_incidents(description) == 1

    page.context.unroute_all(behavior="wait")  # Lets a handler that is running finish first.
    page.goto("/#/")
    page.reload()  # The phone sends it again; the server recognises its clientId.
    expect(page.get_by_role("heading", name="Hello, Sam Staff")).to_be_visible()
    assert server.wait_for_incidents(description) == 1
    expect(page.locator(".outbox")).to_be_hidden(timeout=15_000)
    assert server.count_incidents(description) == 1


def test_a_report_waits_for_its_own_reporter(context: BrowserContext, page: Page, server: Server) -> None:
    """On a phone a shop's staff share, a waiting report is not sent under a colleague's session."""
    description = "Waits for the colleague who reported it"
    log_in(page, STAFF)
    context.set_offline(True)
    fill_report(page, description)
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_role("heading", name="Saved on this phone")).to_be_visible()
    # The reporter's session ends before the signal returns; then a manager, who may report for
    # every shop, logs in on the same phone.
    context.clear_cookies()
    page.evaluate("localStorage.clear()")
    context.set_offline(False)
    log_in(page, MANAGER)
    expect(page.locator(".outbox")).to_contain_text(description)
    page.wait_for_timeout(1500)
    assert server.count_incidents(description) == 0

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    log_in(page, STAFF)
    assert server.wait_for_incidents(description) == 1
    expect(page.locator(".outbox")).to_be_hidden(timeout=15_000)
    assert server.count_incidents(description) == 1
