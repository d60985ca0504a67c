"""Someone met through a report or an alert shows only their roles in the viewer's own BIDs; the
viewer themself sees all of theirs."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from shopwatch.accounts.models import Membership, Role, User
from shopwatch.accounts.sessions import start_session
from shopwatch.alerts.models import Alert, AlertRule
from shopwatch.api.ids import encode_id
from shopwatch.core.clock import now
from tests.api.offenders.helpers import incident_id, make_incident
from tests.support.graphql import GraphQLClient
from tests.support.world import PASSWORD, World, make_user

ROLES = "memberships { role bid { id name shops { name } teams { email } } shop { name } team { email } }"
REPORTER = f"query Q($id: ID!) {{ incident(id: $id) {{ reporter {{ email {ROLES} }} }} }}"
ACKNOWLEDGER = "query Q($id: ID!) { alert(id: $id) { acknowledgedBy { email " + ROLES + " } } }"


@pytest.fixture
async def two_bid_user(world: World) -> User:
    """Shop staff at home's first shop, and manager and police officer of the away BID."""
    user = await make_user(
        "two.bids@example.org", "Two Bids", Role.SHOP_STAFF, bid=world.home.bid, shop=world.home.shops[0]
    )
    await Membership.create(user=user, role=Role.BID_MANAGER, bid=world.away.bid)
    await Membership.create(user=user, role=Role.POLICE, bid=world.away.bid, team=world.away.team)
    return user


def bids_named(user: dict[str, Any]) -> set[str]:
    return {membership["bid"]["name"] for membership in user["memberships"]}


@pytest.mark.parametrize("role", [Role.SHOP_STAFF, Role.BID_MANAGER, Role.POLICE])
async def test_a_reporter_shows_only_their_roles_in_the_viewers_bid(
    gql: GraphQLClient, world: World, two_bid_user: User, role: Role
) -> None:
    incident = await make_incident(world.home, reporter=Role.SHOP_STAFF)
    incident.reporter = two_bid_user
    await incident.save()
    data = await gql.execute(REPORTER, {"id": incident_id(incident)}, token=world.token(role))
    reporter = data["incident"]["reporter"]
    assert reporter["email"] == "two.bids@example.org"
    assert reporter["memberships"] == [
        {
            "role": "SHOP_STAFF",
            "bid": {
                "id": world.home.bid_id,
                "name": "Home BID",
                "shops": [{"name": "Home Shop 1"}, {"name": "Home Shop 2"}],
                "teams": [{"email": "npt@home.example.org"}],
            },
            "shop": {"name": "Home Shop 1"},
            "team": None,
        }
    ]
    assert "Away" not in str(data) and "away" not in str(data)


@pytest.mark.parametrize("role", [Role.BID_MANAGER, Role.POLICE])
async def test_whoever_acknowledged_an_alert_shows_only_their_roles_in_the_viewers_bid(
    gql: GraphQLClient, world: World, two_bid_user: User, role: Role
) -> None:
    moment = now()
    alert = await Alert.create(
        bid=world.home.bid,
        rule=AlertRule.SHOP_HOTSPOT,
        shop=world.home.shops[0],
        summary="5 incidents in 7 days",
        created_at=moment,
        open_until=moment + timedelta(days=7),
        acknowledged_by=two_bid_user,
        acknowledged_at=moment,
    )
    data = await gql.execute(ACKNOWLEDGER, {"id": encode_id("Alert", alert.id)}, token=world.token(role))
    assert bids_named(data["alert"]["acknowledgedBy"]) == {"Home BID"}
    assert "away" not in str(data).lower()


async def test_a_user_sees_every_role_of_their_own(gql: GraphQLClient, two_bid_user: User) -> None:
    token = await start_session(two_bid_user)
    me = (await gql.execute(f"query {{ me {{ {ROLES} }} }}", token=token))["me"]
    assert [m["role"] for m in me["memberships"]] == ["SHOP_STAFF", "BID_MANAGER", "POLICE"]
    assert bids_named(me) == {"Home BID", "Away BID"}
    login = await gql.execute(
        "mutation L($e: String!, $p: String!) { login(email: $e, password: $p) { ... on LoginSuccess "
        f"{{ user {{ {ROLES} }} }} }} }}",
        {"e": "two.bids@example.org", "p": PASSWORD},
    )
    assert login["login"]["user"]["memberships"] == me["memberships"]


async def test_administrators_see_every_role_and_are_seen_in_none(
    gql: GraphQLClient, world: World, two_bid_user: User
) -> None:
    incident = await make_incident(world.home)
    incident.reporter = two_bid_user
    await incident.save()
    data = await gql.execute(REPORTER, {"id": incident_id(incident)}, token=world.admin_token)
    assert bids_named(data["incident"]["reporter"]) == {"Home BID", "Away BID"}
    incident.reporter = world.admin
    await incident.save()
    data = await gql.execute(REPORTER, {"id": incident_id(incident)}, token=world.token(Role.BID_MANAGER))
    assert data["incident"]["reporter"]["memberships"] == []
