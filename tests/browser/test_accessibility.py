"""The quality bar, measured in the browser on every screen: labels, tap targets, focus, 360 px."""

from __future__ import annotations

import base64
import io
import re

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import BrowserContext, Page

from tests.browser.conftest import log_in
from tests.browser.helpers import bid_id, fill_report, report
from tests.browser.server import ADMIN, MANAGER, PCSO, STAFF, Server

MIN_TAP = 44

# Every form control's accessible name, as the browser computes it from <label>/aria attributes.
UNLABELLED = """() => [...document.querySelectorAll('input, select, textarea')].filter(el => {
  const labels = [...(el.labels || [])].map(l => l.textContent.trim()).filter(Boolean);
  const aria = (el.getAttribute('aria-label') || '').trim();
  const by = (el.getAttribute('aria-labelledby') || '').split(' ').filter(Boolean)
    .map(id => document.getElementById(id)?.textContent.trim()).filter(Boolean);
  return !labels.length && !aria && !by.length;
}).map(el => el.outerHTML)"""

# The tap target of each control: the control itself, or for radios, checkboxes and the file input
# (drawn as their labels) the label a thumb actually presses.
SMALL_TARGETS = """(min) => {
  const targets = [];
  for (const el of document.querySelectorAll('a[href], button, input, select, textarea, summary')) {
    const drawnAsLabel = el.matches('input[type=radio], input[type=checkbox], input[type=file]');
    for (const target of drawnAsLabel ? [...el.labels] : [el]) {
      const box = target.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) continue;          // not shown
      if (target.closest('.skip') && box.right < 0) continue;     // skip link, off screen until focused
      if (box.width < min || box.height < min)
        targets.push(`${target.tagName} "${target.textContent.trim().slice(0, 30)}" `
          + `${Math.round(box.width)}x${Math.round(box.height)}`);
    }
  }
  return targets;
}"""


def _screens(server: Server) -> list[tuple[str, str]]:
    staff = server.login(STAFF)
    incident = report(server, staff, description="Accessibility check", vehicleRegistration="MH26 ACC")
    report(server, staff, description="Accessibility check again", vehicleRegistration="MH26ACC")
    alert = server.graphql("{ alerts { edges { node { id } } } }", token=server.login(PCSO))
    alert_id = alert["alerts"]["edges"][0]["node"]["id"]
    offender = _an_offender(server)
    bid = bid_id(server, server.login(MANAGER))
    case = _a_case(server)
    return [
        (STAFF, "/#/"),
        (STAFF, "/#/report"),
        (STAFF, "/#/reports"),
        (STAFF, f"/#/incidents/{incident['id']}"),
        (STAFF, f"/#/incidents/{incident['id']}/statement"),
        (STAFF, f"/#/shops/{_a_shop(server)}"),
        (STAFF, "/#/gallery"),
        (STAFF, f"/#/gallery/{offender}"),
        (MANAGER, "/#/dashboard"),
        (MANAGER, "/#/reports?kind=THEFT&status=CLOSED&from=2026-01-01&q=took"),
        (MANAGER, f"/#/shops/{_a_shop(server)}"),
        (MANAGER, f"/#/gallery/{offender}"),
        (MANAGER, f"/#/gallery/{offender}/edit"),
        (MANAGER, "/#/gallery/new"),
        (MANAGER, f"/#/incidents/{incident['id']}"),
        (MANAGER, f"/#/incidents/{case}"),
        (MANAGER, f"/#/incidents/{case}/statement"),
        (PCSO, "/#/alerts"),
        (PCSO, f"/#/alerts/{alert_id}"),
        (PCSO, "/#/cases?state=REPORTED"),
        (PCSO, f"/#/incidents/{case}"),
        *_workspace_screens(bid),
    ]


def _signature() -> str:
    image = Image.new("RGB", (600, 200), "white")
    ImageDraw.Draw(image).line([(40, 150), (200, 60), (320, 150), (560, 70)], fill="black", width=5)
    out = io.BytesIO()
    image.save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


_EVIDENCE = {
    "recordWitnessStatement": {
        "witnessName": "Mary Ann Smith",
        "occupation": "Sales assistant",
        "over18": True,
        "text": "I saw a man take two bottles of gin and walk out without paying.",
        "signature": {"image": _signature(), "typedName": "Mary Ann Smith"},
    },
    "referToPolice": {"crimeReference": "MH/26/0001", "note": "CCTV kept"},
    "setIncidentProperty": {
        "lines": [{"description": "Gin 70cl", "quantity": 2, "unitPricePence": 2499, "recovered": False}]
    },
}


def _a_case(server: Server) -> str:
    """An incident with a signed statement, property and a referral to the police."""
    staff, manager = server.login(STAFF), server.login(MANAGER)
    incident = report(server, staff, description="Gin taken, referred for the accessibility check")["id"]
    for mutation, fields in _EVIDENCE.items():
        kind = mutation[0].upper() + mutation[1:]
        answer = server.graphql(
            f"mutation($input: {kind}Input!) {{ {mutation}(input: $input) {{ __typename }} }}",
            {"input": {"incidentId": incident, **fields}},
            token=manager,
        )[mutation]
        assert answer["__typename"].endswith("Success"), (mutation, answer)
    return str(incident)


def _workspace_screens(bid: str) -> list[tuple[str, str]]:
    managing = [f"/#/manage/{bid}{screen}" for screen in ("", "/shops", "/people", "/rules")]
    return [(MANAGER, path) for path in managing] + [
        (ADMIN, path) for path in ("/#/bids", "/#/teams", "/#/people", "/#/audit")
    ]


def _a_shop(server: Server) -> str:
    return str(
        server.graphql("{ bids { shops { id } } }", token=server.login(MANAGER))["bids"][0]["shops"][0]["id"]
    )


def _an_offender(server: Server) -> str:
    manager = server.login(MANAGER)
    bid = server.graphql("{ bids { id } }", token=manager)["bids"][0]["id"]
    gallery = server.graphql(
        "query($b: ID!) { offenders(bidId: $b, first: 1) { edges { node { id } } } }",
        {"b": bid},
        token=manager,
    )
    return str(gallery["offenders"]["edges"][0]["node"]["id"])


def _check(page: Page, path: str) -> None:
    # A hash change keeps the page: the last screen's heading must not pass for this one's.
    if "#/" in page.url and not page.url.endswith(path):
        page.evaluate("document.querySelector('main')?.replaceChildren()")
    page.goto(path)
    page.locator("main h1").first.wait_for()
    page.wait_for_load_state("networkidle")
    for summary in page.locator("details summary").all():
        summary.click()  # Tables behind "table" disclosures are measured too.
    assert page.evaluate(UNLABELLED) == [], path
    assert page.evaluate(SMALL_TARGETS, MIN_TAP) == [], path
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"], path


@pytest.mark.parametrize("width", [360, 390])
def test_every_screen_is_labelled_and_thumb_sized(
    context: BrowserContext, page: Page, server: Server, width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    page.goto("/")
    _check(page, "/#/login")
    _check(page, "/#/forgot")
    screens = _screens(server) if width == 360 else _screens_again(server)
    current = None
    for account, path in screens:
        if account != current:
            context.clear_cookies()
            page.evaluate("localStorage.clear()")
            log_in(page, account)
            current = account
        _check(page, path)


def _screens_again(server: Server) -> list[tuple[str, str]]:
    alert = server.graphql("{ alerts { edges { node { id } } } }", token=server.login(PCSO))
    offender = _an_offender(server)
    case = _a_case(server)
    return [
        (STAFF, "/#/report"),
        (STAFF, f"/#/incidents/{case}/statement"),
        (MANAGER, f"/#/incidents/{case}"),
        (MANAGER, f"/#/incidents/{case}/statement"),
        (MANAGER, "/#/dashboard"),
        (MANAGER, f"/#/shops/{_a_shop(server)}"),
        (MANAGER, f"/#/gallery/{offender}"),
        (PCSO, f"/#/alerts/{alert['alerts']['edges'][0]['node']['id']}"),
        (PCSO, "/#/cases"),
        *_workspace_screens(bid_id(server, server.login(MANAGER))),
    ]


def test_keyboard_focus_is_visible(page: Page) -> None:
    page.goto("/#/login")
    page.get_by_label("Email").wait_for()
    for _ in range(4):
        page.keyboard.press("Tab")
        outline = page.evaluate(
            "() => { const s = getComputedStyle(document.activeElement);"
            " return [s.outlineStyle, parseFloat(s.outlineWidth)]; }"
        )
        assert outline[0] != "none" and outline[1] >= 2, outline


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_text_colours_meet_wcag_aa_contrast(page: Page) -> None:
    """Text against its background, as the browser computes both, on the screens' main elements."""
    page.goto("/#/login")
    page.get_by_label("Email").wait_for()
    css = page.request.get("/css/app.css").text()
    variables = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", css))
    pairs = [
        ("ink", "paper"),
        ("muted", "paper"),
        ("muted", "panel"),
        ("theme", "paper"),
        ("theme-ink", "theme"),
        ("ink", "accent"),
        ("danger", "paper"),
        ("ok", "paper"),
        ("ink", "panel"),
    ]
    for text, background in pairs:
        assert _contrast(variables[text], variables[background]) >= 4.5, (text, background)
    # Controls' borders and the focus ring are non-text: 3:1.
    assert _contrast(variables["line"], variables["paper"]) >= 3
    # The focus ring is an orange outline inside a dark halo: one of the two stands out on any background.
    assert _contrast(variables["focus"], variables["theme"]) >= 3
    assert _contrast(variables["ink"], variables["paper"]) >= 3


@pytest.mark.parametrize("width", [360, 390])
def test_refused_reports_and_their_correction_are_labelled_and_thumb_sized(
    page: Page, server: Server, width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    log_in(page, STAFF)
    fill_report(page, f"Refused for the accessibility check at {width} px", value="150000")
    page.get_by_role("button", name="Send report").click()
    page.locator(".form-status .refusal-reason").wait_for()
    _check(page, "/#/")
    client_id = page.locator(".outbox li[data-state=refused]").first.get_attribute("data-client-id")
    _check(page, f"/#/report/{client_id}")
