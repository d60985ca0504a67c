"""Inviting people by email: the link arrives by SMTP, works once, for 7 days, in the right role."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest

from shopwatch.accounts.models import Invite, Membership, Role, User
from shopwatch.api.ids import encode_id
from shopwatch.core.clock import now
from shopwatch.core.mail.models import OutboxEmail
from shopwatch.core.mail.worker import deliver_due
from shopwatch.places.models import Bid, NeighbourhoodTeam
from shopwatch.settings import Settings
from tests.support.graphql import GraphQLClient
from tests.support.outbox import TEST_SEAL, plain_text
from tests.support.smtp import SmtpServer
from tests.support.world import PASSWORD, World

INVITE = """
mutation Invite($input: InviteUserInput!) {
  inviteUser(input: $input) {
    __typename
    ... on InviteUserSuccess { email expiresAt }
    ... on ValidationError { field message }
    ... on PermissionDenied { message }
    ... on NotFound { message }
  }
}
"""

ACCEPT = """
mutation Accept($token: String!, $name: String!, $password: String!) {
  acceptInvite(token: $token, name: $name, password: $password) {
    __typename
    ... on LoginSuccess {
      token
      user { email name memberships { role bid { id } shop { id } team { id } } }
    }
    ... on AuthError { message }
    ... on ValidationError { field message }
  }
}
"""

ME = "query { me { email name memberships { role bid { id } shop { id } team { id } } } }"

NEW_PASSWORD = "a long new password"
INVITE_LINK = re.compile(r"http://testserver/#/invite/([A-Za-z0-9_-]+)")


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer.starttls() as server:
        yield server


async def invite(gql: GraphQLClient, token: str | None, **values: Any) -> dict[str, Any]:
    data = await gql.execute(INVITE, {"input": values}, token=token)
    result: dict[str, Any] = data["inviteUser"]
    return result


async def accept(
    gql: GraphQLClient, token: str, name: str = "New Worker", password: str = NEW_PASSWORD
) -> dict[str, Any]:
    data = await gql.execute(ACCEPT, {"token": token, "name": name, "password": password})
    result: dict[str, Any] = data["acceptInvite"]
    return result


async def me(gql: GraphQLClient, token: str) -> dict[str, Any] | None:
    data = await gql.execute(ME, token=token)
    viewer: dict[str, Any] | None = data["me"]
    return viewer


async def link_token_in_outbox(address: str) -> str:
    """The invitation token in the email written for `address` (for tests not about delivery)."""
    email = await OutboxEmail.get(to_address=address)
    match = INVITE_LINK.search(plain_text(email))
    assert match, email
    return match.group(1)


async def invite_staff(gql: GraphQLClient, world: World, email: str) -> str:
    result = await invite(
        gql,
        world.admin_token,
        email=email,
        role="SHOP_STAFF",
        bidId=world.home.bid_id,
        shopId=world.home.shop_id(1),
    )
    assert result["__typename"] == "InviteUserSuccess", result
    return await link_token_in_outbox(email.lower())


def staff_membership(world: World, shop: int) -> dict[str, Any]:
    return {
        "role": "SHOP_STAFF",
        "bid": {"id": world.home.bid_id},
        "shop": {"id": world.home.shop_id(shop)},
        "team": None,
    }


@pytest.mark.parametrize("inviter", [Role.ADMIN, Role.BID_MANAGER])
async def test_invited_shop_worker_joins_through_the_emailed_link(
    gql: GraphQLClient, world: World, settings: Settings, smtp: SmtpServer, inviter: Role
) -> None:
    before = now()
    result = await invite(
        gql,
        world.token(inviter),
        email="  New.Worker@Example.ORG ",
        role="SHOP_STAFF",
        bidId=world.home.bid_id,
        shopId=world.home.shop_id(1),
    )
    assert result["__typename"] == "InviteUserSuccess", result
    assert result["email"] == "new.worker@example.org"
    expires_at = datetime.fromisoformat(result["expiresAt"])
    assert before + timedelta(days=7) <= expires_at <= now() + timedelta(days=7)

    assert await deliver_due(smtp.backend(), settings.mail_from, seal=TEST_SEAL) == 1

    [received] = smtp.messages
    assert received.rcpt_tos == ["new.worker@example.org"]
    assert received.message["Subject"] == "You are invited to Shopwatch for Home BID"
    text = received.body("plain")
    inviter_name = world.admin.name if inviter == Role.ADMIN else world.home.users[inviter].name
    invitation = f"{inviter_name} has invited you to Shopwatch for Home BID as shop staff"
    assert f"{invitation} at Home Shop 2" in text
    match = INVITE_LINK.search(text)
    assert match, text
    assert f'href="{match.group(0)}"' in received.body("html")
    token = match.group(1)

    accepted = await accept(gql, token)
    assert accepted["__typename"] == "LoginSuccess", accepted
    assert accepted["user"]["email"] == "new.worker@example.org"
    assert accepted["user"]["memberships"] == [staff_membership(world, 1)]

    viewer = await me(gql, accepted["token"])
    assert viewer == {
        "email": "new.worker@example.org",
        "name": "New Worker",
        "memberships": [staff_membership(world, 1)],
    }

    again = await accept(gql, token, name="Someone Else", password="another long password")
    assert again["__typename"] == "AuthError"
    assert await User.filter(email="new.worker@example.org").count() == 1
    assert await Membership.filter(user__email="new.worker@example.org").count() == 1


async def test_an_expired_invitation_is_refused(gql: GraphQLClient, world: World) -> None:
    token = await invite_staff(gql, world, "late@example.org")
    await Invite.filter(email="late@example.org").update(expires_at=now() - timedelta(minutes=1))

    result = await accept(gql, token)

    assert result["__typename"] == "AuthError"
    assert not await User.exists(email="late@example.org")


async def test_a_made_up_token_is_refused(gql: GraphQLClient, world: World) -> None:
    await invite_staff(gql, world, "real@example.org")
    result = await accept(gql, "not-the-token-that-was-sent")
    assert result["__typename"] == "AuthError"
    assert not await User.exists(email="real@example.org")


async def test_one_link_used_many_times_at_once_makes_one_account(gql: GraphQLClient, world: World) -> None:
    token = await invite_staff(gql, world, "twice@example.org")

    # The same form sent again and again, as impatient taps on a slow connection do.
    results = await asyncio.gather(*(accept(gql, token) for _ in range(5)))

    outcomes = [result["__typename"] for result in results]
    assert outcomes.count("LoginSuccess") == 1
    assert outcomes.count("AuthError") == 4
    assert await User.filter(email="twice@example.org").count() == 1
    assert await Membership.filter(user__email="twice@example.org").count() == 1


@pytest.mark.parametrize(
    ("name", "password", "field"),
    [
        ("New Worker", "too short", "password"),
        ("   ", NEW_PASSWORD, "name"),
        ("", NEW_PASSWORD, "name"),
    ],
)
async def test_a_refused_name_or_password_leaves_the_link_usable(
    gql: GraphQLClient, world: World, name: str, password: str, field: str
) -> None:
    token = await invite_staff(gql, world, "careful@example.org")

    refused = await accept(gql, token, name=name, password=password)
    assert refused["__typename"] == "ValidationError"
    assert refused["field"] == field
    assert not await User.exists(email="careful@example.org")

    accepted = await accept(gql, token)
    assert accepted["__typename"] == "LoginSuccess", accepted


async def test_someone_with_an_account_joins_with_their_existing_password(
    gql: GraphQLClient, world: World
) -> None:
    existing = world.away.users[Role.SHOP_STAFF]
    token = await invite_staff(gql, world, existing.email.upper())

    wrong = await accept(gql, token, name="Anything", password="not their password at all")
    assert wrong["__typename"] == "AuthError"
    assert await Membership.filter(user=existing).count() == 1

    right = await accept(gql, token, name="A New Name", password=PASSWORD)
    assert right["__typename"] == "LoginSuccess", right
    assert right["user"]["email"] == existing.email
    assert right["user"]["name"] == existing.name  # the account is theirs; the form does not rename it
    memberships = right["user"]["memberships"]
    assert staff_membership(world, 1) in memberships
    assert {"role": "SHOP_STAFF", "bid": {"id": world.away.bid_id}} in [
        {"role": m["role"], "bid": m["bid"]} for m in memberships
    ]
    assert len(memberships) == 2
    assert await User.filter(email=existing.email).count() == 1
    # Their session from before still works and now sees the new shop too.
    viewer = await me(gql, world.token(Role.SHOP_STAFF, "away") or "")
    assert viewer is not None and staff_membership(world, 1) in viewer["memberships"]


async def test_police_invite_uses_the_only_team_covering_the_bid(gql: GraphQLClient, world: World) -> None:
    result = await invite(
        gql,
        world.admin_token,
        email="pc@police.example.org",
        role="POLICE",
        bidId=world.home.bid_id,
    )
    assert result["__typename"] == "InviteUserSuccess", result

    accepted = await accept(gql, await link_token_in_outbox("pc@police.example.org"), name="PC Day")

    assert accepted["__typename"] == "LoginSuccess", accepted
    assert accepted["user"]["memberships"] == [
        {
            "role": "POLICE",
            "bid": {"id": world.home.bid_id},
            "shop": None,
            "team": {"id": world.home.team_id},
        }
    ]


async def test_police_invite_must_name_the_team_when_several_cover_the_bid(
    gql: GraphQLClient, world: World
) -> None:
    second = await NeighbourhoodTeam.create(name="Home Night Team", email="nights@home.example.org")
    await second.bids.add(world.home.bid)
    values = {"email": "pc@police.example.org", "role": "POLICE", "bidId": world.home.bid_id}

    unnamed = await invite(gql, world.admin_token, **values)
    assert unnamed["__typename"] == "ValidationError"
    assert unnamed["field"] == "teamId"

    named = await invite(gql, world.admin_token, **values, teamId=encode_id("NeighbourhoodTeam", second.id))
    assert named["__typename"] == "InviteUserSuccess", named
    accepted = await accept(gql, await link_token_in_outbox("pc@police.example.org"), name="PC Night")
    assert accepted["__typename"] == "LoginSuccess", accepted
    [membership] = accepted["user"]["memberships"]
    assert membership["team"] == {"id": encode_id("NeighbourhoodTeam", second.id)}


InputFor = Callable[[World], dict[str, Any]]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        pytest.param(lambda w: {"email": "not-an-email", "shopId": w.home.shop_id(0)}, "email", id="email"),
        pytest.param(
            lambda w: {"email": "two@@example.org", "shopId": w.home.shop_id(0)},
            "email",
            id="two-ats",
        ),
        pytest.param(
            lambda w: {"email": "ok@example.org", "shopId": w.away.shop_id(0)},
            "shopId",
            id="shop-of-another-bid",
        ),
        pytest.param(lambda w: {"email": "ok@example.org"}, "shopId", id="staff-without-shop"),
        pytest.param(lambda w: {"email": "ok@example.org", "role": "ADMIN"}, "role", id="admin-role"),
        pytest.param(
            lambda w: {"email": "ok@example.org", "role": "POLICE", "teamId": w.away.team_id},
            "teamId",
            id="team-not-covering-bid",
        ),
        pytest.param(
            lambda w: {
                "email": "ok@example.org",
                "role": "BID_MANAGER",
                "shopId": w.home.shop_id(0),
            },
            "shopId",
            id="manager-with-shop",
        ),
    ],
)
async def test_an_invitation_that_makes_no_sense_is_refused_and_sends_nothing(
    gql: GraphQLClient, world: World, values: InputFor, field: str
) -> None:
    result = await invite(
        gql,
        world.admin_token,
        **{"role": "SHOP_STAFF", "bidId": world.home.bid_id, **values(world)},
    )

    assert result["__typename"] == "ValidationError", result
    assert result["field"] == field
    assert await Invite.all().count() == 0
    assert await OutboxEmail.all().count() == 0


@pytest.mark.parametrize(
    ("inviter", "values", "refusal"),
    [
        pytest.param(None, {}, "PermissionDenied", id="anonymous"),
        pytest.param(Role.SHOP_STAFF, {}, "PermissionDenied", id="shop-staff"),
        pytest.param(Role.POLICE, {}, "PermissionDenied", id="police"),
        pytest.param(
            Role.BID_MANAGER,
            {"role": "POLICE", "shopId": None},
            "PermissionDenied",
            id="manager-inviting-police",
        ),
        pytest.param(
            Role.BID_MANAGER,
            {"bidId": "away", "shopId": "away"},
            "NotFound",
            id="manager-other-bid",
        ),
    ],
)
async def test_only_admins_and_the_bids_managers_may_invite(
    gql: GraphQLClient, world: World, inviter: Role | None, values: dict[str, Any], refusal: str
) -> None:
    chosen = {
        "email": "ok@example.org",
        "role": "SHOP_STAFF",
        "bidId": world.home.bid_id,
        "shopId": world.home.shop_id(0),
        **values,
    }
    if chosen["bidId"] == "away":
        chosen.update(bidId=world.away.bid_id, shopId=world.away.shop_id(0))

    result = await invite(gql, world.token(inviter), **chosen)

    assert result["__typename"] == refusal, result
    assert await Invite.all().count() == 0
    assert await OutboxEmail.all().count() == 0


async def test_names_in_the_invitation_email_are_escaped_in_html(
    gql: GraphQLClient, world: World, settings: Settings, smtp: SmtpServer
) -> None:
    await Bid.filter(id=world.home.bid.id).update(name="Home <script>alert('bid')</script> BID")
    await User.filter(id=world.admin.id).update(name="<img src=x onerror=alert(1)>")

    await invite_staff(gql, world, "escape@example.org")
    await deliver_due(smtp.backend(), settings.mail_from, seal=TEST_SEAL)

    [received] = smtp.messages
    html = received.body("html")
    assert "<script>" not in html and "<img" not in html
    assert "Home &lt;script&gt;alert(&#39;bid&#39;)&lt;/script&gt; BID" in html
    assert "&lt;img src=x onerror=alert(1)&gt; has invited you" in html
