"""The managers' and administrators' screens, each workflow done in the browser by the role that
does it and checked against the server (its API or its database)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import log_in
from tests.browser.helpers import bid_id, mailed_link, open_manage, open_menu, said
from tests.browser.server import ADMIN, MANAGER, PCSO, STAFF, Server

NOT_YOURS = re.compile("not yours to manage|for administrators")
NEWCOMER = "nia.newcomer@example.org"
RULES = "query($b: ID!) { alertRules(bidId: $b) { rule enabled threshold windowDays } }"


def audit_actions(server: Server) -> list[str]:
    return [action for (action,) in server.rows("SELECT action FROM audit_entry ORDER BY id")]


def rules(server: Server, token: str, bid: str) -> dict[str, tuple[bool, int, int]]:
    found: list[dict[str, Any]] = server.graphql(RULES, {"b": bid}, token=token)["alertRules"]
    return {r["rule"]: (r["enabled"], r["threshold"], r["windowDays"]) for r in found}


def test_a_manager_sets_alert_rules_and_retention_and_exports(page: Page, server: Server) -> None:
    token = server.login(MANAGER)
    bid = bid_id(server, token)
    log_in(page, MANAGER)
    open_manage(page)
    page.get_by_role("link", name="Alert rules").click()
    repeat = page.locator("[data-rule=REPEAT_OFFENDER]")
    expect(repeat.get_by_label("How many")).to_have_accessible_description("Default 3")
    expect(repeat.get_by_label("Within (days)")).to_have_accessible_description("Default 30")
    repeat.get_by_label("How many").fill("4")
    repeat.get_by_label("Within (days)").fill("28")
    page.locator("[data-rule=SHOP_HOTSPOT]").get_by_label("Alerts on").uncheck()
    page.get_by_role("button", name="Save alert rules").click()
    expect(said(page)).to_have_text("Alert rules saved.")
    saved = rules(server, token, bid)
    assert saved["REPEAT_OFFENDER"] == (True, 4, 28)
    assert saved["SHOP_HOTSPOT"] == (False, 5, 7)
    assert saved["MULTI_SHOP_OFFENDER"] == (True, 2, 7)

    page.get_by_role("link", name="Market Harcombe").click()
    page.get_by_label("Keep offender records for (months)").fill("24")
    page.get_by_role("button", name="Save retention period").click()
    expect(said(page)).to_have_text("Offender records are now kept for 24 months.")
    [stored] = server.graphql("{ bids { offenderRetentionMonths } }", token=token)["bids"]
    assert stored["offenderRetentionMonths"] == 24

    person = page.get_by_label("Person")
    person.select_option(label="Grey hoodie, red trainers (excluded)")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download their data (JSON)").click()
    exported = json.loads(Path(download_info.value.path()).read_text())
    assert exported["offender"]["id"] == person.input_value()
    assert exported["offender"]["displayName"] == "Grey hoodie, red trainers"
    assert exported["incidents"] and exported["exclusions"]
    assert audit_actions(server)[-1] == "offender.export_data"

    page.get_by_label("From").fill("2026-01-01")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download incidents (CSV)").click()
    assert "2026-01-01-to-" in download_info.value.suggested_filename
    header = Path(download_info.value.path()).read_text(encoding="utf-8-sig").splitlines()[0]
    assert "description" in header.lower()
    assert audit_actions(server)[-1] == "incidents.export_csv"


def test_shop_staff_never_see_a_management_control(page: Page, server: Server) -> None:
    bid = bid_id(server, server.login(STAFF))
    log_in(page, STAFF)
    menu = page.locator("#nav")
    for name in ("Manage", "BIDs", "Teams", "People", "Audit"):
        expect(menu.get_by_role("link", name=name, exact=True)).to_have_count(0)
    for path in (
        "/#/manage",
        f"/#/manage/{bid}",
        f"/#/manage/{bid}/shops",
        f"/#/manage/{bid}/people",
        f"/#/manage/{bid}/rules",
        "/#/bids",
        "/#/teams",
        "/#/people",
        "/#/audit",
    ):
        page.goto(path)
        expect(page.locator("main .notice")).to_have_text(NOT_YOURS)
        expect(page.locator("main form, main button")).to_have_count(0)


SHOPS = "{ bids { shops { id name address postcode latitude longitude closedAt } } }"


def shop_named(server: Server, token: str, name: str) -> dict[str, Any] | None:
    shops = server.graphql(SHOPS, token=token)["bids"][0]["shops"]
    return next((shop for shop in shops if shop["name"] == name), None)


def test_a_manager_adds_edits_closes_and_reopens_a_shop(page: Page, server: Server) -> None:
    token = server.login(MANAGER)
    page.on("dialog", lambda dialog: dialog.accept())
    log_in(page, MANAGER)
    open_manage(page)
    page.get_by_role("link", name="Shops").click()
    page.get_by_label("Shop name").last.fill("Corner Bakery")
    page.get_by_label("Address").last.fill("3 Mill Lane, Market Harcombe")
    page.get_by_label("Postcode").last.fill("MH1 4BK")
    page.get_by_label("Latitude").last.fill("51.5012")
    page.get_by_label("Longitude").last.fill("-2.1034")
    page.get_by_role("button", name="Add shop").click()
    expect(said(page)).to_have_text("Corner Bakery added.")
    added = shop_named(server, token, "Corner Bakery")
    assert added is not None
    assert (added["postcode"], added["latitude"], added["longitude"]) == ("MH1 4BK", 51.5012, -2.1034)

    card = page.locator(f"[data-shop='{added['id']}']")
    card.get_by_text("Edit Corner Bakery").click()
    card.get_by_label("Shop name").fill("Corner Bakery & Café")
    card.get_by_role("button", name="Save changes").click()
    expect(said(page)).to_have_text("Corner Bakery & Café saved.")
    assert shop_named(server, token, "Corner Bakery & Café") is not None

    card.get_by_role("button", name="Close shop").click()
    expect(said(page)).to_have_text("Corner Bakery & Café closed.")
    expect(card.get_by_text("Closed since")).to_be_visible()
    closed = shop_named(server, token, "Corner Bakery & Café")
    assert closed is not None and closed["closedAt"] is not None
    card.get_by_role("button", name="Reopen shop").click()
    expect(said(page)).to_have_text("Corner Bakery & Café reopened.")
    reopened = shop_named(server, token, "Corner Bakery & Café")
    assert reopened is not None and reopened["closedAt"] is None


def test_a_manager_invites_shop_staff_and_revokes_them_and_they_are_logged_out(
    browser: Browser, page: Page, server: Server
) -> None:
    page.on("dialog", lambda dialog: dialog.accept())
    log_in(page, MANAGER)
    open_manage(page)
    page.get_by_role("link", name="People").click()
    expect(page.locator("#members").get_by_text("staff@example.org")).to_be_visible()
    page.get_by_label("Email").fill(NEWCOMER)
    page.get_by_label("Role").select_option(label="Shop staff")
    page.get_by_label("Shop").select_option(label="Riverside Supermarket")
    page.get_by_role("button", name="Send invitation").click()
    expect(said(page)).to_contain_text(f"Invitation emailed to {NEWCOMER}")
    expect(page.locator("#invitations")).to_contain_text(f"{NEWCOMER}Shop staff, Riverside Supermarket")

    newcomer = browser.new_context(base_url=server.base_url, viewport=page.viewport_size)
    phone = newcomer.new_page()
    phone.goto(mailed_link(server, NEWCOMER, "#/invite/"))
    phone.get_by_label("Your name").fill("Nia Newcomer")
    phone.get_by_label("Password").fill("a new long password")
    phone.get_by_role("button", name="Join").click()
    expect(phone.get_by_role("heading", name="Hello, Nia Newcomer")).to_be_visible()

    page.reload()
    card = page.locator("#members li", has_text=NEWCOMER)
    expect(card).to_contain_text("Shop staff, Riverside Supermarket")
    card.get_by_role("button", name="Revoke Shop staff").click()
    expect(said(page)).to_have_text(
        "Nia Newcomer's membership (Shop staff: Riverside Supermarket) is revoked."
    )
    expect(page.locator("#members")).not_to_contain_text(NEWCOMER)

    # Their next request is refused, and the app asks them to log in.
    phone.get_by_role("link", name="My shop's reports").click()
    expect(phone.get_by_role("heading", name="Log in")).to_be_visible()
    newcomer.close()


TEAMS = "{ neighbourhoodTeams { id name email bids { name } } }"


def test_an_administrator_sets_up_a_bid_with_its_police_team(page: Page, server: Server) -> None:
    token = server.login(ADMIN)
    log_in(page, ADMIN)
    open_menu(page, "BIDs")
    page.get_by_label("Name", exact=True).fill("Kingsbridge Quay")
    expect(page.get_by_label("Short name for links")).to_have_value("kingsbridge-quay")
    page.get_by_role("button", name="Create BID").click()
    expect(said(page)).to_contain_text("Kingsbridge Quay created.")
    page.get_by_text("Rename Kingsbridge Quay").click()
    page.locator("[data-bid]", has_text="Kingsbridge Quay").get_by_label("New name").fill(
        "Kingsbridge Quay BID"
    )
    page.get_by_role("button", name="Save name").last.click()
    expect(said(page)).to_have_text("Renamed to Kingsbridge Quay BID.")
    bids = {bid["slug"]: bid["name"] for bid in server.graphql("{ bids { slug name } }", token=token)["bids"]}
    assert bids["kingsbridge-quay"] == "Kingsbridge Quay BID"

    open_menu(page, "Teams")
    page.get_by_label("Team name").last.fill("Kingsbridge Neighbourhood Team")
    page.get_by_label("Email address").last.fill("kingsbridge.npt@police.example.org")
    page.locator("form").last.get_by_label("Kingsbridge Quay BID").check()
    page.get_by_role("button", name="Add team").click()
    expect(said(page)).to_contain_text("Kingsbridge Neighbourhood Team added.")

    card = page.locator("[data-team]", has_text="Kingsbridge Neighbourhood Team")
    card.get_by_text("Edit Kingsbridge Neighbourhood Team").click()
    card.get_by_label("Email address").fill("alerts.kingsbridge@police.example.org")
    card.get_by_label("Market Harcombe Town Centre BID").check()
    card.get_by_role("button", name="Save team").click()
    expect(said(page)).to_have_text("Kingsbridge Neighbourhood Team saved.")
    [team] = [
        t
        for t in server.graphql(TEAMS, token=token)["neighbourhoodTeams"]
        if t["name"].startswith("Kingsbridge")
    ]
    assert team["email"] == "alerts.kingsbridge@police.example.org"
    assert sorted(bid["name"] for bid in team["bids"]) == [
        "Kingsbridge Quay BID",
        "Market Harcombe Town Centre BID",
    ]


def test_an_administrator_invites_revokes_and_deactivates(page: Page, server: Server) -> None:
    page.on("dialog", lambda dialog: dialog.accept())
    log_in(page, ADMIN)
    open_menu(page, "People")
    page.get_by_label("Email", exact=True).fill("officer@police.example.org")
    page.get_by_label("Role").select_option(label="Police")
    page.get_by_role("button", name="Send invitation").click()
    expect(said(page)).to_contain_text("Invitation emailed to officer@police.example.org")
    assert mailed_link(server, "officer@police.example.org", "#/invite/")

    page.get_by_label("Name or email").fill("pcso@")
    page.get_by_role("button", name="Search").click()
    # The search's answer replaces the list: wait for it, or the click can land on the list before.
    expect(page.locator("#people li[data-user]")).to_have_count(1)
    person = page.locator("#people li[data-user]", has_text=PCSO)
    person.get_by_role("button", name="Revoke Police").click()
    expect(said(page)).to_contain_text("membership (Police: ")
    expect(person.get_by_text("No membership.")).to_be_visible()
    person.get_by_role("button", name="Deactivate").click()
    expect(said(page)).to_contain_text("account is deactivated")
    expect(person.get_by_text("Deactivated")).to_be_visible()
    login = server.graphql(
        'mutation { login(email: "pcso@example.org", password: "harcombe-demo-2026") { __typename } }'
    )
    assert login["login"]["__typename"] == "AuthError"


def test_an_administrator_filters_the_audit_trail_and_verifies_the_chain(page: Page, server: Server) -> None:
    token = server.login(ADMIN)
    offender = server.graphql(
        "query($b: ID!) { offenders(bidId: $b, first: 1) { edges { node { id } } } }",
        {"b": bid_id(server, server.login(MANAGER))},  # the demo BID, whatever others were made
        token=token,
    )["offenders"]["edges"][0]["node"]["id"]
    server.graphql(
        "query($o: ID!) { exportOffenderData(offenderId: $o) { exportedAt } }", {"o": offender}, token=token
    )
    log_in(page, ADMIN)
    open_menu(page, "Audit")
    page.get_by_label("Person").select_option(label="Alex Admin (admin@example.org)")
    page.get_by_label("Action").select_option("offender.export_data")
    page.get_by_role("button", name="Show entries").click()
    entries = page.locator("#audit-entries > li")
    expect(entries.first).to_contain_text("offender.export_data")
    [(stored,)] = server.rows(
        "SELECT count(*) FROM audit_entry WHERE action = 'offender.export_data' AND actor = ?", ADMIN
    )
    expect(entries).to_have_count(stored)

    page.get_by_role("button", name="Verify the chain").click()
    chain = server.graphql("{ auditChain { intact message } }", token=token)["auditChain"]
    assert chain["intact"] is True
    expect(page.get_by_text(chain["message"])).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]  # type: ignore[index]
