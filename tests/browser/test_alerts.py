"""A PCSO reads an alert (rule, why, incidents) and acknowledges it; the email's link opens it."""

from __future__ import annotations

import email
import re
import time

from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in
from tests.browser.helpers import report
from tests.browser.server import PCSO, STAFF, Server

ALERTS = "{ alerts { edges { node { id rule acknowledgedAt summary } } } }"


def test_an_alert_is_shown_and_acknowledged(page: Page, server: Server) -> None:
    staff = server.login(STAFF)
    report(
        server, staff, description="Van waited outside while stock was taken", vehicleRegistration="MH26 VAN"
    )
    report(
        server, staff, description="Same van again, driver took cases of lager", vehicleRegistration="mh26van"
    )
    pcso = server.login(PCSO)
    [alert] = [e["node"] for e in server.graphql(ALERTS, token=pcso)["alerts"]["edges"]]
    assert alert["rule"] == "REPEAT_VEHICLE" and alert["acknowledgedAt"] is None

    log_in(page, PCSO)
    page.goto("/#/alerts")
    item = page.locator("#alerts li", has_text="Vehicle seen again")
    expect(item).to_contain_text(alert["summary"])
    expect(item).to_contain_text("New")
    item.get_by_role("link").click()

    expect(page.get_by_role("heading", name="Vehicle seen again")).to_be_visible()
    expect(page.locator(".alert-summary")).to_have_text(alert["summary"])
    expect(page.get_by_role("heading", name="Incidents (2)")).to_be_visible()
    expect(page.get_by_text("Same van again, driver took cases of lager")).to_be_visible()
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_text("Acknowledged", exact=False).first).to_be_visible()
    expect(page.get_by_text(re.compile(r"by Priya PCSO"))).to_be_visible()

    [after] = [e["node"] for e in server.graphql(ALERTS, token=pcso)["alerts"]["edges"]]
    assert after["acknowledgedAt"] is not None


def _alert_link(server: Server) -> str:
    """The app link in the alert email that the worker wrote (the server's worker sends mail)."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        for path in server.mail_dir.glob("*.eml"):
            message = email.message_from_bytes(path.read_bytes())
            body = next(
                part.get_payload(decode=True).decode()
                for part in message.walk()
                if part.get_content_type() == "text/plain"
            )
            found = re.search(r"https?://\S+#/alerts/\S+", body)
            if found:
                return found.group(0)
        time.sleep(0.2)
    raise AssertionError("no alert email was written")


def test_the_link_in_the_alert_email_opens_the_alert(page: Page, server: Server) -> None:
    link = _alert_link(server)
    assert link.startswith(server.base_url)
    log_in(page, PCSO)
    page.goto(link)
    expect(page.get_by_role("heading", name="Vehicle seen again")).to_be_visible()
    expect(page.get_by_text("by Priya PCSO")).to_be_visible()
