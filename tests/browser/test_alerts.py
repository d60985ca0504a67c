"""A PCSO reads an alert (rule, why, incidents) and acknowledges it; the email's link opens it."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in
from tests.browser.helpers import mailed_link, report
from tests.browser.server import PCSO, STAFF, Server

ALERTS = "{ alerts { edges { node { id rule acknowledgedAt summary vehicleRegistration } } } }"


def vehicle_alerts(server: Server, token: str) -> list[dict[str, object]]:
    """The REPEAT_VEHICLE alerts about this test's van; the demo's history raised others (its own
    van's, a hotspot...)."""
    edges = server.graphql(ALERTS, token=token)["alerts"]["edges"]
    return [
        edge["node"]
        for edge in edges
        if edge["node"]["rule"] == "REPEAT_VEHICLE" and edge["node"]["vehicleRegistration"] == "MH26VAN"
    ]


def test_an_alert_is_shown_and_acknowledged(page: Page, server: Server) -> None:
    staff = server.login(STAFF)
    report(
        server, staff, description="Van waited outside while stock was taken", vehicleRegistration="MH26 VAN"
    )
    report(
        server, staff, description="Same van again, driver took cases of lager", vehicleRegistration="mh26van"
    )
    pcso = server.login(PCSO)
    [alert] = vehicle_alerts(server, pcso)
    assert alert["acknowledgedAt"] is None

    log_in(page, PCSO)
    page.goto("/#/alerts")
    item = page.locator("#alerts li", has=page.locator(f'a[href="#/alerts/{alert["id"]}"]'))
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

    [after] = vehicle_alerts(server, pcso)
    assert after["acknowledgedAt"] is not None


def test_the_link_in_the_alert_email_opens_the_alert(page: Page, server: Server) -> None:
    link = mailed_link(server, "harcombe.npt@example.org", "#/alerts/", subject="Vehicle seen again")
    assert link.startswith(server.base_url)
    log_in(page, PCSO)
    page.goto(link)
    expect(page.get_by_role("heading", name="Vehicle seen again")).to_be_visible()
    expect(page.get_by_text("by Priya PCSO")).to_be_visible()
