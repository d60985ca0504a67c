"""The report form as a shop worker uses it with one thumb, at 390x844 and 360x640: Send in the first
screen, distinct labels, money typed the UK way, photos checked on the phone as the server checks
them, every error in words, three reports in a row, and a confirmation that says who sees the report
and whether the police have it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from shopwatch.incidents.photo_formats import MAX_PHOTO_BYTES, PhotoRejected, detect_format
from tests.browser.conftest import Problems, log_in
from tests.browser.helpers import jpeg, open_more_details, staff_shop_id
from tests.browser.server import MANAGER, PCSO, STAFF, Server

SIZES = [pytest.param((390, 844), id="390x844"), pytest.param((360, 640), id="360x640")]
NOT_POLICE = "This is not a crime report to the police."


@pytest.fixture(params=SIZES)
def phone(
    request: pytest.FixtureRequest, browser: Browser, server: Server, problems: Problems
) -> Iterator[Page]:
    """A page on a phone of each size, the smallest a cheap Android phone has."""
    width, height = request.param
    context: BrowserContext = browser.new_context(
        base_url=server.base_url,
        viewport={"width": width, "height": height},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.on("console", problems.console)
    page.on("pageerror", problems.page_error)
    yield page
    context.close()
    assert problems.messages == [], problems.messages


def start_report(phone: Page, what: str) -> str:
    """Logged in as shop staff, a new report's description typed: the description, naming the width
    so that each size's report is its own."""
    log_in(phone, STAFF)
    width = phone.viewport_size["width"] if phone.viewport_size else 0
    description = f"{what} at {width} px"
    phone.goto("/#/report")
    phone.get_by_label("What happened", exact=True).fill(description)
    return description


def incident_row(server: Server, description: str) -> tuple[object, ...]:
    [row] = server.rows(
        "SELECT id, client_id, value_stolen_pence, police_reference, reference FROM incident"
        " WHERE description = ?",
        description,
    )
    return row


def photo_count(server: Server, incident_id: object) -> int:
    [(count,)] = server.rows("SELECT count(*) FROM photo WHERE incident_id = ?", incident_id)
    return int(count)


def test_send_is_on_the_first_screen_after_the_kind_description_and_photos(phone: Page) -> None:
    log_in(phone, STAFF)
    phone.goto("/#/report")
    send = phone.get_by_role("button", name="Send report")
    send.wait_for()
    assert phone.evaluate("scrollY") == 0
    box = send.bounding_box()
    viewport = phone.viewport_size
    assert box is not None and viewport is not None
    assert box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"], (box, viewport)
    # The thumb's order: kind, description, photos; the optional fields folded after them.
    order = phone.evaluate(
        """() => [...document.querySelectorAll("form.report > *")].map((e) =>
             e.classList.contains("kinds") ? "kind" : e.querySelector("textarea") ? "description"
             : e.querySelector("input[type=file]") ? "photos" : e.matches("details") ? "more" : null
           ).filter(Boolean)"""
    )
    assert order == ["kind", "description", "photos", "more"]
    expect(phone.get_by_label("Value stolen (£)")).to_be_hidden()
    # Opening the details leaves Send where the thumb is.
    open_more_details(phone)
    phone.get_by_label("Police reference").scroll_into_view_if_needed()
    expect(send).to_be_in_viewport()


def test_every_label_on_the_form_is_distinct(page: Page) -> None:
    log_in(page, STAFF)
    page.goto("/#/report")
    open_more_details(page)
    labels = page.evaluate(
        """() => [...document.querySelectorAll(
               "form.report legend, form.report .field > label, form.report .check label")]
             .map((e) => e.textContent.trim())"""
    )
    assert "Kind of incident" in labels and "What happened" in labels
    assert len(labels) == len(set(labels)), labels


ACCEPTED = [("12.50", 1250), ("£12.50", 1250), ("12", 1200), ("12.5", 1250), ("£1,250.00", 125000)]
REFUSED = [
    ("12,50", "Use a full stop for pence, not a comma: 12.50."),
    ("1.2.3", "Type pounds and pence with a full stop, e.g. 12.50."),
    ("abc", "Type pounds and pence with a full stop, e.g. 12.50."),
    ("-5", "The value cannot be negative."),
    ("£-5.00", "The value cannot be negative."),
    ("12.505", "Pence take at most two digits after the full stop, e.g. 12.50."),
]


def test_money_typed_the_uk_way_is_stored_in_pence(phone: Page, server: Server) -> None:
    log_in(phone, STAFF)
    width = phone.viewport_size["width"] if phone.viewport_size else 0
    phone.goto("/#/report")
    for typed, pence in ACCEPTED:
        description = f"Value typed as {typed} at {width} px"
        phone.get_by_label("What happened", exact=True).fill(description)
        open_more_details(phone)
        phone.get_by_label("Value stolen (£)").fill(typed)
        phone.get_by_role("button", name="Send report").click()
        expect(phone.get_by_role("heading", name="Report sent")).to_be_visible()
        assert incident_row(server, description)[2] == pence, typed
        phone.get_by_role("link", name="Report another").click()


def test_money_typed_any_other_way_is_refused_beside_the_field_before_sending(
    phone: Page, server: Server
) -> None:
    description = start_report(phone, "Value typed wrongly")
    sent: list[str] = []
    phone.on(
        "request",
        lambda r: sent.append(r.post_data or "") if "reportIncident" in (r.post_data or "") else None,
    )
    open_more_details(phone)
    value = phone.get_by_label("Value stolen (£)")
    for typed, reason in REFUSED:
        value.fill(typed)
        phone.get_by_role("button", name="Send report").click()
        error = phone.locator(".field:has(input[name=value]) .field-error")
        expect(error).to_have_text(reason)
        expect(value).to_be_focused()
        expect(value).to_have_attribute("aria-invalid", "true")
        expect(value).to_have_accessible_description(re.compile(re.escape(reason)))
        expect(value).to_be_in_viewport()  # Not hidden under the Send bar.
        expect(phone.get_by_role("heading", name="Report an incident")).to_be_visible()
    # Leaving the field says so too, before Send is touched; correcting it clears the reason.
    value.fill("12,50")
    phone.get_by_label("Police reference").focus()
    expect(phone.locator(".field-error")).to_have_text(REFUSED[0][1])
    value.fill("12.50")
    phone.get_by_label("Police reference").focus()
    expect(phone.locator(".field-error")).to_have_count(0)
    expect(value).not_to_have_attribute("aria-invalid", "true")
    assert sent == [] and server.count_incidents(description) == 0
    assert (
        phone.evaluate("""() => new Promise((done) => { const r = indexedDB.open("shopwatch");
        r.onsuccess = () => { const g = r.result.transaction("outbox").objectStore("outbox").getAll();
        g.onsuccess = () => done(g.result.filter((e) => e.input.description.includes("wrongly")).length);
        }; })""")
        == 0
    )


def test_an_emptied_time_opens_more_details_to_be_corrected(page: Page, server: Server) -> None:
    description = start_report(page, "Sent with the time emptied")
    open_more_details(page)
    page.get_by_label("When").fill("")
    page.locator("details.more-details summary").click()  # Folded again, the time still empty.
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_label("When")).to_be_visible()
    assert page.get_by_label("When").evaluate("(input) => !input.validity.valid")
    assert server.count_incidents(description) == 0


def _file(name: str, data: bytes, mime: str = "image/jpeg") -> dict[str, object]:
    return {"name": name, "mimeType": mime, "buffer": data}


GIF = b"GIF89a" + bytes(200)
# A JPEG's first bytes with nothing after them: the phone's check (format and size) lets it pass,
# the server cannot decode it.
BROKEN_JPEG = jpeg()[:300]


def test_photos_the_server_would_refuse_are_left_out_on_the_phone_with_the_reason(
    phone: Page, server: Server, tmp_path: Path
) -> None:
    description = start_report(phone, "Photos checked on the phone")
    picker = phone.get_by_label("Add photos")
    # One byte over the limit, from a file on disk: a buffer this large is slow to hand to the browser.
    huge = tmp_path / "huge.jpg"
    huge.write_bytes(b"\xff\xd8\xff" + bytes(MAX_PHOTO_BYTES - 2))
    (tmp_path / "party.gif").write_bytes(GIF)
    (tmp_path / "till.jpg").write_bytes(jpeg())
    picker.set_input_files([tmp_path / "party.gif", huge, tmp_path / "till.jpg"])
    problems = phone.locator(".photo-problems li")
    expect(problems).to_have_text(
        [
            "party.gif was not added: GIF files are not accepted: "
            "please send the photo as JPEG, PNG, WebP or HEIC.",
            "huge.jpg was not added: The photo is 15.0 MB; the limit is 15 MB.",
        ]
    )
    expect(phone.get_by_role("img", name="Photo 1: till.jpg")).to_be_visible()
    expect(phone.locator(".previews img")).to_have_count(1)
    # A file named and typed as a photo is still judged by its bytes.
    picker.set_input_files(_file("notes.jpg", b"shopping list: milk, bread"))
    expect(problems).to_have_text(
        [
            "notes.jpg was not added: This file is not a photo in a format we accept: "
            "please send JPEG, PNG, WebP or HEIC."
        ]
    )
    # Six at most, as on the server.
    picker.set_input_files([_file(f"more-{i}.jpg", jpeg((i * 40, 90, 90))) for i in range(6)])
    expect(phone.locator(".previews img")).to_have_count(6)
    expect(problems).to_have_text(["more-5.jpg was not added: at most 6 photos can be added."])
    phone.get_by_role("button", name="Send report").click()
    expect(phone.get_by_role("heading", name="Report sent")).to_be_visible()
    assert photo_count(server, incident_row(server, description)[0]) == 6


def test_a_photo_the_server_refuses_is_named_in_words_never_by_its_field(page: Page, server: Server) -> None:
    description = start_report(page, "A photo that only the server can tell is broken")
    page.get_by_label("Add photos").set_input_files(
        [_file("good.jpg", jpeg()), _file("broken.jpg", BROKEN_JPEG)]
    )
    expect(page.locator(".previews img")).to_have_count(2)  # The phone's check lets both through.
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_role("heading", name="Report sent")).to_be_visible()
    expect(page.locator(".confirmation .photo-errors")).to_have_text(
        "Not kept with the report:"
        "Photo 2 (broken.jpg): The photo could not be read: the file may be damaged or incomplete."
    )
    assert "photos." not in page.locator("main").inner_text()
    assert photo_count(server, incident_row(server, description)[0]) == 1


SAMPLES = {
    "jpeg": jpeg(),
    "png": b"\x89PNG\r\n\x1a\n" + bytes(40),
    "webp": b"RIFF\x00\x00\x00\x00WEBPVP8 " + bytes(40),
    "heic": b"\x00\x00\x00\x18ftypheic" + bytes(40),
    "heif": b"\x00\x00\x00\x18ftypmif1" + bytes(40),
    "avif": b"\x00\x00\x00\x18ftypavif" + bytes(40),
    "gif": GIF,
    "bmp": b"BM" + bytes(60),
    "tiff": b"II*\x00" + bytes(40),
    "pdf": b"%PDF-1.7\n" + bytes(40),
    "svg": b'\xef\xbb\xbf  <svg xmlns="http://www.w3.org/2000/svg"></svg>',
    "xml-svg": b'<?xml version="1.0"?>' + b" " * 1100 + b"<svg></svg>",
    "text": b"hello",
}


def test_the_phone_judges_a_file_as_the_server_does(page: Page) -> None:
    """The phone's check (js/photo-check.js) and the server's (photo_formats.detect_format) give the
    same answer, in the same words, for every format the server names."""
    log_in(page, STAFF)
    for name, data in SAMPLES.items():
        try:
            detect_format(data)
            expected = None
        except PhotoRejected as refusal:
            expected = refusal.message
        on_phone = page.evaluate(
            """async (bytes) => (await import("/js/photo-check.js"))
                 .photoProblem(new File([new Uint8Array(bytes)], "x"))""",
            list(data),
        )
        assert on_phone == expected, name
    assert (
        page.evaluate(
            """async () => (await import("/js/photo-check.js")).photoProblem(new File([], "empty.jpg"))"""
        )
        == "The photo is empty."
    )


def test_three_reports_in_a_row_each_from_a_fresh_form(page: Page, server: Server) -> None:
    log_in(page, STAFF)
    descriptions = [f"Third of a run of three, number {n}" for n in (1, 2, 3)]
    shown: list[str] = []
    page.get_by_role("link", name="Report an incident").click()
    for number, description in enumerate(descriptions):
        form = page.locator("form.report")
        # Fresh: nothing left from the report before, the camera button ready for a new photo.
        expect(page.get_by_label("What happened", exact=True)).to_have_value("")
        expect(page.get_by_role("radio", name="Theft")).to_be_checked()
        expect(form.locator(".previews img")).to_have_count(0)
        expect(form.locator("details.more-details")).not_to_have_attribute("open", "")
        expect(page.get_by_label("Value stolen (£)")).to_have_value("")
        expect(page.get_by_label("Police reference")).to_have_value("")
        expect(page.get_by_label("Vehicle registration")).to_have_value("")
        expect(page.get_by_label("Someone was injured")).not_to_be_checked()
        expect(form.locator(".offenders input:checked")).to_have_count(0)
        expect(page.get_by_label("Add photos")).to_be_enabled()
        expect(page.get_by_label("Add photos")).to_have_js_property("value", "")
        page.get_by_text("Criminal damage" if number else "Theft", exact=True).click()
        page.get_by_label("What happened", exact=True).fill(description)
        page.get_by_label("Add photos").set_input_files(
            _file(f"photo-{number}.jpg", jpeg((number * 80, 60, 60)))
        )
        open_more_details(page)
        page.get_by_label("Value stolen (£)").fill("9.99")
        page.get_by_label("Vehicle registration").fill("MH19 VNX")
        page.get_by_label("Someone was injured").check()
        page.get_by_role("button", name="Send report").click()
        expect(page.get_by_role("heading", name="Report sent")).to_be_visible()
        shown.append(page.locator(".reference-code").inner_text())
        if number == 0:
            page.get_by_role("link", name="Report another").click()
        else:
            # The menu's "Report", though it names the screen already shown, starts a fresh form too.
            page.locator("#nav").get_by_role("link", name="Report", exact=True).click()
        expect(page.get_by_role("heading", name="Report an incident")).to_be_visible()
    rows = [incident_row(server, d) for d in descriptions]
    assert len({row[0] for row in rows}) == 3 and len({row[1] for row in rows}) == 3
    # Each confirmation gave its own incident's reference.
    assert shown == [row[4] for row in rows] and len(set(shown)) == 3
    assert all(photo_count(server, row[0]) == 1 for row in rows)


def test_the_confirmation_says_who_sees_the_report_and_that_the_police_do_not_have_it(
    phone: Page, server: Server
) -> None:
    description = start_report(phone, "Confirmation read")
    phone.get_by_role("button", name="Send report").click()
    confirmation = phone.locator(".confirmation")
    expect(phone.get_by_role("heading", name="Report sent")).to_be_visible()
    expect(confirmation.locator(".police-status")).to_contain_text(NOT_POLICE)
    expect(confirmation.locator(".police-status")).to_contain_text(
        "when a manager of the BID refers it to them"
    )
    expect(confirmation.locator(".who-sees")).to_have_text(
        "Who can see it: the staff of Riverside Supermarket, the managers of Market Harcombe Town Centre BID "
        "and the police covering it, and Shopwatch's administrators."
    )
    expect(confirmation).not_to_contain_text("is with the BID and the police team")
    expect(phone.get_by_role("link", name="Report another")).to_be_visible()
    # What the words say is what the server does: its shop's staff, the BID's managers and the
    # police covering the BID see it; a manager of another BID does not.
    [(_, _, _, police_reference, reference)] = [incident_row(server, description)]
    assert police_reference is None and re.fullmatch(r"[A-Z0-9]+-\d{4}-\d{5}", str(reference))
    expect(confirmation.locator(".reference")).to_contain_text(f"Reference {reference}")
    expect(confirmation.locator(".reference")).to_contain_text(
        "Quote it when you speak to the BID or the police"
    )
    query = "query($t: String) { incidents(filter: {text: $t}) { edges { node { id } } } }"
    for who, sees in ((STAFF, 1), (MANAGER, 1), (PCSO, 1), ("park.manager@example.org", 0)):
        found = server.graphql(query, {"t": description}, token=server.login(who))["incidents"]["edges"]
        assert len(found) == sees, who


def test_the_confirmation_with_a_police_reference_says_the_police_have_it(page: Page, server: Server) -> None:
    description = start_report(page, "Reported to the police by phone first")
    open_more_details(page)
    page.get_by_label("Police reference").fill("CAD 1234/05DEC")
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_role("heading", name="Report sent")).to_be_visible()
    expect(page.locator(".police-status")).to_have_text(
        "Police reference CAD 1234/05DEC: the police have this incident under that reference."
    )
    expect(page.locator(".confirmation")).not_to_contain_text(NOT_POLICE)
    assert incident_row(server, description)[3] == "CAD 1234/05DEC"


def test_the_confirmation_of_a_report_made_offline_says_it_waits_and_its_reference_comes_later(
    phone: Page, server: Server
) -> None:
    description = start_report(phone, "Made with no signal")
    phone.context.set_offline(True)
    phone.get_by_role("button", name="Send report").click()
    expect(phone.get_by_role("heading", name="Saved on this phone")).to_be_visible()
    confirmation = phone.locator(".confirmation")
    expect(confirmation.locator(".waiting-status")).to_contain_text("Waiting to send")
    expect(confirmation).to_contain_text("Its reference comes when it is sent")
    expect(confirmation.locator(".police-status")).to_contain_text(NOT_POLICE)
    expect(confirmation.locator(".who-sees")).to_contain_text(
        "Who will see it: the staff of Riverside Supermarket"
    )
    expect(confirmation.locator(".reference-code")).to_have_count(0)
    assert server.count_incidents(description) == 0
    phone.context.set_offline(False)
    assert server.wait_for_incidents(description) == 1
    # Sent, its reference is on the report, under Reports, as the confirmation said.
    reference = incident_row(server, description)[4]
    phone.locator("#nav").get_by_role("link", name="Reports", exact=True).click()
    expect(phone.locator("#recent-reports li", has_text=description)).to_contain_text(str(reference))


def test_a_manager_reporting_for_a_shop_is_told_that_shops_staff_see_it(page: Page, server: Server) -> None:
    token = server.login(STAFF)
    staff_shop = staff_shop_id(server, token)
    log_in(page, MANAGER)
    page.goto("/#/report")
    page.get_by_label("Shop").select_option(value=staff_shop)
    page.get_by_label("What happened", exact=True).fill("Reported by the manager for Riverside")
    page.get_by_role("button", name="Send report").click()
    expect(page.locator(".who-sees")).to_contain_text("the staff of Riverside Supermarket")
