"""Who may invite whom, and where: every role against every role, in their own BID and another."""

from __future__ import annotations

from typing import Any

import pytest

from shopwatch.accounts.models import Invite, Role
from shopwatch.api.ids import encode_id
from shopwatch.core.mail.models import OutboxEmail
from tests.support.graphql import GraphQLClient
from tests.support.world import World

INVITE = """
mutation ($input: InviteUserInput!) {
  inviteUser(input: $input) {
    __typename
    ... on InviteUserSuccess { email expiresAt }
    ... on ValidationError { field message }
    ... on PermissionDenied { message }
    ... on NotFound { message }
  }
}
"""

NEWCOMER = "newcomer@example.org"

OK = "InviteUserSuccess"
DENIED = "PermissionDenied"
NOT_FOUND = "NotFound"
INVALID = "ValidationError"

# (who invites, where they belong relative to the BID, invited role) -> outcome
MATRIX: list[tuple[Role | None, str, Role, str]] = [
    (Role.ADMIN, "home", Role.SHOP_STAFF, OK),
    (Role.ADMIN, "home", Role.BID_MANAGER, OK),
    (Role.ADMIN, "home", Role.POLICE, OK),
    (Role.ADMIN, "away", Role.SHOP_STAFF, OK),
    (Role.ADMIN, "away", Role.BID_MANAGER, OK),
    (Role.ADMIN, "away", Role.POLICE, OK),
    (Role.BID_MANAGER, "home", Role.SHOP_STAFF, OK),
    (Role.BID_MANAGER, "home", Role.BID_MANAGER, OK),
    (Role.BID_MANAGER, "home", Role.POLICE, DENIED),
    (Role.BID_MANAGER, "home", Role.ADMIN, DENIED),
    *[(Role.BID_MANAGER, "away", role, NOT_FOUND) for role in Role],
    *[(who, "home", role, DENIED) for who in (Role.SHOP_STAFF, Role.POLICE) for role in Role],
    *[(who, "away", role, NOT_FOUND) for who in (Role.SHOP_STAFF, Role.POLICE) for role in Role],
    *[(None, "home", role, DENIED) for role in Role],
]


def invite_input(world: World, town: str, role: Role, **changes: Any) -> dict[str, Any]:
    target = world.home if town == "home" else world.away
    values: dict[str, Any] = {"email": NEWCOMER, "role": role.value, "bidId": target.bid_id}
    if role == Role.SHOP_STAFF:
        values["shopId"] = target.shop_id(1)
    return {"input": {**values, **changes}}


async def invite(gql: GraphQLClient, token: str | None, variables: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = (await gql.execute(INVITE, variables, token=token))["inviteUser"]
    return result


async def assert_nothing_sent() -> None:
    assert await Invite.all().count() == 0
    assert await OutboxEmail.all().count() == 0


@pytest.mark.parametrize(
    ("who", "town", "role", "outcome"),
    MATRIX,
    ids=[f"{w.value if w else 'anonymous'}-{t}-{r.value}" for w, t, r, _ in MATRIX],
)
async def test_invite_permission_matrix(
    gql: GraphQLClient, world: World, who: Role | None, town: str, role: Role, outcome: str
) -> None:
    result = await invite(gql, world.token(who, "home"), invite_input(world, town, role))
    assert result["__typename"] == outcome, result
    if outcome != OK:
        assert result["message"]
        await assert_nothing_sent()
        return
    assert result["email"] == NEWCOMER
    emails = await OutboxEmail.all()
    assert [email.to_address for email in emails] == [NEWCOMER]
    bid = (world.home if town == "home" else world.away).bid
    stored = await Invite.get(email=NEWCOMER)
    assert (stored.role, stored.bid_id) == (role, bid.id)
    assert bid.name in emails[0].subject


async def test_admins_cannot_be_invited(gql: GraphQLClient, world: World) -> None:
    result = await invite(gql, world.admin_token, invite_input(world, "home", Role.ADMIN))
    assert result["__typename"] == INVALID
    assert result["field"] == "role"
    await assert_nothing_sent()


async def test_another_bid_looks_like_no_bid_at_all(gql: GraphQLClient, world: World) -> None:
    manager = world.token(Role.BID_MANAGER, "home")
    other = await invite(gql, manager, invite_input(world, "away", Role.BID_MANAGER))
    missing_id = encode_id("Bid", world.away.bid.id + 1000)
    missing = await invite(gql, manager, invite_input(world, "home", Role.BID_MANAGER, bidId=missing_id))
    assert other == missing
    assert other["__typename"] == NOT_FOUND
    await assert_nothing_sent()


async def test_the_invitation_is_stored_where_the_inviter_chose(gql: GraphQLClient, world: World) -> None:
    manager = world.token(Role.BID_MANAGER, "home")
    variables = invite_input(world, "home", Role.SHOP_STAFF, email="  New.Comer@Example.ORG ")
    result = await invite(gql, manager, variables)
    assert result["__typename"] == OK
    assert result["email"] == NEWCOMER.replace("newcomer", "new.comer")
    stored = await Invite.get(email="new.comer@example.org")
    assert stored.shop_id == world.home.shops[1].id
    assert stored.invited_by_id == world.home.users[Role.BID_MANAGER].id
    assert stored.accepted_at is None
    assert [e.to_address for e in await OutboxEmail.all()] == ["new.comer@example.org"]


async def test_shop_staff_need_a_shop_of_that_bid(gql: GraphQLClient, world: World) -> None:
    manager = world.token(Role.BID_MANAGER, "home")
    no_shop = invite_input(world, "home", Role.SHOP_STAFF, shopId=None)
    away_shop = invite_input(world, "home", Role.SHOP_STAFF, shopId=world.away.shop_id(0))
    for variables in (no_shop, away_shop):
        result = await invite(gql, manager, variables)
        assert (result["__typename"], result["field"]) == (INVALID, "shopId")
    await assert_nothing_sent()


async def test_only_shop_staff_belong_to_a_shop(gql: GraphQLClient, world: World) -> None:
    variables = invite_input(world, "home", Role.BID_MANAGER, shopId=world.home.shop_id(0))
    result = await invite(gql, world.token(Role.BID_MANAGER, "home"), variables)
    assert (result["__typename"], result["field"]) == (INVALID, "shopId")
    await assert_nothing_sent()


async def test_police_join_a_team_covering_the_bid(gql: GraphQLClient, world: World) -> None:
    wrong_team = invite_input(world, "home", Role.POLICE, teamId=world.away.team_id)
    result = await invite(gql, world.admin_token, wrong_team)
    assert (result["__typename"], result["field"]) == (INVALID, "teamId")
    await assert_nothing_sent()

    right_team = invite_input(world, "home", Role.POLICE, teamId=world.home.team_id)
    assert (await invite(gql, world.admin_token, right_team))["__typename"] == OK
    assert (await Invite.get(email=NEWCOMER)).team_id == world.home.team.id


@pytest.mark.parametrize("email", ["", "newcomer", "new comer@example.org", "newcomer@example"])
async def test_the_invited_email_is_validated(gql: GraphQLClient, world: World, email: str) -> None:
    variables = invite_input(world, "home", Role.BID_MANAGER, email=email)
    result = await invite(gql, world.admin_token, variables)
    assert (result["__typename"], result["field"]) == (INVALID, "email")
    await assert_nothing_sent()
