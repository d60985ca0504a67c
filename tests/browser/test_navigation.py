"""The menu on a phone (one row whatever the role, the rest under "More"), every screen saying where
you are in its heading and the document's title, and a link opened while logged out coming back to
its screen after the login."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in
from tests.browser.server import DEMO_PASSWORD, MANAGER, PCSO, STAFF, Server

ADMIN = "admin@example.org"

# The menu entries each demo account sees, in order (frontend/js/menu.js).
MENUS = {
    STAFF: ["Home", "Report", "Reports", "Gallery", "Live"],
    MANAGER: ["Home", "Report", "Alerts", "Dashboard", "Reports", "Gallery", "Live", "Cases", "Manage"],
    PCSO: ["Home", "Alerts", "Cases", "Dashboard", "Reports", "Gallery", "Live"],
    ADMIN: [
        "Home",
        "Alerts",
        "Dashboard",
        "Reports",
        "Gallery",
        "Live",
        "Cases",
        *["BIDs", "Teams", "People", "Audit"],
    ],
}

# The words each entry's screen starts its heading with ("Manage" is followed by the BID's name).
HEADINGS = {
    "Home": "Hello",
    "Report": "Report an incident",
    "Live": "Live alerts",
    "Alerts": "Alerts",
    "Dashboard": "Dashboard",
    "Cases": "Police cases",
    "Reports": "Recent reports",
    "Gallery": "Offender gallery",
    "Manage": "Manage",
    "BIDs": "BIDs",
    "Teams": "Neighbourhood teams",
    "People": "People",
    "Audit": "Audit trail",
}

ROW_ITEMS = (
    "() => [...document.querySelectorAll('#nav .nav-row > li')].map(li => li.getBoundingClientRect().top)"
)
TITLE = " \N{EN DASH} Shopwatch"  # after the screen's words, as the app writes it


def _menu_row(page: Page) -> list[str]:
    return [text.strip() for text in page.locator("#nav .nav-row > li > a").all_inner_texts()]


def _menu_more(page: Page) -> list[str]:
    return [text.strip() for text in page.locator("#nav-more a").all_inner_texts()]


@pytest.mark.parametrize("width", [360, 390])
@pytest.mark.parametrize("email", [STAFF, MANAGER, PCSO, ADMIN])
def test_the_menu_is_one_row_with_the_rest_under_more(
    page: Page, server: Server, email: str, width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    log_in(page, email)
    tops = page.evaluate(ROW_ITEMS)
    assert len(set(tops)) == 1, f"the menu wraps: {tops}"
    assert page.locator("#nav").bounding_box()["height"] < 50  # type: ignore[index]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    more = page.get_by_role("button", name="More", exact=True)
    row = _menu_row(page)
    if more.is_visible():
        expect(page.locator("#nav-more")).to_be_hidden()
        more.click()
        expect(more).to_have_attribute("aria-expanded", "true")
        expect(page.locator("#nav-more")).to_be_visible()
        assert row + _menu_more(page) == MENUS[email]
    else:
        assert row == MENUS[email]


def test_a_managers_menu_at_360_px_puts_the_last_entries_under_more(page: Page, server: Server) -> None:
    page.set_viewport_size({"width": 360, "height": 800})
    log_in(page, MANAGER)
    more = page.get_by_role("button", name="More", exact=True)
    expect(more).to_be_visible()
    assert _menu_more(page)[-1] == "Manage"
    # Escape closes the list and gives focus back to the button.
    more.click()
    page.locator("#nav-more").get_by_role("link", name="Gallery").focus()
    page.keyboard.press("Escape")
    expect(page.locator("#nav-more")).to_be_hidden()
    expect(more).to_be_focused()
    expect(more).to_have_attribute("aria-expanded", "false")
    # A tap anywhere else closes it too.
    more.click()
    page.mouse.click(200, 700)
    expect(page.locator("#nav-more")).to_be_hidden()
    # Following an entry under "More" opens its screen, closes the list and marks the button.
    more.click()
    page.locator("#nav-more").get_by_role("link", name="Gallery").click()
    expect(page.get_by_role("heading", name="Offender gallery")).to_be_visible()
    expect(page.locator("#nav-more")).to_be_hidden()
    expect(more).to_have_class("nav-more nav-more-current")
    expect(page.locator("#nav-more a", has_text="Gallery")).to_have_attribute("aria-current", "page")


def test_the_menu_lays_itself_out_again_when_the_phone_turns(page: Page, server: Server) -> None:
    page.set_viewport_size({"width": 360, "height": 800})
    log_in(page, MANAGER)
    expect(page.get_by_role("button", name="More", exact=True)).to_be_visible()
    page.set_viewport_size({"width": 800, "height": 400})
    expect(page.get_by_role("button", name="More", exact=True)).to_be_hidden()
    assert _menu_row(page) == MENUS[MANAGER]
    page.set_viewport_size({"width": 360, "height": 800})
    expect(page.get_by_role("button", name="More", exact=True)).to_be_visible()
    assert len(set(page.evaluate(ROW_ITEMS))) == 1


@pytest.mark.parametrize("email", [MANAGER, STAFF, ADMIN])
def test_every_menu_entry_opens_a_screen_whose_heading_and_title_say_where_you_are(
    page: Page, server: Server, email: str
) -> None:
    page.set_viewport_size({"width": 360, "height": 800})
    log_in(page, email)
    expect(page).to_have_title("Home" + TITLE)
    for label in MENUS[email]:
        more = page.get_by_role("button", name="More", exact=True)
        if not page.locator("#nav .nav-row").get_by_role("link", name=label, exact=True).is_visible():
            more.click()
        page.locator("#nav").get_by_role("link", name=label, exact=True).click()
        heading = page.locator("main h1")
        expect(heading).to_contain_text(HEADINGS[label])
        words = "Home" if label == "Home" else heading.inner_text()
        assert words.startswith(HEADINGS[label]) or label == "Home"
        expect(page).to_have_title(words + TITLE)
        # The entry is marked: "page" on its own screen, "true" on a screen within its section.
        entry = page.locator("#nav a").filter(has_text=label).filter(has_not_text=f"{label}s")
        expect(entry).to_have_attribute("aria-current", re.compile("^(page|true)$"))
        if label != "Home":  # Home was already open: nothing moved.
            # Focus moves into the new screen, so a screen reader reads it from its top.
            assert page.evaluate("document.getElementById('main').contains(document.activeElement)")


def _first_incident(server: Server, token: str) -> dict[str, Any]:
    found = server.graphql("{ incidents(first: 1) { edges { node { id shop { name } } } } }", token=token)
    return dict(found["incidents"]["edges"][0]["node"])


def test_a_screen_off_the_menu_and_a_missing_one_name_themselves(page: Page, server: Server) -> None:
    token = server.login(MANAGER)
    node = _first_incident(server, token)
    log_in(page, MANAGER)
    page.goto(f"/#/incidents/{node['id']}")
    expect(page.locator("main h1")).to_contain_text(f"at {node['shop']['name']}")
    heading = page.locator("main h1").inner_text()
    expect(page).to_have_title(heading + TITLE)
    page.goto("/#/nowhere")
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    expect(page).to_have_title("Not found" + TITLE)


def _log_in_here(page: Page, email: str) -> None:
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_a_link_opened_while_logged_out_opens_its_screen_after_the_login(page: Page, server: Server) -> None:
    token = server.login(MANAGER)
    node = _first_incident(server, token)
    page.goto(f"/#/incidents/{node['id']}")
    expect(page).to_have_url(f"{server.base_url}/#/login?next=%2Fincidents%2F{node['id']}")
    expect(page.get_by_text("Log in to open the screen you followed.")).to_be_visible()
    _log_in_here(page, MANAGER)
    expect(page.locator("main h1")).to_contain_text(f"at {node['shop']['name']}")
    expect(page).to_have_url(f"{server.base_url}/#/incidents/{node['id']}")
    # The query of the link comes back with it.
    page.locator("#nav").get_by_role("link", name="Home").click()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    page.goto("/#/dashboard?from=2026-11-02&to=2026-11-08")
    _log_in_here(page, MANAGER)
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    # The dashboard shows the period the link named, and keeps it in its link with the BID.
    expect(page.locator(".results h2").first).to_contain_text("2 Nov to 8 Nov")
    expect(page).to_have_url(re.compile(r"/#/dashboard\?bid=[^&]+&from=2026-11-02&to=2026-11-08$"))


@pytest.mark.parametrize("next_path", ["%2F%2Fexample.org%2F", "https%3A%2F%2Fexample.org%2F", "%2Flogin"])
def test_a_login_link_naming_anything_but_a_screen_of_the_app_goes_home(
    page: Page, server: Server, next_path: str
) -> None:
    page.goto(f"/#/login?next={next_path}")
    _log_in_here(page, STAFF)
    expect(page.get_by_role("heading", name="Hello, Sam Staff")).to_be_visible()
    expect(page).to_have_url(f"{server.base_url}/#/")


def test_logging_out_and_in_again_goes_home(page: Page, server: Server) -> None:
    log_in(page, STAFF)
    page.locator("#nav").get_by_role("link", name="Gallery").click()
    expect(page.get_by_role("heading", name="Offender gallery")).to_be_visible()
    page.locator("#nav").get_by_role("link", name="Home").click()
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(f"{server.base_url}/#/login")
    _log_in_here(page, STAFF)
    expect(page.get_by_role("heading", name="Hello, Sam Staff")).to_be_visible()
