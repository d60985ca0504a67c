"""Finding reports: the filtered list, its link, the shop page, the plan of the BID, and the
dashboard leading to the reports behind each figure; each checked against the server's rows."""

from __future__ import annotations

import base64
import os
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.conftest import log_in
from tests.browser.server import MANAGER, STAFF, Server

LONDON = ZoneInfo("Europe/London")


def shot(page: Page, name: str) -> None:
    """The screen as it is now, when screenshots are asked for."""
    folder = os.environ.get("SHOPWATCH_SCREENSHOTS")
    if folder:
        width = page.viewport_size["width"] if page.viewport_size else 0
        page.screenshot(path=str(Path(folder) / f"{name}-{width}.png"), full_page=True)


def pk(value: str) -> int:
    return int(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode().split(":")[1])


def global_id(kind: str, key: int) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{key}".encode()).decode().rstrip("=")


def when(value: object) -> datetime:
    """A stored time as an aware datetime, from either database."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def shown_incidents(page: Page) -> list[int]:
    """Every incident the list shows, after "Show more" until there is no more."""
    more = page.get_by_role("button", name="Show more")
    page.locator("#recent-reports li").first.wait_for()
    while more.is_visible():
        count = page.locator("#recent-reports li").count()
        more.click()
        expect(page.locator("#recent-reports li")).not_to_have_count(count)
    links = page.locator("#recent-reports a").evaluate_all("links => links.map(a => a.hash)")
    return [pk(link.split("/")[-1]) for link in links]


def stored(
    server: Server, sql: str, *params: object, first: date | None = None, last: date | None = None
) -> list[int]:
    """Incident ids from the server's own rows, newest first, within UK dates when given."""
    rows = server.rows(f"SELECT id, occurred_at FROM incident WHERE {sql}", *params)
    start = datetime.combine(first, datetime.min.time(), LONDON) if first else None
    end = datetime.combine(last + timedelta(days=1), datetime.min.time(), LONDON) if last else None
    kept = [
        (when(at), pk)
        for pk, at in rows
        if (start is None or when(at) >= start) and (end is None or when(at) < end)
    ]
    return [pk for _, pk in sorted(kept, reverse=True)]


def shop_named(server: Server, name: str) -> int:
    [(key,)] = server.rows("SELECT id FROM shop WHERE name = ?", name)
    return int(key)


@pytest.mark.parametrize("width", [390, 360])
def test_a_filtered_link_shows_exactly_the_incidents_the_server_holds(
    page: Page, server: Server, width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 844})
    log_in(page, MANAGER)
    shop = shop_named(server, "Riverside Supermarket")
    today = datetime.now(LONDON).date()
    first, last = today - timedelta(days=70), today - timedelta(days=5)
    expected = stored(
        server, "shop_id = ? AND kind = ? AND status = ?", shop, "THEFT", "CLOSED", first=first, last=last
    )
    assert len(expected) > 1  # the demo's history gives the filter something to find
    query = urlencode(
        {
            "shop": global_id("Shop", shop),
            "kind": "THEFT",
            "status": "CLOSED",
            "from": first.isoformat(),
            "to": last.isoformat(),
        }
    )
    page.goto(f"/#/reports?{query}")
    assert shown_incidents(page) == expected
    expect(page.locator("#filter-summary")).to_contain_text("Theft, Closed, at Riverside Supermarket")
    # The form shows what the link asks for.
    expect(page.get_by_label("Kind")).to_have_value("THEFT")
    expect(page.get_by_label("Status")).to_have_value("CLOSED")
    expect(page.get_by_label("From")).to_have_value(first.isoformat())
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(page, "reports-filtered")


def test_filters_chosen_on_the_form_go_into_the_link_and_the_link_opens_the_same_list(
    context: BrowserContext, page: Page, server: Server
) -> None:
    log_in(page, MANAGER)
    page.goto("/#/reports")
    page.get_by_text("More filters").click()
    page.get_by_label("Shop").select_option(label="Riverside Supermarket")
    page.get_by_label("Status").select_option("NEW")
    page.get_by_role("button", name="Show reports").click()
    expect(page).to_have_url(re.compile(r"#/reports\?.*status=NEW"))
    expect(page.locator("#filter-summary")).to_contain_text("New, at Riverside Supermarket")
    shown = shown_incidents(page)
    assert shown == stored(
        server, "shop_id = ? AND status = ?", shop_named(server, "Riverside Supermarket"), "NEW"
    )
    link = page.url
    # The link, opened by someone else on another phone, shows the same list.
    other = context.browser.new_context(
        base_url=page.url.split("/#")[0], viewport={"width": 390, "height": 844}
    )  # type: ignore[union-attr]
    try:
        phone = other.new_page()
        log_in(phone, MANAGER)
        phone.goto(link)
        assert shown_incidents(phone) == shown
    finally:
        other.close()
    # Words search descriptions, police references and registrations.
    page.goto("/#/reports")
    expect(page.locator("#filter-summary")).to_have_text("Showing every report you can see, newest first.")
    page.get_by_label("Search").fill("MH19 VNX")
    page.get_by_role("button", name="Show reports").click()
    expect(page.locator("#filter-summary")).to_contain_text("matching “MH19 VNX”")
    assert shown_incidents(page) == stored(server, "vehicle_registration = ?", "MH19VNX")


def test_shop_staff_follow_a_link_to_another_shop_and_see_nothing_of_it(page: Page, server: Server) -> None:
    log_in(page, STAFF)
    other = shop_named(server, "Greenway Pharmacy")
    page.goto(f"/#/reports?shop={global_id('Shop', other)}")
    expect(page.locator("#recent-reports")).to_contain_text("No reports match these filters.")
    # A kind the app does not know is left out rather than refused in the API's words.
    page.goto("/#/reports?kind=SHOUTING")
    expect(page.locator("#filter-summary")).to_have_text("Showing every report you can see, newest first.")
    assert len(shown_incidents(page)) > 0
