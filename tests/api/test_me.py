from shopwatch.accounts.models import Role
from tests.support.graphql import GraphQLClient
from tests.support.world import World

ME = """
query { me { email memberships { role bid { id } shop { id } team { id } } } }
"""


async def test_anonymous_me_is_null(gql: GraphQLClient) -> None:
    assert (await gql.execute(ME))["me"] is None


async def test_shop_staff_sees_their_shop_membership(gql: GraphQLClient, world: World) -> None:
    me = (await gql.execute(ME, token=world.token(Role.SHOP_STAFF)))["me"]
    assert me["email"] == "shop_staff@home.example.org"
    assert me["memberships"] == [
        {
            "role": "SHOP_STAFF",
            "bid": {"id": world.home.bid_id},
            "shop": {"id": world.home.shop_id(0)},
            "team": None,
        }
    ]


async def test_police_membership_names_their_team(gql: GraphQLClient, world: World) -> None:
    me = (await gql.execute(ME, token=world.token(Role.POLICE)))["me"]
    assert me["memberships"][0]["team"] == {"id": world.home.team_id}


async def test_unknown_token_is_anonymous(gql: GraphQLClient, world: World) -> None:
    assert (await gql.execute(ME, token="not-a-real-token"))["me"] is None
