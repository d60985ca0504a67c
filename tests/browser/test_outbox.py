"""The phone keeps every report until the server has it: refused reports stay, marked with the
reason, until corrected and sent or deleted by hand; a Background Sync that fails tells the browser
so, and the retry delivers the report once."""

from __future__ import annotations

import hashlib
import re
import uuid
from datetime import UTC, datetime

from playwright.sync_api import BrowserContext, Page, Route, expect

from tests.browser.background_sync import BackgroundSync
from tests.browser.conftest import log_in
from tests.browser.helpers import fill_report, jpeg, photo_hashes, staff_shop_id, wait_for_service_worker
from tests.browser.server import PCSO, STAFF, Server

SYNC_TAG = "shopwatch-outbox"


def test_a_background_sync_that_cannot_reach_the_server_fails_and_its_retry_delivers_once(
    context: BrowserContext, page: Page, server: Server
) -> None:
    description = "Stockroom again: the signal came back but requests did not get through"
    log_in(page, STAFF)
    wait_for_service_worker(page)
    sync = BackgroundSync(page, server.base_url)
    context.set_offline(True)
    fill_report(page, description)
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_role("heading", name="Saved on this phone")).to_be_visible()
    page.goto("/#/")
    expect(page.locator(".outbox")).to_contain_text(description)

    # The signal returns, so the browser fires the sync, but the requests fail on the way.
    aborted: list[str] = []

    def cut(route: Route) -> None:
        aborted.append(route.request.url)
        route.abort("connectionfailed")

    context.route("**/graphql", cut)
    context.set_offline(False)
    outcome = sync.wait_for_outcome(SYNC_TAG)
    assert outcome["name"] == "sync event failed", outcome
    assert outcome["Failure Reason"] == "waitUntil rejected", outcome
    assert aborted
    assert server.count_incidents(description) == 0
    expect(page.locator("#sent")).to_be_empty()

    # The browser's retry (fired now rather than in minutes) delivers the report, and the open
    # page says so although the service worker sent it.
    context.unroute_all(behavior="wait")
    sync.fire(SYNC_TAG)
    assert server.wait_for_incidents(description) == 1
    expect(page.locator(".outbox")).to_be_hidden(timeout=15_000)
    expect(page.locator("#sent")).to_contain_text("1 report sent")
    # A further sync finds nothing left to send.
    sync.fire(SYNC_TAG)
    page.reload()
    expect(page.get_by_role("heading", name="Hello, Sam Staff")).to_be_visible()
    assert server.count_incidents(description) == 1


VALUE_REFUSED = "Value stolen: The value must be between £0 and £100,000."


def test_a_refused_report_is_kept_with_its_reason_then_corrected_and_delivered_once(
    page: Page, server: Server
) -> None:
    description = "Refused at first: the value was typed with too many noughts"
    photo = jpeg((90, 40, 160))
    log_in(page, STAFF)
    fill_report(page, description, photo=photo, value="150000")
    page.get_by_role("button", name="Send report").click()
    expect(page.locator(".form-status .refusal-reason")).to_have_text(f"Not sent. {VALUE_REFUSED}")
    value = page.get_by_label("Value stolen (£)")
    expect(value).to_be_focused()
    expect(value).to_have_accessible_description(re.compile(re.escape(VALUE_REFUSED)))
    assert server.count_incidents(description) == 0

    # Kept on the phone across closing the app, marked, with the reason in words; not sent again.
    page.goto("/#/")
    page.reload()
    card = page.locator(".outbox li", has_text=description)
    expect(card.locator(".badge")).to_have_text("Not accepted")
    expect(card.locator(".refusal-reason")).to_have_text(VALUE_REFUSED)
    expect(card).to_contain_text("1 photo")
    expect(page.locator("#network")).to_have_text("1 not accepted")
    assert server.count_incidents(description) == 0

    # The form reopens with what was stored, photo included, to be corrected.
    card.get_by_role("link", name="Correct it").click()
    expect(page.get_by_role("heading", name="Correct the report")).to_be_visible()
    expect(page.get_by_role("alert").first).to_contain_text(VALUE_REFUSED)
    expect(page.get_by_label("What happened", exact=True)).to_have_value(description)
    expect(page.get_by_label("Value stolen (£)")).to_have_value("150000.00")
    expect(page.get_by_role("img", name="Photo 1: shoplifter.jpg")).to_be_visible()
    page.get_by_label("Value stolen (£)").fill("150")
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_role("heading", name="Report sent")).to_be_visible()
    assert server.count_incidents(description) == 1
    assert photo_hashes(server, "too many noughts") == [hashlib.sha256(photo).hexdigest()]
    page.get_by_role("link", name="See the report").click()
    expect(page.get_by_text("£150.00")).to_be_visible()

    page.goto("/#/")
    page.reload()
    expect(page.get_by_role("heading", name="Hello, Sam Staff")).to_be_visible()
    expect(page.locator(".outbox")).to_be_hidden()
    expect(page.locator("#network")).to_have_text("")
    assert server.count_incidents(description) == 1


def test_a_report_refused_when_the_signal_returns_is_deleted_by_hand_only_once_confirmed(
    context: BrowserContext, page: Page, server: Server
) -> None:
    description = "Made offline and refused later: deleted by hand"
    log_in(page, STAFF)
    context.set_offline(True)
    fill_report(page, description, value="250000")
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_role("heading", name="Saved on this phone")).to_be_visible()
    page.goto("/#/")
    card = page.locator(".outbox li", has_text=description)
    expect(card.locator(".badge")).to_have_text("Waiting to send")

    context.set_offline(False)  # The phone sends it; the server refuses it.
    expect(card.locator(".refusal-reason")).to_have_text(VALUE_REFUSED)
    # The same report unchanged would be refused again: no "Try again", only correct or delete.
    expect(card.get_by_role("button", name="Try again")).to_have_count(0)

    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    card.get_by_role("button", name="Delete").click()
    expect(card.locator(".refusal-reason")).to_have_text(VALUE_REFUSED)
    assert asked == ["Delete this report from the phone? The server does not have it."]

    page.once("dialog", lambda dialog: dialog.accept())
    card.get_by_role("button", name="Delete").click()
    expect(page.locator(".outbox")).to_be_hidden()
    page.reload()
    expect(page.get_by_role("heading", name="Hello, Sam Staff")).to_be_visible()
    expect(page.locator(".outbox")).to_be_hidden()
    assert server.count_incidents(description) == 0


def test_a_refusal_that_may_pass_later_is_kept_and_tried_again(page: Page, server: Server) -> None:
    """The server's own PermissionDenied (as it answers someone who may not report at the shop)
    comes back for the first attempt; the report waits, marked, for "Try again"."""
    description = "Refused once while the shop's staff list was being changed"
    denied = server.graphql(
        "mutation($input: ReportIncidentInput!) { reportIncident(input: $input) { __typename "
        "... on PermissionDenied { message } } }",
        {
            "input": {
                "clientId": str(uuid.uuid4()),
                "shopId": staff_shop_id(server, server.login(STAFF)),
                "kind": "THEFT",
                "occurredAt": datetime.now(UTC).isoformat(),
                "description": "Police cannot report for a shop",
            }
        },
        token=server.login(PCSO),
    )
    assert denied["reportIncident"]["__typename"] == "PermissionDenied", denied
    refusals: list[str] = []

    def deny_once(route: Route) -> None:
        if "reportIncident" in (route.request.post_data or "") and not refusals:
            refusals.append(route.request.url)
            route.fulfill(json={"data": denied})
        else:
            route.continue_()

    log_in(page, STAFF)
    page.context.route("**/graphql", deny_once)
    fill_report(page, description)
    page.get_by_role("button", name="Send report").click()
    reason = denied["reportIncident"]["message"]
    expect(page.locator(".form-status .refusal-reason")).to_have_text(f"Not sent. {reason}")

    # Route handlers run only inside Playwright calls, not while the test polls the database.
    page.context.unroute_all(behavior="wait")
    page.goto("/#/")
    card = page.locator(".outbox li", has_text=description)
    expect(card.locator(".refusal-reason")).to_have_text(reason)
    card.get_by_role("button", name="Try again").click()
    assert server.wait_for_incidents(description) == 1
    expect(page.locator(".outbox")).to_be_hidden()
    page.reload()
    expect(page.get_by_role("heading", name="Hello, Sam Staff")).to_be_visible()
    assert server.count_incidents(description) == 1
    assert len(refusals) == 1
