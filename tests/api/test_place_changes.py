"""Changing BIDs, shops and neighbourhood teams: who may, what is refused, what a closed shop
still does, and the audit entry each change leaves."""

from __future__ import annotations

import json
from typing import Any

import pytest

from shopwatch.accounts.models import Invite, Role, User
from shopwatch.accounts.services import LINK_NOT_VALID
from shopwatch.api.ids import encode_id
from shopwatch.core.audit.models import AuditEntry
from shopwatch.incidents.models import Incident
from shopwatch.places.models import Bid, NeighbourhoodTeam, Shop
from tests.api.incidents.helpers import REPORT, report_input
from tests.api.test_invites import accept, invite_staff
from tests.support.graphql import GraphQLClient
from tests.support.world import World

NOT_ADMINS = [Role.SHOP_STAFF, Role.BID_MANAGER, Role.POLICE]

UPDATE_BID = """
mutation ($input: UpdateBidInput!) {
  updateBid(input: $input) {
    __typename
    ... on UpdateBidSuccess { bid { id name slug } }
    ... on ValidationError { field message }
    ... on PermissionDenied { message }
    ... on NotFound { message }
  }
}
"""

UPDATE_SHOP = """
mutation ($input: UpdateShopInput!) {
  updateShop(input: $input) {
    __typename
    ... on UpdateShopSuccess { shop { id name address postcode latitude longitude closedAt } }
    ... on ValidationError { field message }
    ... on PermissionDenied { message }
    ... on NotFound { message }
  }
}
"""

UPDATE_TEAM = """
mutation ($input: UpdateTeamInput!) {
  updateNeighbourhoodTeam(input: $input) {
    __typename
    ... on UpdateTeamSuccess { team { id name email bids { slug } } }
    ... on ValidationError { field message }
    ... on PermissionDenied { message }
    ... on NotFound { message }
  }
}
"""

TEAMS = "{ neighbourhoodTeams { id name email bids { slug } } }"

INVITE_STAFF = """
mutation ($input: InviteUserInput!) {
  inviteUser(input: $input) { __typename ... on ValidationError { field message } }
}
"""


async def entries() -> list[tuple[str, str, int | None, dict[str, Any]]]:
    return [
        (e.action, e.subject, e.bid_id, json.loads(e.detail)) for e in await AuditEntry.all().order_by("id")
    ]


def staff_invitation(world: World) -> dict[str, Any]:
    """An invitation for shop staff at the home town's first shop."""
    shop = {"bidId": world.home.bid_id, "shopId": world.home.shop_id()}
    return {"input": {"email": "new@example.org", "role": "SHOP_STAFF", **shop}}


async def update_bid(gql: GraphQLClient, token: str | None, bid_id: str, name: str) -> dict[str, Any]:
    data = await gql.execute(UPDATE_BID, {"input": {"bidId": bid_id, "name": name}}, token=token)
    return dict(data["updateBid"])


async def update_shop(gql: GraphQLClient, token: str | None, shop_id: str, **changes: Any) -> dict[str, Any]:
    data = await gql.execute(UPDATE_SHOP, {"input": {"shopId": shop_id, **changes}}, token=token)
    return dict(data["updateShop"])


async def update_team(gql: GraphQLClient, token: str | None, team_id: str, **changes: Any) -> dict[str, Any]:
    data = await gql.execute(UPDATE_TEAM, {"input": {"teamId": team_id, **changes}}, token=token)
    return dict(data["updateNeighbourhoodTeam"])


# --- updateBid ---------------------------------------------------------------------------------


async def test_admin_renames_a_bid_and_the_slug_stays(gql: GraphQLClient, world: World) -> None:
    result = await update_bid(gql, world.admin_token, world.away.bid_id, "  Away Town BID ")
    assert result == {
        "__typename": "UpdateBidSuccess",
        "bid": {"id": world.away.bid_id, "name": "Away Town BID", "slug": "away"},
    }
    assert (await Bid.get(id=world.away.bid.id)).name == "Away Town BID"
    assert await entries() == [
        ("bid.update", f"Bid:{world.away.bid.id}", world.away.bid.id, {"fields": ["name"]})
    ]


@pytest.mark.parametrize("role", [None, *NOT_ADMINS])
@pytest.mark.parametrize("town", ["home", "away"])
async def test_only_admins_rename_bids(
    gql: GraphQLClient, world: World, role: Role | None, town: str
) -> None:
    bid_id = world.home.bid_id if town == "home" else world.away.bid_id
    result = await update_bid(gql, world.token(role), bid_id, "Renamed")
    assert result["__typename"] == "PermissionDenied"
    assert not await Bid.exists(name="Renamed")
    assert await entries() == []


async def test_renaming_a_bid_that_does_not_exist_is_not_found(gql: GraphQLClient, world: World) -> None:
    for bid_id in (encode_id("Bid", 999_999), "nonsense", world.home.shop_id()):
        result = await update_bid(gql, world.admin_token, bid_id, "Renamed")
        assert result["__typename"] == "NotFound"


@pytest.mark.parametrize("name", ["", "   ", "x" * 201])
async def test_a_bid_name_that_will_not_do_is_refused(gql: GraphQLClient, world: World, name: str) -> None:
    result = await update_bid(gql, world.admin_token, world.home.bid_id, name)
    assert (result["__typename"], result["field"]) == ("ValidationError", "name")
    assert (await Bid.get(id=world.home.bid.id)).name == "Home BID"


# --- updateShop --------------------------------------------------------------------------------


async def test_a_manager_changes_only_what_is_given(gql: GraphQLClient, world: World) -> None:
    manager = world.token(Role.BID_MANAGER)
    result = await update_shop(gql, manager, world.home.shop_id(), name=" Corner Shop ", postcode="mh12ab")
    assert result == {
        "__typename": "UpdateShopSuccess",
        "shop": {
            "id": world.home.shop_id(),
            "name": "Corner Shop",
            "address": "1 High Street",
            "postcode": "MH1 2AB",
            "latitude": 52.19,
            "longitude": -1.70,
            "closedAt": None,
        },
    }
    shop = world.home.shops[0]
    assert await entries() == [
        (
            "shop.update",
            f"Shop:{shop.id}",
            world.home.bid.id,
            {"fields": ["name", "postcode"], "closed": False, "invitations_withdrawn": 0},
        )
    ]


async def test_a_change_to_nothing_new_leaves_no_entry(gql: GraphQLClient, world: World) -> None:
    result = await update_shop(gql, world.admin_token, world.home.shop_id(), name="Home Shop 1")
    assert result["__typename"] == "UpdateShopSuccess"
    assert await entries() == []


async def test_an_admin_updates_a_shop_of_any_bid(gql: GraphQLClient, world: World) -> None:
    result = await update_shop(gql, world.admin_token, world.away.shop_id(1), latitude=51.5, longitude=-0.1)
    assert result["__typename"] == "UpdateShopSuccess"
    assert (result["shop"]["latitude"], result["shop"]["longitude"]) == (51.5, -0.1)


@pytest.mark.parametrize("role", [Role.SHOP_STAFF, Role.POLICE])
async def test_staff_and_police_may_not_update_their_bids_shops(
    gql: GraphQLClient, world: World, role: Role
) -> None:
    result = await update_shop(gql, world.token(role), world.home.shop_id(), closed=True)
    assert result == {
        "__typename": "PermissionDenied",
        "message": "Only this BID's managers or an administrator can do this.",
    }
    assert (await Shop.get(id=world.home.shops[0].id)).closed_at is None


async def test_logged_out_may_not_update_a_shop(gql: GraphQLClient, world: World) -> None:
    result = await update_shop(gql, None, world.home.shop_id(), name="Mine now")
    assert result == {"__typename": "PermissionDenied", "message": "Log in first."}


@pytest.mark.parametrize("role", NOT_ADMINS)
async def test_another_bids_shop_is_not_found(gql: GraphQLClient, world: World, role: Role) -> None:
    result = await update_shop(gql, world.token(role, "away"), world.home.shop_id(), name="Taken over")
    assert result == {"__typename": "NotFound", "message": "There is no such shop."}
    assert not await Shop.exists(name="Taken over")


async def test_a_shop_that_does_not_exist_is_not_found(gql: GraphQLClient, world: World) -> None:
    for shop_id in (encode_id("Shop", 999_999), "nonsense", world.home.bid_id):
        result = await update_shop(gql, world.admin_token, shop_id, name="Ghost")
        assert result["__typename"] == "NotFound"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": " "}, "name"),
        ({"name": "Home Shop 2"}, "name"),  # the BID's other shop
        ({"address": ""}, "address"),
        ({"address": "x" * 301}, "address"),
        ({"postcode": "NOT A POSTCODE"}, "postcode"),
        ({"latitude": 91.0}, "latitude"),
        ({"longitude": -180.5}, "longitude"),
    ],
)
async def test_a_value_that_will_not_do_is_refused(
    gql: GraphQLClient, world: World, changes: dict[str, Any], field: str
) -> None:
    result = await update_shop(gql, world.token(Role.BID_MANAGER), world.home.shop_id(), **changes)
    assert (result["__typename"], result["field"]) == ("ValidationError", field)
    shop = await Shop.get(id=world.home.shops[0].id)
    assert (shop.name, shop.address, shop.postcode, shop.latitude) == (
        "Home Shop 1",
        "1 High Street",
        "MH1 1AA",
        52.19,
    )
    assert await entries() == []


async def test_a_name_another_bid_uses_is_fine(gql: GraphQLClient, world: World) -> None:
    result = await update_shop(gql, world.token(Role.BID_MANAGER), world.home.shop_id(), name="Away Shop 1")
    assert result["__typename"] == "UpdateShopSuccess"


async def test_a_closed_shop_keeps_its_history_and_takes_no_new_reports(
    gql: GraphQLClient, world: World
) -> None:
    staff = world.token(Role.SHOP_STAFF)
    before = report_input(world.home.shop_id())
    assert (await gql.execute(REPORT, {"input": before}, token=staff))["reportIncident"]["__typename"] == (
        "ReportIncidentSuccess"
    )

    closed = await update_shop(gql, world.token(Role.BID_MANAGER), world.home.shop_id(), closed=True)
    assert closed["shop"]["closedAt"] is not None
    assert await entries() == [
        (
            "shop.update",
            f"Shop:{world.home.shops[0].id}",
            world.home.bid.id,
            {"fields": ["closed_at"], "closed": True, "invitations_withdrawn": 0},
        )
    ]

    for token in (staff, world.token(Role.BID_MANAGER)):
        refused = await gql.execute(REPORT, {"input": report_input(world.home.shop_id())}, token=token)
        assert refused["reportIncident"] == {
            "__typename": "ValidationError",
            "field": "shopId",
            "message": "This shop is closed: it takes no new reports or staff.",
        }
    # A report made before it closed, sent again by a phone that was offline, is still the same report.
    again = (await gql.execute(REPORT, {"input": before}, token=staff))["reportIncident"]
    assert (again["__typename"], again["duplicate"]) == ("ReportIncidentSuccess", True)
    assert await Incident.all().count() == 1
    # The BID still lists it, marked.
    bids = (await gql.execute("{ bids { shops { id closedAt } } }", token=staff))["bids"]
    assert {shop["id"]: shop["closedAt"] is not None for shop in bids[0]["shops"]} == {
        world.home.shop_id(0): True,
        world.home.shop_id(1): False,
    }

    reopened = await update_shop(gql, world.token(Role.BID_MANAGER), world.home.shop_id(), closed=False)
    assert reopened["shop"]["closedAt"] is None
    after = await gql.execute(REPORT, {"input": report_input(world.home.shop_id())}, token=staff)
    assert after["reportIncident"]["__typename"] == "ReportIncidentSuccess"


async def test_closing_a_closed_shop_changes_nothing(gql: GraphQLClient, world: World) -> None:
    manager = world.token(Role.BID_MANAGER)
    first = await update_shop(gql, manager, world.home.shop_id(), closed=True)
    second = await update_shop(gql, manager, world.home.shop_id(), closed=True)
    assert first["shop"]["closedAt"] == second["shop"]["closedAt"]
    assert len(await entries()) == 1


async def test_no_one_is_invited_to_a_closed_shop(gql: GraphQLClient, world: World) -> None:
    await update_shop(gql, world.admin_token, world.home.shop_id(), closed=True)
    variables = staff_invitation(world)
    for token in (world.token(Role.BID_MANAGER), world.admin_token):
        result = (await gql.execute(INVITE_STAFF, variables, token=token))["inviteUser"]
        assert result == {
            "__typename": "ValidationError",
            "field": "shopId",
            "message": "This shop is closed: it takes no new reports or staff.",
        }
    assert not await Invite.exists()


# --- neighbourhood teams -----------------------------------------------------------------------


async def test_admins_see_every_team_and_its_bids(gql: GraphQLClient, world: World) -> None:
    await world.home.team.bids.add(world.away.bid)
    teams = (await gql.execute(TEAMS, token=world.admin_token))["neighbourhoodTeams"]
    assert [(team["name"], sorted(bid["slug"] for bid in team["bids"])) for team in teams] == [
        ("Away NPT", ["away"]),
        ("Home NPT", ["away", "home"]),
    ]


@pytest.mark.parametrize("role", NOT_ADMINS)
async def test_others_see_the_teams_covering_their_bids_and_only_their_bids(
    gql: GraphQLClient, world: World, role: Role
) -> None:
    await world.away.team.bids.add(world.home.bid)  # the away team now covers home too
    await (await NeighbourhoodTeam.create(name="Far NPT", email="far@example.org")).bids.add(world.away.bid)
    teams = (await gql.execute(TEAMS, token=world.token(role)))["neighbourhoodTeams"]
    assert [(team["name"], [bid["slug"] for bid in team["bids"]]) for team in teams] == [
        ("Away NPT", ["home"]),
        ("Home NPT", ["home"]),
    ]


async def test_logged_out_may_not_list_teams(gql: GraphQLClient, world: World) -> None:
    assert await gql.errors(TEAMS) == ["Log in to see this."]


async def test_admin_updates_a_team_and_the_bids_it_covers(gql: GraphQLClient, world: World) -> None:
    result = await update_team(
        gql,
        world.admin_token,
        world.home.team_id,
        name="Home and Away NPT",
        email="NPT@Both.example.org",
        bidIds=[world.away.bid_id, world.home.bid_id],
    )
    assert result == {
        "__typename": "UpdateTeamSuccess",
        "team": {
            "id": world.home.team_id,
            "name": "Home and Away NPT",
            "email": "npt@both.example.org",
            "bids": [{"slug": "away"}, {"slug": "home"}],
        },
    }
    team = world.home.team
    assert await entries() == [
        (
            "team.update",
            f"NeighbourhoodTeam:{team.id}",
            None,
            {"fields": ["email", "name", "bidIds"], "added_bids": [world.away.bid.id], "removed_bids": []},
        )
    ]
    # Police of the team now see both BIDs, on their next request.
    bids = (await gql.execute("{ bids { slug } }", token=world.token(Role.POLICE)))["bids"]
    assert sorted(bid["slug"] for bid in bids) == ["away", "home"]

    moved = await update_team(gql, world.admin_token, world.home.team_id, bidIds=[world.away.bid_id])
    assert moved["team"]["bids"] == [{"slug": "away"}]
    assert [bid.id for bid in await team.bids.all()] == [world.away.bid.id]
    assert (await entries())[-1][3] == {
        "fields": ["bidIds"],
        "added_bids": [],
        "removed_bids": [world.home.bid.id],
    }


async def test_a_team_change_given_nothing_changes_nothing(gql: GraphQLClient, world: World) -> None:
    result = await update_team(gql, world.admin_token, world.home.team_id)
    assert result["team"]["name"] == "Home NPT"
    assert await entries() == []


@pytest.mark.parametrize("role", [None, *NOT_ADMINS])
@pytest.mark.parametrize("town", ["home", "away"])
async def test_only_admins_update_teams(
    gql: GraphQLClient, world: World, role: Role | None, town: str
) -> None:
    team_id = world.home.team_id if town == "home" else world.away.team_id
    result = await update_team(gql, world.token(role), team_id, bidIds=[world.home.bid_id, world.away.bid_id])
    assert result["__typename"] == "PermissionDenied"
    assert await NeighbourhoodTeam.filter(bids__id=world.away.bid.id).count() == 1
    assert await entries() == []


async def test_a_team_that_does_not_exist_is_not_found(gql: GraphQLClient, world: World) -> None:
    for team_id in (encode_id("NeighbourhoodTeam", 999_999), "nonsense", world.home.bid_id):
        result = await update_team(gql, world.admin_token, team_id, name="Ghost NPT")
        assert result == {"__typename": "NotFound", "message": "There is no such neighbourhood team."}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": ""}, "name"),
        ({"email": "not an email"}, "email"),
        ({"bidIds": []}, "bidIds"),
        ({"bidIds": ["nonsense"]}, "bidIds"),
        ({"bidIds": [encode_id("Bid", 999_999)]}, "bidIds"),
    ],
)
async def test_a_team_value_that_will_not_do_is_refused(
    gql: GraphQLClient, world: World, changes: dict[str, Any], field: str
) -> None:
    result = await update_team(gql, world.admin_token, world.home.team_id, **changes)
    assert (result["__typename"], result["field"]) == ("ValidationError", field)
    team = await NeighbourhoodTeam.get(id=world.home.team.id)
    assert (team.name, team.email) == ("Home NPT", "npt@home.example.org")
    assert await team.bids.all().values_list("id", flat=True) == [world.home.bid.id]


async def test_closing_a_shop_withdraws_its_open_invitations(gql: GraphQLClient, world: World) -> None:
    to_shop = await invite_staff(gql, world, "joining@example.org")  # to the home town's second shop
    result = await update_shop(gql, world.token(Role.BID_MANAGER), world.home.shop_id(1), closed=True)
    assert result["__typename"] == "UpdateShopSuccess"
    assert (await entries())[-1][3]["invitations_withdrawn"] == 1
    refused = await accept(gql, to_shop)
    assert refused == {"__typename": "AuthError", "message": LINK_NOT_VALID}
    assert not await User.exists(email="joining@example.org")


@pytest.mark.parametrize("role", NOT_ADMINS)
async def test_another_bids_closed_shop_is_not_found_not_closed(
    gql: GraphQLClient, world: World, role: Role
) -> None:
    """Whether another BID's shop has closed is not for them to learn."""
    await update_shop(gql, world.admin_token, world.home.shop_id(), closed=True)
    token = world.token(role, "away")
    reported = await gql.execute(REPORT, {"input": report_input(world.home.shop_id())}, token=token)
    assert reported["reportIncident"]["__typename"] == "NotFound"
    variables = staff_invitation(world)
    invited = (await gql.execute(INVITE_STAFF, variables, token=token))["inviteUser"]
    assert invited["__typename"] == "NotFound"
