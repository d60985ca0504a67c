"""The reference a person reads out, on the reports list, the report's page and the alert's page,
and found by typing it in the search; acknowledging an alert with a note that the manager then
reads. Each checked against the server's rows, at 390 and 360 px."""

from __future__ import annotations

import email
import email.policy
import re
import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.conftest import PHONE, log_in
from tests.browser.helpers import bid_id, report
from tests.browser.server import MANAGER, PCSO, STAFF, Server
from tests.browser.test_finding import global_id, pk, shot

WIDTHS = [390, 360]


def reference_of(server: Server, description: str) -> str:
    [(reference,)] = server.rows("SELECT reference FROM incident WHERE description = ?", description)
    assert re.fullmatch(r"MH-\d{4}-\d{5}", str(reference)), reference
    return str(reference)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_reference_is_on_the_list_and_the_report_and_typing_it_finds_the_report(
    page: Page, server: Server, width: int
) -> None:
    page.set_viewport_size({"width": width, "height": PHONE["height"]})
    description = f"Perfume taken from the counter, seen at {width} px"
    incident = report(server, server.login(STAFF), description=description)
    reference = reference_of(server, description)

    log_in(page, STAFF)
    page.goto("/#/reports")
    card = page.locator("#recent-reports li", has_text=description)
    expect(card.locator(".incident-ref")).to_have_text(reference)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(page, "reports-with-references")

    # Typed as a person would read it off a phone, in lower case.
    page.get_by_label("Search").fill(reference.lower())
    page.get_by_role("button", name="Show reports").click()
    expect(page.locator("#recent-reports li")).to_have_count(1)
    expect(page.locator("#recent-reports li .incident-ref")).to_have_text(reference)
    shot(page, "reports-found-by-reference")

    page.locator("#recent-reports li a").click()
    expect(page.get_by_role("heading", name=re.compile("^Theft at"))).to_be_visible()
    expect(page.locator(".incident-ref-line")).to_have_text(f"Reference {reference}")
    assert pk(page.evaluate("location.hash").split("/")[-1]) == pk(incident["id"])
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(page, "incident-with-reference")

    # The shop's page lists its latest reports, each with its reference too.
    [(shop,)] = server.rows("SELECT shop_id FROM incident WHERE description = ?", description)
    page.goto(f"/#/shops/{global_id('Shop', int(shop))}")
    card = page.locator("#shop-incidents li", has_text=description)
    expect(card.locator(".incident-ref")).to_have_text(reference)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(page, "shop-incidents-with-references")


@pytest.mark.parametrize("width", WIDTHS)
def test_an_offenders_page_gives_each_incident_its_reference(page: Page, server: Server, width: int) -> None:
    page.set_viewport_size({"width": width, "height": PHONE["height"]})
    manager = server.login(MANAGER)
    query = "query($b: ID!) { offenders(bidId: $b, first: 1) { edges { node { id } } } }"
    [edge] = server.graphql(query, {"b": bid_id(server, manager)}, token=manager)["offenders"]["edges"]
    offender = edge["node"]["id"]
    description = f"Same person, razors again, seen at {width} px"
    report(server, server.login(STAFF), description=description, offenderIds=[offender])

    log_in(page, MANAGER)
    page.goto(f"/#/gallery/{offender}")
    card = page.locator("li", has_text=description)
    expect(card.locator(".incident-ref")).to_have_text(reference_of(server, description))
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    card.scroll_into_view_if_needed()
    shot(page, "offender-incidents-with-references")


def vehicle_alert(server: Server, token: str, registration: str) -> dict[str, str]:
    query = "{ alerts(first: 100) { edges { node { id rule vehicleRegistration } } } }"
    edges = server.graphql(query, token=token)["alerts"]["edges"]
    [alert] = [
        edge["node"]
        for edge in edges
        if edge["node"]["rule"] == "REPEAT_VEHICLE" and edge["node"]["vehicleRegistration"] == registration
    ]
    return dict(alert)


@pytest.fixture
def manager_page(browser: Browser, server: Server) -> Iterator[Page]:
    """A second phone, the manager's, beside the officer's."""
    context: BrowserContext = browser.new_context(
        base_url=server.base_url, viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_an_officer_acknowledges_with_a_note_and_the_manager_reads_it(
    page: Page, manager_page: Page, server: Server, width: int
) -> None:
    registration = f"RF{width}VAN"
    staff = server.login(STAFF)
    descriptions = [f"Van {registration} outside while beer was taken", f"Van {registration} back again"]
    for description in descriptions:
        report(server, staff, description=description, vehicleRegistration=registration)
    alert = vehicle_alert(server, server.login(PCSO), registration)
    alert_pk = pk(alert["id"])

    page.set_viewport_size({"width": width, "height": PHONE["height"]})
    log_in(page, PCSO)
    page.goto(f"/#/alerts/{alert['id']}")
    expect(page.get_by_role("heading", name="Vehicle seen again")).to_be_visible()
    # Each incident with its reference, as the server holds it.
    for description in descriptions:
        card = page.locator("li", has_text=description)
        expect(card.locator(".incident-ref")).to_have_text(reference_of(server, description))
    note = page.get_by_label("Note (optional)")
    expect(note).to_be_visible()
    shot(page, "alert-acknowledge-form")

    # Too long (a pasted message, past the field's own limit): the server's reason, in words.
    note.evaluate("(field, text) => { field.value = text; }", "x" * 501)
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_role("alert")).to_have_text("Keep the note to 500 characters.")
    expect(note).to_have_attribute("aria-invalid", "true")
    [(acknowledged_at,)] = server.rows("SELECT acknowledged_at FROM alert WHERE id = ?", alert_pk)
    assert acknowledged_at is None
    shot(page, "alert-note-too-long")

    note.fill("Patrol sent at 15:00; registration passed to roads policing.")
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.locator(".acknowledgement")).to_contain_text("by Priya PCSO")
    expect(page.locator(".acknowledgement-note")).to_have_text(
        "Note: Patrol sent at 15:00; registration passed to roads policing."
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(page, "alert-acknowledged-with-note")

    [(stored_note, by_email, at)] = server.rows(
        "SELECT alert.acknowledgement_note, user_account.email, alert.acknowledged_at FROM alert "
        "JOIN user_account ON user_account.id = alert.acknowledged_by_id WHERE alert.id = ?",
        alert_pk,
    )
    assert (stored_note, by_email) == ("Patrol sent at 15:00; registration passed to roads policing.", PCSO)
    assert at is not None

    manager_page.set_viewport_size({"width": width, "height": PHONE["height"]})
    log_in(manager_page, MANAGER)
    manager_page.goto(f"/#/alerts/{alert['id']}")
    expect(manager_page.locator(".acknowledgement")).to_contain_text("by Priya PCSO")
    expect(manager_page.locator(".acknowledgement-note")).to_contain_text("Patrol sent at 15:00")
    expect(manager_page.get_by_role("button", name="Acknowledge")).to_have_count(0)
    shot(manager_page, "alert-note-seen-by-manager")


@pytest.mark.parametrize("width", WIDTHS)
def test_an_alert_email_fits_a_phone_and_its_subject_a_notification(
    page: Page, server: Server, width: int
) -> None:
    registration = f"EM{width}VAN"
    staff = server.login(STAFF)
    for description in (f"Van {registration} waited outside", f"Van {registration} again"):
        report(server, staff, description=description, vehicleRegistration=registration)
    reference = reference_of(server, f"Van {registration} again")
    deadline = time.monotonic() + 20
    found = None
    while found is None and time.monotonic() < deadline:
        for path in server.mail_dir.glob("*.eml"):
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            html = message.get_body(("html",))
            if html is not None and reference in html.get_content():
                found = message
        time.sleep(0.2)
    assert found is not None, "no alert email names the incident"
    assert str(found["Subject"]) == "Vehicle seen again at Riverside Supermarket"
    page.set_viewport_size({"width": width, "height": PHONE["height"]})
    page.set_content(found.get_body(("html",)).get_content())
    expect(page.get_by_text(reference)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(page, "alert-email")
