"""The offender gallery as shop staff see it, and picking a known offender while reporting."""

from __future__ import annotations

from datetime import date, timedelta

from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in
from tests.browser.helpers import bid_id, create_offender, jpeg, open_more_details, wait_for_image
from tests.browser.server import MANAGER, STAFF, Server


def test_the_gallery_shows_offenders_with_exclusion_badges_and_they_can_be_picked(
    page: Page, server: Server
) -> None:
    manager = server.login(MANAGER)
    bid = bid_id(server, manager)
    excluded = create_offender(server, manager, bid, "Red cap, tall", jpeg((180, 20, 20)))
    create_offender(server, manager, bid, "Blue jacket, short", jpeg((20, 20, 180)))
    result = server.graphql(
        "mutation($input: IssueExclusionInput!) { issueExclusion(input: $input) { __typename } }",
        {
            "input": {
                "offenderId": excluded,
                "startsOn": date.today().isoformat(),
                "reason": "Repeated thefts",
            }
        },
        token=manager,
    )
    assert result["issueExclusion"]["__typename"] == "IssueExclusionSuccess"

    log_in(page, STAFF)
    page.goto("/#/gallery")
    red = page.locator(".offender", has_text="Red cap, tall")
    blue = page.locator(".offender", has_text="Blue jacket, short")
    until = (date.today() + timedelta(days=365)).strftime("%d/%m/%Y")
    expect(red.locator(".badge-excluded")).to_have_text(f"Excluded until {until}")
    expect(blue.locator(".badge-excluded")).to_have_count(0)
    photo = red.get_by_role("img", name="Photo of Red cap, tall")
    wait_for_image(page, photo)

    page.goto("/#/report")
    page.get_by_label("What happened", exact=True).fill("Red cap back in the shop despite the exclusion")
    open_more_details(page)  # Known offenders are among the optional details.
    page.locator(".offenders label", has_text="Red cap, tall").click()  # The thumbnail is the tap target.
    expect(page.get_by_role("checkbox", name="Red cap, tall")).to_be_checked()
    expect(page.get_by_role("checkbox", name="Blue jacket, short")).not_to_be_checked()
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_role("heading", name="Report sent")).to_be_visible()
    page.get_by_role("link", name="See the report").click()
    expect(page.locator(".facts")).to_contain_text("Red cap, tall")
