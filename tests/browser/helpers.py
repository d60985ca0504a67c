"""What several browser tests do: make photos, report through the API, wait for the service worker."""

from __future__ import annotations

import email
import io
import json
import re
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
from PIL import Image, ImageDraw
from playwright.sync_api import Locator, Page, expect

from tests.browser.server import MANAGER, Server


def jpeg(colour: tuple[int, int, int] = (200, 30, 30), size: tuple[int, int] = (640, 480)) -> bytes:
    image = Image.new("RGB", size, colour)
    ImageDraw.Draw(image).ellipse((size[0] // 4, size[1] // 4, size[0] // 2, size[1] // 2), fill=(0, 0, 0))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def open_more_details(page: Page) -> None:
    """Unfolds the report form's optional fields (time, value, references, offenders)."""
    more = page.locator("details.more-details")
    if more.get_attribute("open") is None:
        more.locator("summary").click()
    expect(page.get_by_label("Value stolen (£)")).to_be_visible()


def fill_report(page: Page, description: str, *, photo: bytes | None = None, value: str = "24.99") -> None:
    """The report form filled in as shop staff would, not yet sent."""
    page.goto("/#/report")
    page.get_by_text("Theft", exact=True).click()
    page.get_by_label("What happened", exact=True).fill(description)
    if value:
        open_more_details(page)
        page.get_by_label("Value stolen (£)").fill(value)
    if photo is not None:
        page.get_by_label("Add photos").set_input_files(
            {"name": "shoplifter.jpg", "mimeType": "image/jpeg", "buffer": photo}
        )
        expect(page.get_by_role("img", name="Photo 1: shoplifter.jpg")).to_be_visible()


def photo_hashes(server: Server, text: str) -> list[str]:
    """The SHA-256 of the originals the server stored for the one incident matching `text`."""
    [edge] = server.graphql(
        "query($t: String) { incidents(filter: {text: $t}) { edges { node { photos { sha256 } } } } }",
        {"t": text},
        token=server.login(MANAGER),
    )["incidents"]["edges"]
    return [photo["sha256"] for photo in edge["node"]["photos"]]


def staff_shop_id(server: Server, token: str) -> str:
    me = server.graphql("{ me { memberships { shop { id } } } }", token=token)["me"]
    return str(next(m["shop"]["id"] for m in me["memberships"] if m["shop"]))


def report(server: Server, token: str, **fields: Any) -> dict[str, Any]:
    """A report through the API, as another phone would make it; the incident's id."""
    fields.setdefault("kind", "THEFT")
    fields.setdefault("description", "Report made for the test")
    if "shopId" not in fields:
        fields["shopId"] = staff_shop_id(server, token)
    fields.setdefault("occurredAt", datetime.now(UTC).isoformat())
    data = server.graphql(
        "mutation($input: ReportIncidentInput!) { reportIncident(input: $input) { __typename "
        "... on ReportIncidentSuccess { incident { id } } ... on ValidationError { field message } } }",
        {"input": {"clientId": str(uuid.uuid4()), **fields}},
        token=token,
    )
    result = data["reportIncident"]
    assert result["__typename"] == "ReportIncidentSuccess", result
    return dict(result["incident"])


def create_offender(server: Server, token: str, bid_id: str, name: str, photo: bytes) -> str:
    query = (
        "mutation($input: CreateOffenderInput!) { createOffender(input: $input) { __typename "
        "... on CreateOffenderSuccess { offender { id } } } }"
    )
    variables = {"input": {"bidId": bid_id, "displayName": name, "description": "Grey hoodie", "photo": None}}
    response = httpx.post(
        f"{server.base_url}/graphql",
        data={
            "operations": json.dumps({"query": query, "variables": variables}),
            "map": json.dumps({"0": ["variables.input.photo"]}),
        },
        files={"0": ("face.jpg", photo, "image/jpeg")},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    response.raise_for_status()
    result = response.json()["data"]["createOffender"]
    assert result["__typename"] == "CreateOffenderSuccess", result
    return str(result["offender"]["id"])


def bid_id(server: Server, token: str) -> str:
    return str(server.graphql("{ bids { id } }", token=token)["bids"][0]["id"])


def wait_until(page: Page, expression: str, arg: Any = None, timeout: float = 15) -> None:
    """Until `expression` (a JS function of `arg`) is true in the page. Polls with `evaluate`,
    which the page's CSP does not govern, where Playwright's own `wait_for_function` polls with an
    in-page `eval` that our CSP (rightly) refuses."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression, arg):
        assert time.monotonic() < deadline, f"still false after {timeout} s: {expression}"
        time.sleep(0.1)


def wait_for_service_worker(page: Page) -> None:
    """Until the service worker has cached the shell and controls this page."""
    wait_until(page, "() => navigator.serviceWorker.controller !== null")


def wait_for_image(page: Page, image: Locator) -> None:
    """Until the image has loaded and decoded to real pixels."""
    wait_until(page, "img => img.complete && img.naturalWidth > 0", image.element_handle())


def mailed_link(server: Server, to: str, route: str, subject: str = "") -> str:
    """The app link to `route` (e.g. "#/alerts/") in an email to `to`, whose subject contains
    `subject`, that the server's worker wrote."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        for path in sorted(server.mail_dir.glob("*.eml")):
            message = email.message_from_bytes(path.read_bytes())
            if to not in message["To"] or subject not in str(message["Subject"]):
                continue
            for part in message.walk():
                if part.get_content_type() == "text/plain":
                    found = re.search(
                        rf"https?://\S+{re.escape(route)}\S+", part.get_payload(decode=True).decode()
                    )
                    if found:
                        return found.group(0)
        time.sleep(0.2)
    raise AssertionError(f"no email to {to} with a {route} link")


def open_menu(page: Page, label: str) -> None:
    """Follows a menu entry, from under "More" when it is there."""
    if not page.locator("#nav .nav-row").get_by_role("link", name=label, exact=True).is_visible():
        page.get_by_role("button", name="More", exact=True).click()
    page.locator("#nav").get_by_role("link", name=label, exact=True).click()


def open_manage(page: Page) -> None:
    """The manager's BID screen, from the menu; once it is shown (the home tile leading there has
    some of the same words as its links)."""
    open_menu(page, "Manage")
    expect(page.get_by_role("heading", name="Manage Market Harcombe Town Centre BID")).to_be_visible()


def said(page: Page) -> Locator:
    """The message a change leaves above the screen."""
    return page.locator("main").get_by_role("status")
