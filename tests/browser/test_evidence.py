"""From report to prosecution in the app: a shop worker signs a statement with a finger and
corrects it; a manager refers the case with a crime reference and lists the property; the police
find it among their cases, update it and download the evidence pack, which `shopwatch evidence
verify` accepts; the shop reads the case's history, without the evidence pack; and once the BID
lets them, shop staff refer their own report. Each step is checked against what the server stored."""

from __future__ import annotations

import io
import json
import math
import os
import re
import subprocess
import zipfile

import httpx
from PIL import Image
from playwright.sync_api import Locator, Page, expect

from shopwatch.places.demo import DEMO_SLUG
from tests.browser.conftest import log_in
from tests.browser.helpers import jpeg, open_manage, report, staff_shop_id
from tests.browser.server import MANAGER, PCSO, SHOPWATCH, STAFF, Server

ADD_PHOTO = "mutation($i: ID!, $p: Upload!) { addIncidentPhoto(incidentId: $i, photo: $p) { __typename } }"


def add_photo(
    server: Server, token: str, incident_id: str, colour: tuple[int, int, int] = (200, 30, 30)
) -> None:
    response = httpx.post(
        f"{server.base_url}/graphql",
        data={
            "operations": json.dumps({"query": ADD_PHOTO, "variables": {"i": incident_id, "p": None}}),
            "map": json.dumps({"0": ["variables.p"]}),
        },
        files={"0": ("door.jpg", jpeg(colour), "image/jpeg")},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    response.raise_for_status()
    assert response.json()["data"]["addIncidentPhoto"]["__typename"] == "AddIncidentPhotoSuccess"


def draw_signature(page: Page, canvas: Locator) -> None:
    """A wavy stroke drawn with a finger on the canvas: touch events, as a phone sends them."""
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box is not None
    points = [
        {
            "x": box["x"] + box["width"] * (0.1 + 0.8 * i / 30),
            "y": box["y"] + box["height"] * (0.45 + 0.2 * math.sin(i / 2)),
        }
        for i in range(31)
    ]
    touch = page.context.new_cdp_session(page)
    touch.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [points[0]]})
    for point in points[1:]:
        touch.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [point]})
    touch.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    touch.detach()


def ink(png: bytes) -> int:
    """How many pixels of the signature are drawn in ink (the baseline is lighter)."""
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    histogram = image.convert("L").histogram()
    return sum(histogram[:80])


def incident_pk(server: Server, description: str) -> int:
    [(pk,)] = server.rows("SELECT id FROM incident WHERE description = ?", description)
    return int(pk)


def test_a_shop_worker_signs_a_statement_with_a_finger_then_corrects_it(page: Page, server: Server) -> None:
    staff = server.login(STAFF)
    description = "Two bottles of gin taken past the tills"
    incident = report(server, staff, description=description)["id"]
    add_photo(server, staff, incident)
    add_photo(server, staff, incident, colour=(30, 30, 200))  # another photo (the same one is kept once)

    log_in(page, STAFF)
    page.goto(f"/#/incidents/{incident}")
    page.get_by_role("link", name="Make a statement").click()
    expect(page.get_by_role("heading", name="Make a statement")).to_be_visible()
    text = page.get_by_label("Statement", exact=True)
    expect(text).to_have_value(re.compile(re.escape(description)))
    page.get_by_label("Witness's full name").fill("Siân Ann Pryce")
    page.get_by_label("Occupation").fill("Sales assistant")
    # Both photos are ticked to be produced as exhibits; the witness speaks to the first only.
    expect(page.get_by_role("checkbox", name="Photo 1")).to_be_checked()
    page.get_by_text("Photo 2", exact=True).click()
    expect(page.get_by_role("checkbox", name="Photo 2")).not_to_be_checked()
    expect(page.locator(".declaration")).to_contain_text(
        "wilfully stated in it anything which I know to be false"
    )
    send = page.get_by_role("button", name="Sign and send the statement")
    typed = page.get_by_label("Type the witness's name to sign")
    typed.fill("S Pryce")
    send.click()  # The draft's prompt for the witness's own words is still there: refused on the phone.
    expect(page.locator("main [role=alert]")).to_contain_text("Replace the parts in square brackets")
    text.fill(re.sub(r"\[[^\]]*\]", "I recognised him from the gallery.", text.input_value()))
    send.click()  # Nothing drawn yet: refused on the phone, in words.
    expect(page.locator("main [role=alert]")).to_contain_text("Draw your signature in the box")
    draw_signature(page, page.locator(".signature-canvas"))
    expect(page.locator(".signature")).to_contain_text("Signature drawn.")
    send.click()  # Signed under another name than the witness's: the server refuses it.
    expect(page.locator("main [role=alert]")).to_contain_text("Type the witness's name as given above")
    typed.fill("sian ann pryce")  # Case and accents aside, the same name.
    send.click()

    expect(page.locator("main [role=status]").first).to_contain_text("Statement signed")
    signed = page.locator("article.statement")
    expect(signed.locator("h2")).to_have_text("Siân Ann Pryce, version 1")
    expect(signed).to_contain_text("I recognised him from the gallery.")
    expect(signed.get_by_role("img", name="Exhibit SP/1")).to_be_visible()
    expect(signed.get_by_role("img", name="Exhibit SP/2")).to_have_count(0)
    expect(signed.get_by_role("img", name="Signature of sian ann pryce")).to_be_visible()
    [(first_id, png, signed_name, stored_text, first_sha)] = server.rows(
        "SELECT id, signature_png, signed_name, text, sha256 FROM witness_statement WHERE incident_id = ?",
        incident_pk(server, description),
    )
    assert signed_name == "sian ann pryce" and "I recognised him from the gallery." in stored_text
    assert ink(bytes(png)) > 300, "the stroke drawn on the screen is in the stored signature"

    # A correction is a new version, signed with the typed name from the keyboard this time.
    signed.get_by_role("link", name="Correct this statement").click()
    expect(page.get_by_role("heading", name="Correct a statement")).to_be_visible()
    # The photo left out is offered again, ticked: the correction produces it.
    expect(page.get_by_role("checkbox", name="Photo 1")).to_have_count(0)
    expect(page.get_by_role("checkbox", name="Photo 2")).to_be_checked()
    corrected = page.get_by_label("Statement", exact=True)
    corrected.fill(corrected.input_value().replace("Two bottles", "Three bottles"))
    page.get_by_label("Type the witness's name to sign").fill("Siân Ann Pryce")
    page.get_by_role("button", name="Sign with my typed name").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".signature")).to_contain_text("Signed with the typed name Siân Ann Pryce.")
    page.get_by_role("button", name="Sign and send the correction").click()
    expect(page.locator("article.statement").first.locator("h2")).to_have_text("Siân Ann Pryce, version 2")
    expect(page.locator("article.statement").first.get_by_role("img", name="Exhibit SP/2")).to_be_visible()
    expect(page.get_by_text("Earlier versions (1)")).to_be_visible()
    rows = server.rows(
        "SELECT id, version, replaces_id, text, sha256 FROM witness_statement"
        " WHERE incident_id = ? ORDER BY version",
        incident_pk(server, description),
    )
    assert [(r[1], r[2]) for r in rows] == [(1, None), (2, first_id)]
    assert (rows[0][3], rows[0][4]) == (stored_text, first_sha), "the signed version is kept as it was"
    assert "Three bottles" in rows[1][3]


def test_a_manager_refers_the_case_the_police_update_it_and_the_shop_reads_its_history(
    page: Page, server: Server
) -> None:
    description = "Razor blades taken, to be referred"
    incident = report(server, server.login(STAFF), description=description)["id"]

    log_in(page, MANAGER)
    page.goto(f"/#/incidents/{incident}")
    refer = page.locator("details.refer")
    refer.locator("summary").click()
    refer.get_by_label("Crime reference").fill("MH/26/1234")
    refer.get_by_label("Note for the police").fill("CCTV kept for 30 days")
    refer.get_by_role("button", name="Refer to police").click()
    expect(page.locator("main [role=status]").first).to_contain_text("Referred to the police")
    history = page.locator(".case-history li")
    expect(history).to_have_count(1)
    expect(history.first).to_contain_text("Reported to the police")
    expect(history.first).to_contain_text("Morgan Manager")
    expect(page.locator(".police-case")).to_contain_text("MH/26/1234")

    # The property, the UK way: a comma for pence is refused, then corrected; the recovered gin
    # does not count towards the value stolen.
    page.get_by_text("Add the property taken").click()
    page.get_by_label("Description").fill("Razor blades, 8 pack")
    page.get_by_label("Quantity").fill("2")
    page.get_by_label("Price each (£)").fill("12,50")
    page.get_by_role("button", name="Add an item").click()
    second = page.locator(".property-line").nth(1)
    second.get_by_label("Description").fill("Gin 70cl")
    second.get_by_label("Price each (£)").fill("£24.99")
    second.get_by_text("Recovered").click()
    page.get_by_role("button", name="Save the property").click()
    expect(page.locator("main [role=alert]")).to_contain_text(
        "Use a full stop for pence, not a comma: 12.50."
    )
    page.locator(".property-line").first.get_by_label("Price each (£)").fill("£12.50")
    page.get_by_role("button", name="Save the property").click()
    expect(page.locator(".property-list li")).to_have_count(2)
    expect(page.locator(".property")).to_contain_text("Not recovered: £25.00")
    assert server.rows(
        "SELECT description, quantity, unit_price_pence, recovered FROM property_line"
        " WHERE incident_id = ? ORDER BY position",
        incident_pk(server, description),
    ) == [("Razor blades, 8 pack", 2, 1250, False), ("Gin 70cl", 1, 2499, True)]
    [(value,)] = server.rows("SELECT value_stolen_pence FROM incident WHERE description = ?", description)
    assert value == 2500
    expect(page.locator("#evidence-pack")).to_have_attribute("href", f"/export/evidence/{incident}.zip")

    # The police find it among their cases, by its state, and record progress.
    page.context.clear_cookies()
    page.evaluate("localStorage.clear()")
    log_in(page, PCSO)
    page.get_by_role("navigation").get_by_role("link", name="Cases").click()
    expect(page.locator("#cases")).to_contain_text(description)
    page.get_by_text("Filter by the case's state").click()
    page.get_by_label("Evidence requested").check()
    page.get_by_role("button", name="Show cases").click()
    expect(page.get_by_text("No case is in these states.")).to_be_visible()
    assert page.url.endswith("#/cases?state=EVIDENCE_REQUESTED")
    page.goto("/#/cases?state=REPORTED")
    page.locator("#cases").get_by_role("link", name=description).click()
    case = page.locator(".police-case")
    case.get_by_text("Update the case").click()
    case.get_by_label("State").select_option("EVIDENCE_REQUESTED")
    case.get_by_label("Note", exact=True).fill("Please send the CCTV and a statement")
    page.get_by_role("button", name="Save the update").click()
    expect(history).to_have_count(2)

    # The officer downloads the pack; it holds what the case needs, and checks out against the trail.
    with page.expect_download() as downloading:
        page.locator("#evidence-pack").click()
    pack = downloading.value.path()
    with zipfile.ZipFile(pack) as archive:
        names = {name.partition("/")[2] for name in archive.namelist()}
    assert names == {"manifest.json", "SHA256SUMS", "continuity.csv", "incident-summary.pdf"}, names
    env = {**os.environ, "DATABASE_URL": server.database_url, "SHOPWATCH_ENV": "development"}
    verified = subprocess.run(  # noqa: S603 - our own console script
        [SHOPWATCH, "evidence", "verify", str(pack)], env=env, capture_output=True, text=True, timeout=60
    )
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert verified.stdout.startswith("OK: evidence pack"), verified.stdout
    assert server.rows(
        "SELECT state, note FROM police_case_update WHERE incident_id = ? ORDER BY id",
        incident_pk(server, description),
    ) == [
        ("REPORTED", "CCTV kept for 30 days"),
        ("EVIDENCE_REQUESTED", "Please send the CCTV and a statement"),
    ]

    # The shop reads where the case stands, and who said what; the evidence pack is not theirs.
    page.context.clear_cookies()
    page.evaluate("localStorage.clear()")
    log_in(page, STAFF)
    page.goto(f"/#/incidents/{incident}")
    expect(history.nth(1)).to_contain_text("Evidence requested")
    expect(history.nth(1)).to_contain_text("Priya PCSO")
    expect(history.nth(1)).to_contain_text("Please send the CCTV and a statement")
    expect(page.locator(".case-state")).to_have_text("Evidence requested")
    expect(page.locator("#evidence-pack")).to_have_count(0)
    expect(page.get_by_text("Update the case")).to_have_count(0)

    # The shop's impact statement for business, which every pack then carries.
    staff = server.login(STAFF)
    page.goto(f"/#/shops/{staff_shop_id(server, staff)}")
    page.get_by_text("Write the impact statement").click()
    page.get_by_label("How crime affects the business").fill("Two staff left after threats this year.")
    page.get_by_label("Your position").fill("Store manager")
    page.get_by_role("button", name="Save the impact statement").click()
    expect(page.locator(".impact")).to_contain_text("Two staff left after threats this year.")
    expect(page.locator(".impact")).to_contain_text("Sam Staff, Store manager")
    assert server.rows("SELECT text, author_name, position FROM business_impact_statement") == [
        ("Two staff left after threats this year.", "Sam Staff", "Store manager")
    ]


def test_shop_staff_refer_their_own_report_once_the_bid_lets_them(page: Page, server: Server) -> None:
    description = "Spirits taken, referred by the shop itself"
    incident = report(server, server.login(STAFF), description=description)["id"]
    log_in(page, STAFF)
    page.goto(f"/#/incidents/{incident}")
    expect(page.get_by_text(description)).to_be_visible()
    expect(page.locator("details.refer")).to_have_count(0)

    # The manager lets the BID's shop staff refer their own reports.
    page.context.clear_cookies()
    page.evaluate("localStorage.clear()")
    log_in(page, MANAGER)
    open_manage(page)
    page.get_by_label("Shop staff may refer their own reports to the police").check()
    page.get_by_role("button", name="Save who may refer").click()
    expect(page.get_by_text("Shop staff may now refer their own reports to the police.")).to_be_visible()
    assert server.rows("SELECT staff_may_refer_to_police FROM bid WHERE slug = ?", DEMO_SLUG) == [(True,)]

    page.context.clear_cookies()
    page.evaluate("localStorage.clear()")
    log_in(page, STAFF)
    page.goto(f"/#/incidents/{incident}")
    refer = page.locator("details.refer")
    refer.locator("summary").click()
    refer.get_by_label("Crime reference").fill("MH/26/5678")
    refer.get_by_role("button", name="Refer to police").click()
    expect(page.locator("main [role=status]").first).to_contain_text("Referred to the police")
    expect(page.locator(".case-history li").first).to_contain_text("Sam Staff")
    assert server.rows(
        "SELECT i.status, u.state, u.crime_reference FROM incident i"
        " JOIN police_case_update u ON u.incident_id = i.id WHERE i.description = ?",
        description,
    ) == [("REFERRED_TO_POLICE", "REPORTED", "MH/26/5678")]
