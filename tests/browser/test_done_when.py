"""Issue 13's "Done when", walked as its users would, on a phone and only through the app's screens:
a BID manager sets up a shop, invites its staff (who report three incidents there), adds a
shoplifter with a photo, links them to the three reports, sees the repeat-offender alert that
follows, issues an exclusion and closes the reports; an administrator sets up a new BID with its
police team, whose officer joins and sees it. The API and the database only check what each step
stored. With SHOPWATCH_SCREENSHOTS set to a folder, each step is photographed there."""

from __future__ import annotations

import os
import re
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import PHONE, Problems, log_in
from tests.browser.helpers import jpeg, mailed_link, open_menu, open_more_details, said
from tests.browser.server import ADMIN, MANAGER, Server

SHOP = "Quayside Pharmacy"
CLERK = "kit.counter@example.org"
SHOPLIFTER = "Tall man, orange rucksack"
THEFTS = (
    "Took three tubs of protein powder, left by the back door",
    "Orange rucksack again: razors from the front shelf",
    "Filled the rucksack with baby formula and ran",
)
CLOSING_NOTE = "Offender identified and excluded for a year"

BID = "Kingsbridge Quay"
TEAM = "Kingsbridge Neighbourhood Team"
OFFICER = "pc.rowe@police.example.org"


def shot(page: Page, name: str) -> None:
    """The screen as it is now, when screenshots are asked for."""
    folder = os.environ.get("SHOPWATCH_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def another_phone(browser: Browser, server: Server, problems: Problems) -> Page:
    """A second person's phone, its console errors counted with the test's own page's."""
    context = browser.new_context(
        base_url=server.base_url, viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.on("console", problems.console)
    page.on("pageerror", problems.page_error)
    return page


def add_shop(page: Page, name: str, address: str, postcode: str, where: tuple[float, float]) -> None:
    """From the BID's shops screen; the form to add one is the last (each shop has its own)."""
    page.get_by_label("Shop name").last.fill(name)
    page.get_by_label("Address").last.fill(address)
    page.get_by_label("Postcode").last.fill(postcode)
    page.get_by_label("Latitude").last.fill(str(where[0]))
    page.get_by_label("Longitude").last.fill(str(where[1]))
    page.get_by_role("button", name="Add shop").click()
    expect(said(page)).to_have_text(f"{name} added.")


def join(page: Page, server: Server, email: str, name: str) -> None:
    """Accepts the invitation emailed to `email`, from its link."""
    page.goto(mailed_link(server, email, "#/invite/"))
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Password").fill("a long new password")
    page.get_by_role("button", name="Join").click()
    expect(page.get_by_role("heading", name=f"Hello, {name}")).to_be_visible()


def open_report(page: Page, description: str) -> None:
    open_menu(page, "Reports")
    page.locator("#recent-reports li", has_text=description).get_by_role("link").click()
    expect(page.get_by_role("heading", name=f"Theft at {SHOP}")).to_be_visible()


INCIDENTS = """query($shop: ID!) { incidents(filter: {shopId: $shop}) { edges { node {
  id description status reporter { email } offenders { id } history { status note changedBy { email } }
} } } }"""
TEAMS = "{ neighbourhoodTeams { email } }"
OFFENDER = """query($id: ID!) { offender(id: $id) {
  displayName status photos { id } exclusions { reason inForce }
  alerts { edges { node { id rule incidents { id } emailedTo } } }
} }"""


def test_a_bid_manager_sets_up_a_shop_and_works_its_shoplifter_from_a_phone(
    browser: Browser, page: Page, server: Server, problems: Problems
) -> None:
    token = server.login(MANAGER)
    log_in(page, MANAGER)

    # A shop.
    open_menu(page, "Manage")
    expect(page.get_by_role("heading", name="Manage Market Harcombe Town Centre BID")).to_be_visible()
    page.get_by_role("link", name="Shops").click()
    add_shop(page, SHOP, "2 Quay Street, Market Harcombe", "MH1 2QS", (51.5001, -2.1002))
    shot(page, "manager-01-shop-added")
    [shop] = [
        s
        for s in server.graphql("{ bids { shops { id name } } }", token=token)["bids"][0]["shops"]
        if s["name"] == SHOP
    ]

    # Its staff, who join from the emailed link and report three thefts there.
    page.get_by_role("link", name="Market Harcombe").click()
    page.get_by_role("link", name="People").click()
    page.get_by_label("Email").fill(CLERK)
    page.get_by_label("Role").select_option(label="Shop staff")
    page.get_by_label("Shop").select_option(label=SHOP)
    page.get_by_role("button", name="Send invitation").click()
    expect(said(page)).to_contain_text(f"Invitation emailed to {CLERK}")
    shot(page, "manager-02-staff-invited")

    clerk = another_phone(browser, server, problems)
    join(clerk, server, CLERK, "Kit Counter")
    expect(clerk.get_by_text(SHOP)).to_be_visible()
    shot(clerk, "staff-01-joined")
    open_menu(clerk, "Report")
    expect(clerk.get_by_role("heading", name="Report an incident")).to_be_visible()
    for description in THEFTS:
        clerk.get_by_text("Theft", exact=True).click()
        clerk.get_by_label("What happened", exact=True).fill(description)
        open_more_details(clerk)
        clerk.get_by_label("Value stolen (£)").fill("38.50")
        clerk.get_by_role("button", name="Send report").click()
        expect(clerk.get_by_role("heading", name="Report sent")).to_be_visible()
        clerk.get_by_role("link", name="Report another").click()
    shot(clerk, "staff-02-reports-sent")
    clerk.context.close()
    reports = [
        e["node"] for e in server.graphql(INCIDENTS, {"shop": shop["id"]}, token=token)["incidents"]["edges"]
    ]
    assert sorted((r["description"], r["reporter"]["email"]) for r in reports) == sorted(
        (description, CLERK) for description in THEFTS
    )

    # The shoplifter, with a photo from the camera.
    open_menu(page, "Gallery")
    page.get_by_role("link", name="Add an offender").click()
    page.get_by_label("Name or description").fill(SHOPLIFTER)
    page.get_by_label("Description", exact=True).fill(
        "Over six foot, orange rucksack, works the health aisles"
    )
    page.get_by_label("Add photos").set_input_files(
        {"name": "cctv.jpg", "mimeType": "image/jpeg", "buffer": jpeg((230, 120, 20))}
    )
    page.get_by_role("button", name="Add to the gallery").click()
    expect(page.get_by_role("heading", name=SHOPLIFTER)).to_be_visible()
    shot(page, "manager-03-offender-added")
    offender = page.url.split("#/gallery/")[1]
    stored = server.graphql(OFFENDER, {"id": offender}, token=token)["offender"]
    assert (stored["displayName"], stored["status"], len(stored["photos"])) == (SHOPLIFTER, "ACTIVE", 1)

    # Linked to the three reports, from each report's page.
    for description in THEFTS:
        open_report(page, description)
        page.get_by_text("Link an offender").click()
        page.locator(".pick label", has_text=SHOPLIFTER).click()
        page.get_by_role("button", name="Link", exact=True).click()
        expect(said(page)).to_have_text("Offender linked.")
    shot(page, "manager-04-third-report-linked")
    reports = [
        e["node"] for e in server.graphql(INCIDENTS, {"shop": shop["id"]}, token=token)["incidents"]["edges"]
    ]
    assert [r["offenders"] for r in reports] == [[{"id": offender}]] * 3

    # The repeat-offender alert that follows, on the alerts screen, and emailed to the police team.
    alerts = server.graphql(OFFENDER, {"id": offender}, token=token)["offender"]["alerts"]["edges"]
    [alert] = [a["node"] for a in alerts if a["node"]["rule"] == "REPEAT_OFFENDER"]
    assert sorted(i["id"] for i in alert["incidents"]) == sorted(r["id"] for r in reports)
    police = sorted(t["email"] for t in server.graphql(TEAMS, token=token)["neighbourhoodTeams"])
    assert police and sorted(alert["emailedTo"]) == police
    for address in police:
        emailed = mailed_link(server, address, "#/alerts/", subject=f"Repeat offender at {SHOP}")
        assert emailed == f"{server.base_url}/#/alerts/{alert['id']}"
    open_menu(page, "Alerts")
    page.locator("#alerts").get_by_role("link", name=f"Repeat offender: {SHOPLIFTER}").click()
    expect(page.get_by_role("heading", name="Repeat offender")).to_be_visible()
    expect(page.get_by_role("heading", name="Incidents (3)")).to_be_visible()
    expect(page.locator(".facts")).to_contain_text(police[0])
    shot(page, "manager-05-alert")

    # An exclusion, on the record the alert leads to.
    page.get_by_role("link", name=f"See {SHOPLIFTER} in the gallery").click()
    page.get_by_text("Issue an exclusion").click()
    page.get_by_label("Reason").fill("Three thefts at Quayside Pharmacy in a week")
    page.get_by_role("button", name="Issue the exclusion").click()
    expect(page.locator(".offender-page > .badge-excluded")).to_contain_text("Excluded until")
    shot(page, "manager-06-excluded")
    stored = server.graphql(OFFENDER, {"id": offender}, token=token)["offender"]
    assert stored["status"] == "EXCLUDED"
    assert [(x["reason"], x["inForce"]) for x in stored["exclusions"]] == [
        ("Three thefts at Quayside Pharmacy in a week", True)
    ]

    # The three reports closed, each with a note its history shows.
    for description in THEFTS:
        open_report(page, description)
        page.get_by_text("Change the status").click()
        page.get_by_label("New status").select_option(label="Closed")
        page.get_by_label("Note", exact=True).fill(CLOSING_NOTE)
        page.get_by_role("button", name="Save the status").click()
        expect(said(page)).to_have_text("Status changed.")
        expect(page.locator(".history li").last).to_contain_text("Closed")
        expect(page.locator(".history li").last).to_contain_text(CLOSING_NOTE)
    shot(page, "manager-07-report-closed")
    open_menu(page, "Reports")
    for description in THEFTS:
        expect(page.locator("#recent-reports li", has_text=description)).to_contain_text("Closed")
    shot(page, "manager-08-reports-closed")
    reports = [
        e["node"] for e in server.graphql(INCIDENTS, {"shop": shop["id"]}, token=token)["incidents"]["edges"]
    ]
    for stored_report in reports:
        assert stored_report["status"] == "CLOSED"
        assert [(c["status"], c["note"], c["changedBy"]["email"]) for c in stored_report["history"]] == [
            ("CLOSED", CLOSING_NOTE, MANAGER)
        ]


def test_an_administrator_sets_up_a_new_bid_with_its_police_team(
    browser: Browser, page: Page, server: Server, problems: Problems
) -> None:
    log_in(page, ADMIN)

    open_menu(page, "BIDs")
    page.get_by_label("Name", exact=True).fill(BID)
    page.get_by_role("button", name="Create BID").click()
    expect(said(page)).to_contain_text(f"{BID} created.")
    shot(page, "admin-01-bid-created")

    page.get_by_role("link", name=f"Manage {BID}").click()
    expect(page.get_by_role("heading", name=f"Manage {BID}")).to_be_visible()
    page.get_by_role("link", name="Shops").click()
    expect(page.get_by_role("heading", name=f"Shops of {BID}")).to_be_visible()
    add_shop(page, "Quay Chandlery", "1 The Quay, Kingsbridge", "TQ7 1AA", (50.2830, -3.7770))
    shot(page, "admin-02-shop-added")

    open_menu(page, "Teams")
    page.get_by_label("Team name").last.fill(TEAM)
    page.get_by_label("Email address").last.fill("kingsbridge.npt@police.example.org")
    page.locator("form").last.get_by_label(BID).check()
    page.get_by_role("button", name="Add team").click()
    expect(said(page)).to_contain_text(f"{TEAM} added.")
    shot(page, "admin-03-team-added")

    open_menu(page, "People")
    page.get_by_label("Email", exact=True).fill(OFFICER)
    page.get_by_label("Role").select_option(label="Police")
    page.get_by_label("BID", exact=True).select_option(label=BID)
    page.get_by_label("Police team").select_option(label=TEAM)
    page.get_by_role("button", name="Send invitation").click()
    expect(said(page)).to_contain_text(f"Invitation emailed to {OFFICER}")
    shot(page, "admin-04-officer-invited")

    token = server.login(ADMIN)
    bids = server.graphql("{ bids { name shops { name } teams { name email } } }", token=token)["bids"]
    [new] = [b for b in bids if b["name"] == BID]
    assert new["shops"] == [{"name": "Quay Chandlery"}]
    assert new["teams"] == [{"name": TEAM, "email": "kingsbridge.npt@police.example.org"}]

    officer = another_phone(browser, server, problems)
    join(officer, server, OFFICER, "PC Rowe")
    open_menu(officer, "Dashboard")
    expect(officer.get_by_role("heading", name=re.compile(f"^{BID}: "))).to_be_visible()
    shot(officer, "officer-01-dashboard")
    officer.context.close()
    login = server.graphql(
        "mutation($e: String!, $p: String!) "
        "{ login(email: $e, password: $p) { ... on LoginSuccess { token } } }",
        {"e": OFFICER, "p": "a long new password"},
    )["login"]
    seen = server.graphql("{ me { memberships { role team { name } } } bids { name } }", token=login["token"])
    assert seen["bids"] == [{"name": BID}]
    assert seen["me"]["memberships"] == [{"role": "POLICE", "team": {"name": TEAM}}]
