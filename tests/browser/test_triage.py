"""Incident triage on the incident page: a manager links offenders from the gallery's thumbnails,
unlinks them and takes a suggestion; the reporter adds photos; shop staff see no management control.
Each step is checked through the API."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in
from tests.browser.helpers import bid_id, create_offender, jpeg, report
from tests.browser.server import MANAGER, PCSO, STAFF, Server

INCIDENT = """query($id: ID!) { incident(id: $id) {
  offenders { id } photos { id } possibleOffenders { offender { id } } policeReference
} }"""
LINK = "mutation($i: ID!, $o: ID!) { linkOffender(incidentId: $i, offenderId: $o) { __typename } }"


def incident(server: Server, incident_id: str) -> Any:
    return server.graphql(INCIDENT, {"id": incident_id}, token=server.login(MANAGER))["incident"]


def test_a_manager_links_unlinks_and_takes_or_turns_down_suggestions(page: Page, server: Server) -> None:
    manager, staff = server.login(MANAGER), server.login(STAFF)
    bid = bid_id(server, manager)
    hat = create_offender(server, manager, bid, "Green hat, limps", jpeg((0, 140, 0)))
    van = create_offender(server, manager, bid, "Drives the white van", jpeg((240, 240, 240)))
    lender = create_offender(server, manager, bid, "Borrowed the van once", jpeg((60, 60, 200)))
    for offender in (van, lender):
        earlier = report(
            server, staff, description="White van driver took meat", vehicleRegistration="MH26 VAN"
        )
        server.graphql(LINK, {"i": earlier["id"], "o": offender}, token=manager)
    target = report(server, staff, description="Van seen again, meat taken", vehicleRegistration="MH26VAN")[
        "id"
    ]
    assert {s["offender"]["id"] for s in incident(server, target)["possibleOffenders"]} == {van, lender}

    log_in(page, MANAGER)
    page.goto(f"/#/incidents/{target}")
    suggestions = page.locator(".suggestions")
    expect(suggestions.locator("li", has_text="Drives the white van")).to_contain_text("MH26VAN")
    suggestions.get_by_role("button", name="Not this person: Borrowed the van once").click()
    expect(page.locator("main [role=status]")).to_contain_text("Suggestion dismissed")
    expect(suggestions.locator("li")).to_have_count(1)
    assert [s["offender"]["id"] for s in incident(server, target)["possibleOffenders"]] == [van]

    suggestions.get_by_role("button", name="Link Drives the white van").click()
    expect(page.locator("main [role=status]")).to_have_text("Offender linked.")
    assert [o["id"] for o in incident(server, target)["offenders"]] == [van]

    page.get_by_text("Link an offender").click()
    page.locator(".pick label", has_text="Green hat, limps").click()  # The thumbnail is the tap target.
    page.get_by_role("button", name="Link", exact=True).click()
    expect(page.locator(".facts")).to_contain_text("Green hat, limps")
    assert {o["id"] for o in incident(server, target)["offenders"]} == {van, hat}

    page.get_by_role("button", name="Unlink Drives the white van").click()
    expect(page.locator("main [role=status]")).to_have_text("Offender unlinked.")
    assert [o["id"] for o in incident(server, target)["offenders"]] == [hat]


def test_a_manager_then_the_police_change_the_status_with_notes(page: Page, server: Server) -> None:
    target = report(server, server.login(STAFF), description="Status to be worked on")["id"]

    log_in(page, MANAGER)
    page.goto(f"/#/incidents/{target}")
    page.get_by_text("Change the status").click()
    page.get_by_role("button", name="Save the status").click()  # Still "New": refused, in words.
    expect(page.locator("main [role=alert]")).to_contain_text("This incident is already")
    page.get_by_label("New status").select_option("REVIEWED")
    page.get_by_label("Note", exact=True).fill("CCTV checked, face visible")
    page.get_by_role("button", name="Save the status").click()
    expect(page.locator("main [role=status]")).to_have_text("Status changed.")
    expect(page.locator(".history li")).to_contain_text(["Reviewed"])
    page.get_by_text("Add a police reference").click()
    page.get_by_label("Police reference").fill("MH/26/0042")
    page.get_by_role("button", name="Save the reference").click()
    expect(page.locator(".facts")).to_contain_text("MH/26/0042")

    page.context.clear_cookies()
    page.evaluate("localStorage.clear()")
    log_in(page, PCSO)
    page.goto(f"/#/incidents/{target}")
    page.get_by_text("Change the status").click()
    page.get_by_label("New status").select_option("REFERRED_TO_POLICE")
    page.get_by_role("button", name="Save the status").click()
    history = page.locator(".history li")
    expect(history).to_have_count(2)
    expect(history.nth(0)).to_contain_text("CCTV checked, face visible")
    expect(history.nth(1)).to_contain_text("Referred to police")
    expect(page.get_by_role("button", name="Link", exact=True)).to_have_count(0)  # Police do not link.

    stored = server.graphql(
        "query($id: ID!) { incident(id: $id) { status policeReference"
        " history { status note changedBy { email } } } }",
        {"id": target},
        token=server.login(MANAGER),
    )["incident"]
    assert (stored["status"], stored["policeReference"]) == ("REFERRED_TO_POLICE", "MH/26/0042")
    assert [(c["status"], c["note"], c["changedBy"]["email"]) for c in stored["history"]] == [
        ("REVIEWED", "CCTV checked, face visible", MANAGER),
        ("REFERRED_TO_POLICE", "", PCSO),
    ]


MANAGEMENT = "main form, main select, main textarea, main details, main button:not([hidden])"


def test_the_reporter_adds_photos_and_a_police_reference_and_staff_see_no_management_control(
    page: Page, server: Server
) -> None:
    manager, staff = server.login(MANAGER), server.login(STAFF)
    own = report(server, staff, description="Own report, photo later")["id"]
    # Reported by the manager at the staff member's shop: the staff member sees it, read-only.
    shop = server.graphql("{ me { memberships { shop { id } } } }", token=staff)["me"]["memberships"][0][
        "shop"
    ]["id"]
    others = report(server, manager, shopId=shop, description="Manager's report at the shop")["id"]

    log_in(page, STAFF)
    page.goto(f"/#/incidents/{own}")
    expect(page.get_by_role("heading", name="Theft at")).to_be_visible()
    # The reporter's own: photos, the police reference and the property taken, nothing of triage.
    expect(page.locator("main summary")).to_have_text(["Add a police reference", "Add the property taken"])
    expect(page.locator("main select")).to_have_count(0)
    page.get_by_label("Add photos").set_input_files(
        [
            {"name": f"later-{n}.jpg", "mimeType": "image/jpeg", "buffer": jpeg((n * 60, 20, 20))}
            for n in (1, 2)
        ]
    )
    expect(page.get_by_role("img", name="Photo 2 of the incident")).to_be_visible()
    assert len(incident(server, own)["photos"]) == 2
    page.get_by_text("Add a police reference").click()
    page.get_by_label("Police reference").fill("CAD 1234")
    page.get_by_role("button", name="Save the reference").click()
    expect(page.locator(".facts")).to_contain_text("CAD 1234")
    assert incident(server, own)["policeReference"] == "CAD 1234"

    page.goto(f"/#/incidents/{others}")
    expect(page.get_by_text("Manager's report at the shop")).to_be_visible()
    expect(page.locator(MANAGEMENT)).to_have_count(0)
    expect(page.locator("main input")).to_have_count(0)
