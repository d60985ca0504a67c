import uuid
from datetime import UTC, datetime, timedelta

import pytest

from shopwatch.accounts.models import Role
from shopwatch.api.ids import encode_id
from shopwatch.incidents.models import Incident, IncidentKind, IncidentStatus, Photo
from shopwatch.offenders.models import Offender, OffenderLink
from shopwatch.places.models import Shop
from tests.support.graphql import GraphQLClient
from tests.support.queries import counting_queries
from tests.support.world import Town, World

INCIDENTS = """
query Incidents($filter: IncidentFilter, $first: Int, $after: String) {
  incidents(filter: $filter, first: $first, after: $after) {
    edges { cursor node { id description shop { id } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""

FULL_PAGE = """
query Page($first: Int) {
  incidents(first: $first) {
    edges { node {
      id kind occurredAt description
      shop { id name }
      reporter { id name memberships { role } }
      photos { id url thumbnailUrl originalUrl sha256 }
      offenders { id displayName }
    } }
  }
}
"""

INCIDENT = "query One($id: ID!) { incident(id: $id) { id description } }"

NOW = datetime.now(UTC)


async def add_incident(
    town: Town, shop: int, hours_ago: float, description: str, **fields: object
) -> Incident:
    return await Incident.create(
        client_id=uuid.uuid4(),
        bid=town.bid,
        shop=town.shops[shop],
        reporter=town.users[Role.SHOP_STAFF],
        kind=fields.pop("kind", IncidentKind.THEFT),
        occurred_at=NOW - timedelta(hours=hours_ago),
        reported_at=NOW,
        description=description,
        **fields,
    )


async def descriptions(gql: GraphQLClient, token: str | None, **variables: object) -> list[str]:
    data = await gql.execute(INCIDENTS, dict(variables), token=token)
    return [edge["node"]["description"] for edge in data["incidents"]["edges"]]


@pytest.fixture
async def reports(world: World) -> None:
    await add_incident(world.home, 0, 1, "home shop 1, newest")
    await add_incident(world.home, 1, 2, "home shop 2")
    await add_incident(world.home, 0, 3, "home shop 1, oldest", kind=IncidentKind.ASSAULT)
    await add_incident(world.away, 0, 1, "away shop 1")


@pytest.mark.parametrize(
    ("role", "town", "expected"),
    [
        (Role.SHOP_STAFF, "home", ["home shop 1, newest", "home shop 1, oldest"]),
        (Role.BID_MANAGER, "home", ["home shop 1, newest", "home shop 2", "home shop 1, oldest"]),
        (Role.POLICE, "home", ["home shop 1, newest", "home shop 2", "home shop 1, oldest"]),
        (Role.BID_MANAGER, "away", ["away shop 1"]),
        (
            Role.ADMIN,
            "home",
            # the two newest share their time; the later-stored one comes first
            ["away shop 1", "home shop 1, newest", "home shop 2", "home shop 1, oldest"],
        ),
    ],
)
async def test_each_role_sees_exactly_its_incidents_newest_first(
    gql: GraphQLClient, world: World, reports: None, role: Role, town: str, expected: list[str]
) -> None:
    assert await descriptions(gql, world.token(role, town)) == expected


async def test_anonymous_viewers_get_an_error(gql: GraphQLClient, reports: None) -> None:
    assert await gql.errors(INCIDENTS) == ["Log in to see this."]


async def test_police_see_every_bid_their_team_covers(
    gql: GraphQLClient, world: World, reports: None
) -> None:
    await world.home.team.bids.add(world.away.bid)
    assert "away shop 1" in await descriptions(gql, world.token(Role.POLICE))


async def test_filters_narrow_within_scope(gql: GraphQLClient, world: World, reports: None) -> None:
    manager = world.token(Role.BID_MANAGER)
    assert await descriptions(gql, manager, filter={"shopId": world.home.shop_id(1)}) == ["home shop 2"]
    assert await descriptions(gql, manager, filter={"kinds": ["ASSAULT"]}) == ["home shop 1, oldest"]
    window = {
        "from": (NOW - timedelta(hours=2.5)).isoformat(),
        "to": (NOW - timedelta(hours=1.5)).isoformat(),
    }
    assert await descriptions(gql, manager, filter=window) == ["home shop 2"]
    assert await descriptions(gql, manager, filter={"text": "OLDEST"}) == ["home shop 1, oldest"]
    # Naming another BID or its shop finds nothing rather than widening the scope.
    assert await descriptions(gql, manager, filter={"bidId": world.away.bid_id}) == []
    assert await descriptions(gql, manager, filter={"shopId": world.away.shop_id(0)}) == []


async def test_filter_by_offender_and_vehicle(gql: GraphQLClient, world: World) -> None:
    offender = await Offender.create(bid=world.home.bid, display_name="Known")
    linked = await add_incident(world.home, 0, 1, "linked")
    await add_incident(world.home, 0, 2, "car", vehicle_registration="AB12CDE")
    await OffenderLink.create(incident=linked, offender=offender)
    manager = world.token(Role.BID_MANAGER)
    assert await descriptions(gql, manager, filter={"offenderId": encode_id("Offender", offender.id)}) == [
        "linked"
    ]
    assert await descriptions(gql, manager, filter={"text": "ab12 cde"}) == ["car"]


async def test_searching_longer_text_than_a_registration_searches_descriptions(
    gql: GraphQLClient, world: World
) -> None:
    await add_incident(world.home, 0, 1, "took a crate of energy drinks")
    manager = world.token(Role.BID_MANAGER)
    found = await descriptions(gql, manager, filter={"text": "crate of energy drinks"})
    assert found == ["took a crate of energy drinks"]


async def test_pages_follow_cursors_without_gaps_or_repeats(gql: GraphQLClient, world: World) -> None:
    for n in range(7):
        await add_incident(world.home, 0, 1 + (n // 2), f"report {n}")  # pairs share a time
    manager = world.token(Role.BID_MANAGER)
    seen: list[str] = []
    after = None
    while True:
        page = (await gql.execute(INCIDENTS, {"first": 3, "after": after}, token=manager))["incidents"]
        seen += [edge["node"]["description"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert sorted(seen) == sorted(f"report {n}" for n in range(7))
    assert len(seen) == 7


async def test_first_is_limited_to_100(gql: GraphQLClient, world: World) -> None:
    errors = await gql.errors(INCIDENTS, {"first": 101}, token=world.token(Role.BID_MANAGER))
    assert errors == ["`first` must be between 1 and 100."]
    assert await gql.errors(INCIDENTS, {"after": "nonsense!"}, token=world.token(Role.BID_MANAGER))


async def test_incident_by_id_only_within_scope(gql: GraphQLClient, world: World) -> None:
    other_shop = await add_incident(world.home, 1, 1, "other shop")
    incident_id = encode_id("Incident", other_shop.id)
    manager = await gql.execute(INCIDENT, {"id": incident_id}, token=world.token(Role.BID_MANAGER))
    assert manager["incident"]["description"] == "other shop"
    for role, town in [(Role.SHOP_STAFF, "home"), (Role.BID_MANAGER, "away"), (Role.POLICE, "away")]:
        assert (await gql.execute(INCIDENT, {"id": incident_id}, token=world.token(role, town)))[
            "incident"
        ] is None


async def _page_query_count(gql: GraphQLClient, token: str | None, first: int) -> int:
    with counting_queries() as statements:
        data = await gql.execute(FULL_PAGE, {"first": first}, token=token)
    assert len(data["incidents"]["edges"]) == first
    return len(statements)


async def test_a_page_costs_the_same_number_of_queries_whatever_its_size(
    gql: GraphQLClient, world: World
) -> None:
    offender = await Offender.create(bid=world.home.bid, display_name="Known")
    extra_shops = [
        await Shop.create(
            bid=world.home.bid, name=f"Shop {n}", address="x", postcode="MH1 1AA", latitude=0, longitude=0
        )
        for n in range(5)
    ]
    for n in range(60):
        incident = await add_incident(world.home, 0, n, f"report {n}")
        incident.shop_id = extra_shops[n % 5].id
        await incident.save(update_fields=["shop_id"])
        await OffenderLink.create(incident=incident, offender=offender)
        await Photo.create(
            incident=incident,
            sha256=f"{n:064d}",
            content_type="image/jpeg",
            original_path="o",
            display_path="d",
            thumbnail_path="t",
            width=1,
            height=1,
            byte_size=1,
            perceptual_hash="0" * 16,
        )
    token = world.token(Role.BID_MANAGER)
    small = await _page_query_count(gql, token, 5)
    large = await _page_query_count(gql, token, 50)
    assert small == large
    assert large <= 8


@pytest.mark.parametrize(
    ("role", "town", "expected"),
    [
        (Role.SHOP_STAFF, "home", ["home shop 1, oldest"]),
        (Role.BID_MANAGER, "home", ["home shop 2", "home shop 1, oldest"]),
        (Role.POLICE, "home", ["home shop 2", "home shop 1, oldest"]),
        (Role.BID_MANAGER, "away", ["away shop 1"]),
        (Role.ADMIN, "home", ["away shop 1", "home shop 2", "home shop 1, oldest"]),
    ],
)
async def test_filter_by_status_within_each_roles_scope(
    gql: GraphQLClient, world: World, reports: None, role: Role, town: str, expected: list[str]
) -> None:
    await Incident.filter(description="home shop 2").update(status=IncidentStatus.REVIEWED)
    await Incident.filter(description="home shop 1, oldest").update(status=IncidentStatus.CLOSED)
    await Incident.filter(description="away shop 1").update(status=IncidentStatus.CLOSED)
    token = world.token(role, town)
    wanted = {"statuses": ["REVIEWED", "CLOSED"]}
    assert await descriptions(gql, token, filter=wanted) == expected
    # Another BID's reports stay out of reach whatever the filter names.
    other = world.away if town == "home" else world.home
    if role is not Role.ADMIN:
        assert await descriptions(gql, token, filter={**wanted, "bidId": other.bid_id}) == []
    assert await descriptions(gql, token, filter={"statuses": []}) == await descriptions(gql, token)


async def test_filter_by_status_with_the_other_filters(
    gql: GraphQLClient, world: World, reports: None
) -> None:
    await Incident.filter(description="home shop 1, newest").update(status=IncidentStatus.REFERRED_TO_POLICE)
    manager = world.token(Role.BID_MANAGER)
    new = {"statuses": ["NEW"]}
    assert await descriptions(gql, manager, filter=new) == ["home shop 2", "home shop 1, oldest"]
    assert await descriptions(gql, manager, filter={**new, "shopId": world.home.shop_id(0)}) == [
        "home shop 1, oldest"
    ]
    assert (
        await descriptions(gql, manager, filter={"statuses": ["REFERRED_TO_POLICE"], "kinds": ["ASSAULT"]})
        == []
    )
    assert await gql.errors(INCIDENTS, {"filter": {"statuses": ["LOST"]}}, token=manager)
