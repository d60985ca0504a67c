"""Logging in to a home screen fitted to the role, and the links that emails send: invitations and
password resets."""

from __future__ import annotations

from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.conftest import log_in
from tests.browser.helpers import bid_id, mailed_link, staff_shop_id
from tests.browser.server import MANAGER, PCSO, STAFF, Server

NEWCOMER = "newcomer@example.org"


def test_the_home_screen_fits_the_role(context: BrowserContext, page: Page) -> None:
    log_in(page, STAFF)
    main = page.locator("main")
    expect(main.get_by_role("link", name="Report an incident")).to_be_visible()
    expect(main.get_by_role("link", name="Alerts")).to_have_count(0)
    expect(main.get_by_role("link", name="Dashboard")).to_have_count(0)

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    log_in(page, PCSO)
    expect(main.get_by_role("link", name="Alerts")).to_be_visible()
    expect(main.get_by_role("link", name="Dashboard")).to_be_visible()
    expect(main.get_by_role("link", name="Report an incident")).to_have_count(0)


def test_a_wrong_password_says_so(page: Page) -> None:
    page.goto("/#/login")
    page.get_by_label("Email").fill(STAFF)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()


def test_an_invitation_link_sets_a_name_and_password_and_logs_in(page: Page, server: Server) -> None:
    manager = server.login(MANAGER)
    shop = staff_shop_id(server, server.login(STAFF))
    result = server.graphql(
        "mutation($input: InviteUserInput!) { inviteUser(input: $input) { __typename } }",
        {
            "input": {
                "email": NEWCOMER,
                "role": "SHOP_STAFF",
                "bidId": bid_id(server, manager),
                "shopId": shop,
            }
        },
        token=manager,
    )
    assert result["inviteUser"]["__typename"] == "InviteUserSuccess"
    page.goto(mailed_link(server, NEWCOMER, "#/invite/"))
    page.get_by_label("Your name").fill("Nia Newcomer")
    page.get_by_label("Password").fill("a new long password")
    page.get_by_role("button", name="Join").click()
    expect(page.get_by_role("heading", name="Hello, Nia Newcomer")).to_be_visible()
    expect(page.locator("main").get_by_role("link", name="Report an incident")).to_be_visible()


# Runs after the invitation test above, whose account it resets (one server per module).
def test_a_reset_link_sets_a_new_password(context: BrowserContext, page: Page, server: Server) -> None:
    page.goto("/#/login")
    page.get_by_role("link", name="Forgotten your password?").click()
    page.get_by_label("Email").fill(NEWCOMER)
    page.get_by_role("button", name="Email me a link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()

    page.goto(mailed_link(server, NEWCOMER, "#/reset/"))
    page.get_by_label("New password").fill("another long password")
    page.get_by_role("button", name="Set password").click()
    expect(page.get_by_role("heading", name="Hello, Nia Newcomer")).to_be_visible()

    page.get_by_role("button", name="Log out").click()
    page.get_by_label("Email").fill(NEWCOMER)
    page.get_by_label("Password").fill("another long password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Hello, Nia Newcomer")).to_be_visible()
