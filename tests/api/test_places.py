"""BIDs, shops and neighbourhood teams: who sees which, who may create them, and what is refused."""

from __future__ import annotations

from typing import Any

import pytest

from shopwatch.accounts.models import Membership, Role, User
from shopwatch.api.ids import encode_id
from shopwatch.places.models import Bid, NeighbourhoodTeam, Shop
from tests.support.graphql import GraphQLClient
from tests.support.world import World

BIDS = """
query { bids { id name slug shops { id name } teams { id name email } } }
"""

CREATE_BID = """
mutation ($input: CreateBidInput!) {
  createBid(input: $input) {
    __typename
    ... on CreateBidSuccess { bid { id name slug shops { id } } }
    ... on ValidationError { field message }
    ... on PermissionDenied { message }
  }
}
"""

CREATE_SHOP = """
mutation ($input: CreateShopInput!) {
  createShop(input: $input) {
    __typename
    ... on CreateShopSuccess { shop { id name address postcode latitude longitude } }
    ... on ValidationError { field message }
    ... on PermissionDenied { message }
    ... on NotFound { message }
  }
}
"""

CREATE_TEAM = """
mutation ($input: CreateTeamInput!) {
  createNeighbourhoodTeam(input: $input) {
    __typename
    ... on CreateTeamSuccess { team { id name email } }
    ... on ValidationError { field message }
    ... on PermissionDenied { message }
  }
}
"""

NOT_ADMINS = [Role.SHOP_STAFF, Role.BID_MANAGER, Role.POLICE]


def shop_input(bid_id: str, **changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "bidId": bid_id,
        "name": "Corner Chemist",
        "address": "12 Market Place",
        "postcode": "MH1 2AB",
        "latitude": 52.191,
        "longitude": -1.707,
    }
    return {"input": {**values, **changes}}


async def bids_seen(gql: GraphQLClient, token: str | None) -> list[dict[str, Any]]:
    return list((await gql.execute(BIDS, token=token))["bids"])


# --- bids -------------------------------------------------------------------------------------


async def test_anonymous_may_not_list_bids(gql: GraphQLClient, world: World) -> None:
    assert await gql.errors(BIDS) == ["Log in to see this."]


async def test_a_request_without_a_session_says_so_in_a_code_the_app_can_act_on(
    gql: GraphQLClient, world: World
) -> None:
    for token in (None, "no-such-session"):
        [error] = (await gql.post(BIDS, token=token)).json()["errors"]
        assert error["extensions"] == {"code": "UNAUTHENTICATED"}


@pytest.mark.parametrize("role", NOT_ADMINS)
async def test_members_see_only_their_own_bid(gql: GraphQLClient, world: World, role: Role) -> None:
    for town in (world.home, world.away):
        token = world.token(role, "home" if town is world.home else "away")
        bids = await bids_seen(gql, token)
        assert [bid["id"] for bid in bids] == [town.bid_id]
        assert bids[0]["slug"] == town.bid.slug
        assert sorted(shop["id"] for shop in bids[0]["shops"]) == sorted([town.shop_id(0), town.shop_id(1)])
        assert bids[0]["teams"] == [{"id": town.team_id, "name": town.team.name, "email": town.team.email}]


async def test_admin_sees_every_bid(gql: GraphQLClient, world: World) -> None:
    bids = await bids_seen(gql, world.admin_token)
    assert sorted(bid["slug"] for bid in bids) == ["away", "home"]


async def test_police_see_every_bid_their_team_covers(gql: GraphQLClient, world: World) -> None:
    police = world.token(Role.POLICE, "home")
    assert [bid["slug"] for bid in await bids_seen(gql, police)] == ["home"]
    await world.home.team.bids.add(world.away.bid)
    assert sorted(bid["slug"] for bid in await bids_seen(gql, police)) == ["away", "home"]


async def test_a_user_with_no_membership_sees_no_bids(gql: GraphQLClient, world: World) -> None:
    # A manager whose only membership was removed keeps a session but loses the BID.
    manager = world.home.users[Role.BID_MANAGER]
    await Membership.filter(user=manager).delete()
    assert await bids_seen(gql, world.token(Role.BID_MANAGER, "home")) == []


SHOP = "query($id: ID!) { shop(id: $id) { id name } }"


@pytest.mark.parametrize("role", NOT_ADMINS)
async def test_one_shop_is_seen_in_the_viewers_bid_and_nowhere_else(
    gql: GraphQLClient, world: World, role: Role
) -> None:
    token = world.token(role, "home")
    for index in (0, 1):  # Shop staff see their BID's other shops, as in `bids`.
        shop = (await gql.execute(SHOP, {"id": world.home.shop_id(index)}, token=token))["shop"]
        assert shop == {"id": world.home.shop_id(index), "name": world.home.shops[index].name}
    assert (await gql.execute(SHOP, {"id": world.away.shop_id(0)}, token=token))["shop"] is None
    assert (await gql.execute(SHOP, {"id": world.home.bid_id}, token=token))["shop"] is None
    assert (await gql.execute(SHOP, {"id": world.away.shop_id(0)}, token=world.admin_token))["shop"]


# --- createBid ---------------------------------------------------------------------------------


async def test_admin_creates_a_bid_that_only_admins_then_see(gql: GraphQLClient, world: World) -> None:
    variables = {"input": {"name": "  Kingsbridge BID ", "slug": " Kingsbridge "}}
    result = (await gql.execute(CREATE_BID, variables, token=world.admin_token))["createBid"]
    assert result["__typename"] == "CreateBidSuccess"
    assert result["bid"]["name"] == "Kingsbridge BID"
    assert result["bid"]["slug"] == "kingsbridge"
    assert result["bid"]["shops"] == []
    assert await Bid.filter(slug="kingsbridge").count() == 1

    assert "kingsbridge" in [bid["slug"] for bid in await bids_seen(gql, world.admin_token)]
    for role in NOT_ADMINS:
        seen = await bids_seen(gql, world.token(role, "home"))
        assert "kingsbridge" not in [bid["slug"] for bid in seen]


@pytest.mark.parametrize("role", [None, *NOT_ADMINS])
async def test_only_admins_create_bids(gql: GraphQLClient, world: World, role: Role | None) -> None:
    variables = {"input": {"name": "Rogue BID", "slug": "rogue"}}
    result = (await gql.execute(CREATE_BID, variables, token=world.token(role)))["createBid"]
    assert result["__typename"] == "PermissionDenied"
    assert result["message"]
    assert not await Bid.exists(slug="rogue")


@pytest.mark.parametrize(
    "slug", ["", "   ", "-kingsbridge", "kingsbridge-", "kings bridge", "kings_bridge", "k" * 65, "café"]
)
async def test_bid_slug_must_be_a_url_slug(gql: GraphQLClient, world: World, slug: str) -> None:
    variables = {"input": {"name": "Kingsbridge BID", "slug": slug}}
    result = (await gql.execute(CREATE_BID, variables, token=world.admin_token))["createBid"]
    assert result["__typename"] == "ValidationError"
    assert result["field"] == "slug"
    assert await Bid.all().count() == 2


async def test_bid_slug_may_be_64_characters(gql: GraphQLClient, world: World) -> None:
    variables = {"input": {"name": "Long BID", "slug": "k" * 64}}
    result = (await gql.execute(CREATE_BID, variables, token=world.admin_token))["createBid"]
    assert result["__typename"] == "CreateBidSuccess"


async def test_bid_slug_is_unique(gql: GraphQLClient, world: World) -> None:
    variables = {"input": {"name": "Another Home", "slug": "HOME"}}
    result = (await gql.execute(CREATE_BID, variables, token=world.admin_token))["createBid"]
    assert result["__typename"] == "ValidationError"
    assert result["field"] == "slug"
    assert await Bid.filter(slug="home").count() == 1
    assert not await Bid.exists(name="Another Home")


async def test_bid_name_is_required(gql: GraphQLClient, world: World) -> None:
    variables = {"input": {"name": "   ", "slug": "nameless"}}
    result = (await gql.execute(CREATE_BID, variables, token=world.admin_token))["createBid"]
    assert result["__typename"] == "ValidationError"
    assert result["field"] == "name"
    assert not await Bid.exists(slug="nameless")


# --- createShop --------------------------------------------------------------------------------


async def test_admin_creates_a_shop_in_any_bid(gql: GraphQLClient, world: World) -> None:
    variables = shop_input(world.away.bid_id)
    result = (await gql.execute(CREATE_SHOP, variables, token=world.admin_token))["createShop"]
    assert result["__typename"] == "CreateShopSuccess"
    assert result["shop"] == {
        "id": result["shop"]["id"],
        "name": "Corner Chemist",
        "address": "12 Market Place",
        "postcode": "MH1 2AB",
        "latitude": 52.191,
        "longitude": -1.707,
    }
    assert await Shop.filter(bid=world.away.bid, name="Corner Chemist").count() == 1


async def test_manager_creates_a_shop_their_bid_then_sees(gql: GraphQLClient, world: World) -> None:
    manager = world.token(Role.BID_MANAGER, "home")
    result = (await gql.execute(CREATE_SHOP, shop_input(world.home.bid_id), token=manager))["createShop"]
    assert result["__typename"] == "CreateShopSuccess"
    shop_id = result["shop"]["id"]

    for role in NOT_ADMINS:
        (home,) = await bids_seen(gql, world.token(role, "home"))
        assert shop_id in [shop["id"] for shop in home["shops"]]
    (away,) = await bids_seen(gql, world.token(Role.BID_MANAGER, "away"))
    assert shop_id not in [shop["id"] for shop in away["shops"]]


async def test_manager_of_another_bid_gets_not_found(gql: GraphQLClient, world: World) -> None:
    manager = world.token(Role.BID_MANAGER, "home")
    result = (await gql.execute(CREATE_SHOP, shop_input(world.away.bid_id), token=manager))["createShop"]
    assert result["__typename"] == "NotFound"
    # The same answer as for a BID that does not exist, so nothing is revealed.
    missing = shop_input(encode_id("Bid", world.away.bid.id + 1000))
    nowhere = (await gql.execute(CREATE_SHOP, missing, token=manager))["createShop"]
    assert nowhere == result
    assert not await Shop.exists(name="Corner Chemist")


@pytest.mark.parametrize("role", [Role.SHOP_STAFF, Role.POLICE])
async def test_staff_and_police_may_not_add_shops(gql: GraphQLClient, world: World, role: Role) -> None:
    token = world.token(role, "home")
    result = (await gql.execute(CREATE_SHOP, shop_input(world.home.bid_id), token=token))["createShop"]
    assert result["__typename"] == "PermissionDenied"
    other = (await gql.execute(CREATE_SHOP, shop_input(world.away.bid_id), token=token))["createShop"]
    assert other["__typename"] == "NotFound"
    assert not await Shop.exists(name="Corner Chemist")


async def test_anonymous_may_not_add_shops(gql: GraphQLClient, world: World) -> None:
    result = (await gql.execute(CREATE_SHOP, shop_input(world.home.bid_id)))["createShop"]
    assert result["__typename"] == "PermissionDenied"
    assert not await Shop.exists(name="Corner Chemist")


@pytest.mark.parametrize("bid_id", ["not-an-id", "", "U2hvcDox"])  # U2hvcDox is "Shop:1"
async def test_create_shop_with_a_bad_bid_id_is_not_found(
    gql: GraphQLClient, world: World, bid_id: str
) -> None:
    result = (await gql.execute(CREATE_SHOP, shop_input(bid_id), token=world.admin_token))["createShop"]
    assert result["__typename"] == "NotFound"
    assert not await Shop.exists(name="Corner Chemist")


@pytest.mark.parametrize(
    ("given", "stored"),
    [("mh11aa", "MH1 1AA"), ("sw1a 1aa", "SW1A 1AA"), (" EC1A1BB ", "EC1A 1BB"), ("m1  1ae", "M1 1AE")],
)
async def test_postcodes_are_normalised(gql: GraphQLClient, world: World, given: str, stored: str) -> None:
    variables = shop_input(world.home.bid_id, postcode=given)
    result = (await gql.execute(CREATE_SHOP, variables, token=world.admin_token))["createShop"]
    assert result["__typename"] == "CreateShopSuccess"
    assert result["shop"]["postcode"] == stored
    assert (await Shop.get(name="Corner Chemist")).postcode == stored


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", ""),
        ("name", "   "),
        ("name", "n" * 201),
        ("address", ""),
        ("address", "  "),
        ("address", "a" * 301),
        ("postcode", ""),
        ("postcode", "12345"),
        ("postcode", "MH1"),
        ("postcode", "MH1 1A"),
        ("postcode", "MH1 1AAA"),
        ("postcode", "MH1-1AA"),
        ("latitude", 90.5),
        ("latitude", -91.0),
        ("longitude", 180.5),
        ("longitude", -181.0),
    ],
)
async def test_shop_input_is_validated(gql: GraphQLClient, world: World, field: str, value: Any) -> None:
    variables = shop_input(world.home.bid_id, **{field: value})
    result = (await gql.execute(CREATE_SHOP, variables, token=world.admin_token))["createShop"]
    assert result["__typename"] == "ValidationError"
    assert result["field"] == field
    assert result["message"]
    assert await Shop.filter(bid=world.home.bid).count() == 2


async def test_shop_names_are_unique_within_a_bid(gql: GraphQLClient, world: World) -> None:
    taken = world.home.shops[0].name
    duplicate = shop_input(world.home.bid_id, name=taken)
    result = (await gql.execute(CREATE_SHOP, duplicate, token=world.admin_token))["createShop"]
    assert result["__typename"] == "ValidationError"
    assert result["field"] == "name"
    assert await Shop.filter(name=taken).count() == 1

    # Another town may have a shop of the same name.
    elsewhere = shop_input(world.away.bid_id, name=taken)
    result = (await gql.execute(CREATE_SHOP, elsewhere, token=world.admin_token))["createShop"]
    assert result["__typename"] == "CreateShopSuccess"
    assert await Shop.filter(name=taken).count() == 2


# --- createNeighbourhoodTeam --------------------------------------------------------------------


def team_input(bid_ids: list[str], **changes: Any) -> dict[str, Any]:
    values = {"name": "Town Centre NPT", "email": "Town.NPT@Police.example.org", "bidIds": bid_ids}
    return {"input": {**values, **changes}}


async def test_admin_creates_a_team_covering_bids(gql: GraphQLClient, world: World) -> None:
    variables = team_input([world.home.bid_id, world.away.bid_id])
    result = (await gql.execute(CREATE_TEAM, variables, token=world.admin_token))["createNeighbourhoodTeam"]
    assert result["__typename"] == "CreateTeamSuccess"
    assert result["team"]["name"] == "Town Centre NPT"
    assert result["team"]["email"] == "town.npt@police.example.org"

    for bid in await bids_seen(gql, world.admin_token):
        assert result["team"] in bid["teams"]

    # An officer of the new team sees both BIDs it covers.
    team = await NeighbourhoodTeam.get(name="Town Centre NPT")
    officer = await User.get(email="police@home.example.org")
    await Membership.filter(user=officer).update(team_id=team.id)
    police_view = await bids_seen(gql, world.token(Role.POLICE, "home"))
    assert sorted(bid["slug"] for bid in police_view) == ["away", "home"]


@pytest.mark.parametrize("role", [None, *NOT_ADMINS])
async def test_only_admins_create_teams(gql: GraphQLClient, world: World, role: Role | None) -> None:
    variables = team_input([world.home.bid_id])
    result = (await gql.execute(CREATE_TEAM, variables, token=world.token(role)))["createNeighbourhoodTeam"]
    assert result["__typename"] == "PermissionDenied"
    assert not await NeighbourhoodTeam.exists(name="Town Centre NPT")


async def test_team_bids_must_exist(gql: GraphQLClient, world: World) -> None:
    missing = encode_id("Bid", world.away.bid.id + 1000)
    for bid_ids in ([world.home.bid_id, missing], ["rubbish"], [world.home.shop_id(0)], []):
        result = (await gql.execute(CREATE_TEAM, team_input(bid_ids), token=world.admin_token))[
            "createNeighbourhoodTeam"
        ]
        assert result["__typename"] == "ValidationError", bid_ids
        assert result["field"] == "bidIds"
    assert not await NeighbourhoodTeam.exists(name="Town Centre NPT")


@pytest.mark.parametrize("email", ["", "npt", "npt@police", "npt @police.example.org", "@example.org"])
async def test_team_email_is_validated(gql: GraphQLClient, world: World, email: str) -> None:
    variables = team_input([world.home.bid_id], email=email)
    result = (await gql.execute(CREATE_TEAM, variables, token=world.admin_token))["createNeighbourhoodTeam"]
    assert result["__typename"] == "ValidationError"
    assert result["field"] == "email"
    assert not await NeighbourhoodTeam.exists(name="Town Centre NPT")


UPDATE_RETENTION = """
mutation R($input: UpdateRetentionInput!) {
  updateRetention(input: $input) {
    __typename
    ... on UpdateRetentionSuccess { bid { id offenderRetentionMonths } }
    ... on ValidationError { field message }
    ... on PermissionDenied { message }
    ... on NotFound { message }
  }
}
"""


async def test_a_manager_sets_how_long_the_gallery_keeps_people(gql: GraphQLClient, world: World) -> None:
    variables = {"input": {"bidId": world.home.bid_id, "offenderRetentionMonths": 24}}
    result = (await gql.execute(UPDATE_RETENTION, variables, token=world.token(Role.BID_MANAGER)))[
        "updateRetention"
    ]
    assert result == {
        "__typename": "UpdateRetentionSuccess",
        "bid": {"id": world.home.bid_id, "offenderRetentionMonths": 24},
    }
    staff = (await gql.execute(UPDATE_RETENTION, variables, token=world.token(Role.SHOP_STAFF)))[
        "updateRetention"
    ]
    assert staff["__typename"] == "PermissionDenied"


@pytest.mark.parametrize("months", [0, 73, -1])
async def test_a_retention_period_out_of_range_is_refused(
    gql: GraphQLClient, world: World, months: int
) -> None:
    variables = {"input": {"bidId": world.home.bid_id, "offenderRetentionMonths": months}}
    result = (await gql.execute(UPDATE_RETENTION, variables, token=world.token(Role.ADMIN)))[
        "updateRetention"
    ]
    assert result == {
        "__typename": "ValidationError",
        "field": "offenderRetentionMonths",
        "message": "Choose between 1 and 72 months.",
    }
