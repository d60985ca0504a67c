"""The gallery from a phone: a manager adds, edits, photographs, excludes and merges offenders on
their pages; shop staff open the same pages read-only. Each step is checked through the API."""

from __future__ import annotations

import base64
from datetime import date, timedelta
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in
from tests.browser.helpers import bid_id, create_offender, jpeg, report, wait_for_image
from tests.browser.server import MANAGER, STAFF, Server

RECORD = """query($id: ID!) { offender(id: $id) {
  displayName description status photos { id } incidents { edges { node { id } } }
  exclusions { startsOn endsOn reason inForce endedAt endReason }
} }"""


def record(server: Server, offender_id: str) -> Any:
    return server.graphql(RECORD, {"id": offender_id}, token=server.login(MANAGER))["offender"]


def photo(name: str, colour: tuple[int, int, int]) -> dict[str, Any]:
    return {"name": name, "mimeType": "image/jpeg", "buffer": jpeg(colour)}


def offender_id_of(page: Page) -> str:
    return page.url.split("#/gallery/")[1]


def test_a_manager_adds_an_offender_with_camera_photos_edits_and_adds_another(
    page: Page, server: Server
) -> None:
    log_in(page, MANAGER)
    page.goto("/#/gallery")
    page.get_by_role("link", name="Add an offender").click()
    page.get_by_label("Name or description").fill("Unknown male, orange scarf")
    page.get_by_label("Description", exact=True).fill("Takes razor blades")
    page.get_by_label("Status").select_option("ID_SOUGHT")  # Seen, not yet identified.
    page.get_by_label("Add photos").set_input_files(
        [photo("front.jpg", (200, 90, 0)), photo("side.jpg", (0, 90, 200))]
    )
    page.get_by_role("button", name="Add to the gallery").click()

    expect(page.get_by_role("heading", name="Unknown male, orange scarf")).to_be_visible()
    expect(page.locator("main [role=status]")).to_have_text("Added to the gallery.")
    expect(page.locator(".offender-page > .badge")).to_have_text("Help identify")
    wait_for_image(page, page.get_by_role("img", name="Photo 2 of Unknown male, orange scarf"))
    offender = offender_id_of(page)
    stored = record(server, offender)
    assert (stored["displayName"], stored["description"], stored["status"], len(stored["photos"])) == (
        "Unknown male, orange scarf",
        "Takes razor blades",
        "ID_SOUGHT",
        2,
    )

    page.get_by_role("link", name="Edit the record").click()
    page.get_by_label("Name or description").fill("Dan Example")
    page.get_by_label("Status").select_option("ARCHIVED")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Dan Example")).to_be_visible()
    page.get_by_label("Add photos").set_input_files(photo("later.jpg", (90, 200, 0)))
    expect(page.get_by_role("img", name="Photo 3 of Dan Example")).to_be_visible()
    stored = record(server, offender)
    assert (stored["displayName"], stored["status"], len(stored["photos"])) == ("Dan Example", "ARCHIVED", 3)


def test_a_manager_issues_an_exclusion_ends_it_early_and_merges_two_records(
    page: Page, server: Server
) -> None:
    manager = server.login(MANAGER)
    bid = bid_id(server, manager)
    keep = create_offender(server, manager, bid, "Kept record, grey coat", jpeg((120, 120, 120)))
    merge = create_offender(server, manager, bid, "Second record, grey coat", jpeg((100, 100, 100)))
    incident = report(
        server, manager, shopId=_first_shop(server, manager), description="Seen with a grey coat"
    )
    server.graphql(
        "mutation($i: ID!, $o: ID!) { linkOffender(incidentId: $i, offenderId: $o) { __typename } }",
        {"i": incident["id"], "o": merge},
        token=manager,
    )
    staff = server.login(STAFF)
    for n in range(3):  # Three reports naming them in 30 days: a repeat-offender alert.
        report(server, staff, description=f"Grey coat again ({n})", offenderIds=[keep])

    log_in(page, MANAGER)
    page.goto(f"/#/gallery/{keep}")
    expect(page.locator(".alerts li").first).to_contain_text("Repeat offender")
    page.get_by_text("Issue an exclusion").click()
    page.get_by_label("Reason").fill("Abusive to staff")
    page.get_by_role("button", name="Issue the exclusion").click()
    until = (date.today() + timedelta(days=365)).strftime("%d/%m/%Y")
    expect(page.locator(".offender-page > .badge-excluded")).to_have_text(f"Excluded until {until}")
    [exclusion] = record(server, keep)["exclusions"]
    assert (exclusion["reason"], exclusion["inForce"], exclusion["startsOn"]) == (
        "Abusive to staff",
        True,
        date.today().isoformat(),
    )

    page.get_by_text("End this exclusion early").click()
    page.get_by_label("Why it ends early").fill("Issued to the wrong person")
    page.get_by_role("button", name="End the exclusion").click()
    expect(page.locator(".offender-page > .badge")).to_have_text("Active")
    stored = record(server, keep)
    [exclusion] = stored["exclusions"]
    assert (stored["status"], exclusion["inForce"], exclusion["endReason"]) == (
        "ACTIVE",
        False,
        "Issued to the wrong person",
    )
    assert exclusion["endedAt"] is not None

    # The other record's photo looks alike: it is offered as a possible duplicate.
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Merge “Second record, grey coat” into this record").click()
    expect(page.locator("main [role=status]")).to_have_text("Merged: 1 incident link moved here.")
    expect(page.locator(".cards").get_by_text("Seen with a grey coat")).to_be_visible()
    kept = record(server, keep)
    assert incident["id"] in [e["node"]["id"] for e in kept["incidents"]["edges"]]
    assert record(server, merge) is None  # The merged record now stands for the kept one.
    [(status, into)] = server.rows("SELECT status, merged_into_id FROM offender WHERE id = ?", _pk(merge))
    assert (status, into) == ("ARCHIVED", _pk(keep))


def _pk(global_id: str) -> int:
    return int(base64.b64decode(global_id + "==").decode().split(":")[1])


def _first_shop(server: Server, token: str) -> str:
    return str(server.graphql("{ bids { shops { id } } }", token=token)["bids"][0]["shops"][0]["id"])


MANAGEMENT = "main form, main input, main select, main textarea, main details, main button:not([hidden])"


def test_shop_staff_open_gallery_cards_read_only(page: Page, server: Server) -> None:
    manager = server.login(MANAGER)
    offender = create_offender(
        server, manager, bid_id(server, manager), "Staff can see, blue cap", jpeg((0, 0, 150))
    )
    staff = server.login(STAFF)
    report(server, staff, description="Blue cap took batteries", offenderIds=[offender])
    server.graphql(
        "mutation($input: UpdateOffenderInput!) { updateOffender(input: $input) { __typename } }",
        {"input": {"offenderId": offender, "status": "ID_SOUGHT"}},
        token=manager,
    )

    log_in(page, STAFF)
    page.goto("/#/gallery")
    card = page.locator(".offender", has_text="Staff can see, blue cap")
    expect(card.locator(".badge")).to_have_text("Help identify")  # Staff may know who it is.
    card.get_by_role("link").click()
    expect(page.get_by_role("heading", name="Staff can see, blue cap")).to_be_visible()
    wait_for_image(page, page.get_by_role("img", name="Photo 1 of Staff can see, blue cap"))
    expect(page.get_by_text("Blue cap took batteries")).to_be_visible()
    expect(page.get_by_text("Not yet identified. If you know who this is")).to_be_visible()
    expect(page.get_by_role("heading", name="Alerts")).to_have_count(0)
    expect(page.get_by_role("heading", name="Possible duplicates")).to_have_count(0)
    expect(page.locator(MANAGEMENT)).to_have_count(0)
    expect(page.get_by_role("link", name="Edit the record")).to_have_count(0)
    page.goto(f"/#/gallery/{offender}/edit")
    expect(page.get_by_text("Only the BID's managers edit its gallery.")).to_be_visible()
