"""Looking through the gallery: who sees which records, in what order, at what cost."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from shopwatch.accounts.models import Role
from shopwatch.api import slices
from shopwatch.offenders.exclusions import today
from shopwatch.offenders.models import Exclusion, Offender, OffenderPhoto, OffenderStatus
from tests.api.offenders.helpers import (
    EVERY_VIEWER,
    NOW,
    OFFENDER,
    OFFENDERS,
    link,
    make_incident,
    make_offender,
    offender_id,
)
from tests.support.graphql import GraphQLClient
from tests.support.queries import counting_queries
from tests.support.world import World


async def exclude(offender: Offender, starts_on: date, ends_on: date, reason: str = "Theft") -> Exclusion:
    return await Exclusion.create(offender=offender, starts_on=starts_on, ends_on=ends_on, reason=reason)


@pytest.fixture
async def gallery(world: World) -> dict[str, Offender]:
    home = world.home
    active = await make_offender(home, "Active one", last_seen_at=NOW - timedelta(hours=1))
    excluded = await make_offender(
        home, "Excluded one", OffenderStatus.EXCLUDED, last_seen_at=NOW - timedelta(hours=2)
    )
    await exclude(excluded, today() - timedelta(days=10), today() + timedelta(days=300))
    archived = await make_offender(home, "Archived one", OffenderStatus.ARCHIVED)
    merged = await make_offender(home, "Merged away", OffenderStatus.ARCHIVED, merged_into=active)
    away = await make_offender(world.away, "Away one")
    return {"active": active, "excluded": excluded, "archived": archived, "merged": merged, "away": away}


async def names(gql: GraphQLClient, token: str | None, bid_id: str, **variables: object) -> list[str]:
    data = await gql.execute(OFFENDERS, {"bidId": bid_id, **variables}, token=token)
    return [edge["node"]["displayName"] for edge in data["offenders"]["edges"]]


WHOLE_GALLERY = ["Active one", "Excluded one", "Archived one"]


@pytest.mark.parametrize(
    ("role", "town", "expected"),
    [
        (Role.SHOP_STAFF, "home", ["Active one", "Excluded one"]),
        (Role.BID_MANAGER, "home", WHOLE_GALLERY),
        (Role.POLICE, "home", WHOLE_GALLERY),
        (Role.ADMIN, "home", WHOLE_GALLERY),
        (Role.SHOP_STAFF, "away", []),
        (Role.BID_MANAGER, "away", []),
        (Role.POLICE, "away", []),
    ],
)
async def test_each_role_sees_exactly_its_part_of_the_gallery(
    gql: GraphQLClient,
    world: World,
    gallery: dict[str, Offender],
    role: Role,
    town: str,
    expected: list[str],
) -> None:
    assert await names(gql, world.token(role, town), world.home.bid_id) == expected


async def test_statuses_are_shown(gql: GraphQLClient, world: World, gallery: dict[str, Offender]) -> None:
    data = await gql.execute(OFFENDERS, {"bidId": world.home.bid_id}, token=world.token(Role.BID_MANAGER))
    statuses = {edge["node"]["displayName"]: edge["node"]["status"] for edge in data["offenders"]["edges"]}
    assert statuses == {"Active one": "ACTIVE", "Excluded one": "EXCLUDED", "Archived one": "ARCHIVED"}


async def test_anonymous_viewers_get_an_error(gql: GraphQLClient, world: World) -> None:
    assert await gql.errors(OFFENDERS, {"bidId": world.home.bid_id}) == ["Log in to see this."]


async def test_an_id_that_is_not_a_bid_finds_nothing(
    gql: GraphQLClient, world: World, gallery: dict[str, Offender]
) -> None:
    manager = world.token(Role.BID_MANAGER)
    assert await names(gql, manager, world.home.shop_id(0)) == []
    assert await names(gql, manager, "nonsense") == []


async def test_police_see_every_bid_their_team_covers(
    gql: GraphQLClient, world: World, gallery: dict[str, Offender]
) -> None:
    await world.home.team.bids.add(world.away.bid)
    assert await names(gql, world.token(Role.POLICE), world.away.bid_id) == ["Away one"]


async def test_most_recently_seen_first_never_seen_last_across_pages(
    gql: GraphQLClient, world: World
) -> None:
    home = world.home
    expected = []
    for n, hours in enumerate([5, 1, 3, 3, None, None, 8]):
        seen = None if hours is None else NOW - timedelta(hours=hours)
        await make_offender(home, f"offender {n}", last_seen_at=seen)
    # seen 1h, two at 3h (by id), 5h, 8h, then the never-seen by id
    expected = [
        "offender 1",
        "offender 2",
        "offender 3",
        "offender 0",
        "offender 6",
        "offender 4",
        "offender 5",
    ]
    manager = world.token(Role.BID_MANAGER)
    assert await names(gql, manager, home.bid_id) == expected
    seen: list[str] = []
    after = None
    while True:
        page = (
            await gql.execute(OFFENDERS, {"bidId": home.bid_id, "first": 2, "after": after}, token=manager)
        )["offenders"]
        seen += [edge["node"]["displayName"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == expected


async def test_page_limits_and_bad_cursors(gql: GraphQLClient, world: World) -> None:
    manager = world.token(Role.BID_MANAGER)
    errors = await gql.errors(OFFENDERS, {"bidId": world.home.bid_id, "first": 101}, token=manager)
    assert errors == ["`first` must be between 1 and 100."]
    errors = await gql.errors(OFFENDERS, {"bidId": world.home.bid_id, "after": "nonsense!"}, token=manager)
    assert errors == ["`after` is not a cursor from this list."]


@pytest.mark.parametrize(("role", "town"), EVERY_VIEWER)
async def test_one_offender_by_id_only_within_scope(
    gql: GraphQLClient, world: World, gallery: dict[str, Offender], role: Role | None, town: str
) -> None:
    token = world.token(role, town)
    if role is None:
        assert await gql.errors(OFFENDER, {"id": offender_id(gallery["active"])}) == ["Log in to see this."]
        return

    async def found(offender: Offender) -> bool:
        data = await gql.execute(OFFENDER, {"id": offender_id(offender)}, token=token)
        return data["offender"] is not None

    at_home = town == "home"
    whole = role in (Role.BID_MANAGER, Role.POLICE, Role.ADMIN)
    assert await found(gallery["active"]) is at_home
    assert await found(gallery["excluded"]) is at_home
    assert await found(gallery["archived"]) is (at_home and whole)
    assert await found(gallery["merged"]) is False
    assert await found(gallery["away"]) is (role == Role.ADMIN or not at_home)


async def test_an_offenders_incidents_and_count_are_those_the_viewer_may_see(
    gql: GraphQLClient, world: World
) -> None:
    offender = await make_offender(world.home)
    for n, shop in enumerate([0, 1, 0]):
        await link(
            await make_incident(world.home, shop, hours_ago=n + 1, description=f"report {n}"), offender
        )

    async def seen(role: Role) -> tuple[int, list[str]]:
        data = await gql.execute(OFFENDER, {"id": offender_id(offender)}, token=world.token(role))
        found = data["offender"]
        return found["incidentCount"], [edge["node"]["description"] for edge in found["incidents"]["edges"]]

    # Shop staff see their own shop's incidents only, and the count agrees.
    assert await seen(Role.SHOP_STAFF) == (2, ["report 0", "report 2"])
    assert await seen(Role.BID_MANAGER) == (3, ["report 0", "report 1", "report 2"])
    assert await seen(Role.POLICE) == (3, ["report 0", "report 1", "report 2"])

    manager = world.token(Role.BID_MANAGER)
    first = await gql.execute(OFFENDER, {"id": offender_id(offender), "first": 2}, token=manager)
    incidents = first["offender"]["incidents"]
    assert [edge["node"]["description"] for edge in incidents["edges"]] == ["report 0", "report 1"]
    assert incidents["pageInfo"]["hasNextPage"] is True
    rest = await gql.execute(
        OFFENDER,
        {"id": offender_id(offender), "first": 2, "after": incidents["pageInfo"]["endCursor"]},
        token=manager,
    )
    assert [edge["node"]["description"] for edge in rest["offender"]["incidents"]["edges"]] == ["report 2"]


async def test_the_exclusion_shown_is_the_one_in_force_else_the_latest(
    gql: GraphQLClient, world: World
) -> None:
    offender = await make_offender(world.home)
    manager = world.token(Role.BID_MANAGER)

    async def shown() -> dict[str, object]:
        data = await gql.execute(OFFENDER, {"id": offender_id(offender)}, token=manager)
        return {"status": data["offender"]["status"], "exclusion": data["offender"]["exclusion"]}

    assert await shown() == {"status": "ACTIVE", "exclusion": None}
    day = today()
    await exclude(offender, day - timedelta(days=400), day - timedelta(days=35), "Old notice")
    assert await shown() == {
        "status": "ACTIVE",
        "exclusion": {
            "startsOn": (day - timedelta(days=400)).isoformat(),
            "endsOn": (day - timedelta(days=35)).isoformat(),
            "reason": "Old notice",
            "inForce": False,
        },
    }
    await exclude(offender, day - timedelta(days=30), day + timedelta(days=335), "Current notice")
    await exclude(offender, day + timedelta(days=100), day + timedelta(days=200), "Future notice")
    shown_now = await shown()
    assert shown_now["status"] == "EXCLUDED"  # even though the stored status was never changed
    assert shown_now["exclusion"] == {
        "startsOn": (day - timedelta(days=30)).isoformat(),
        "endsOn": (day + timedelta(days=335)).isoformat(),
        "reason": "Current notice",
        "inForce": True,
    }


FULL_PAGE = """
query Page($bidId: ID!, $first: Int) {
  offenders(bidId: $bidId, first: $first) {
    edges { node {
      id displayName status lastSeenAt incidentCount thumbnailUrl
      bid { id name }
      photos { id url thumbnailUrl originalUrl }
      exclusion { startsOn endsOn reason inForce }
      incidents(first: 2) { edges { node { id description } } }
    } }
  }
}
"""


async def test_a_page_of_offenders_costs_the_same_number_of_queries_whatever_its_size(
    gql: GraphQLClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    day = today()
    for n in range(60):
        offender = await make_offender(world.home, f"offender {n}", last_seen_at=NOW - timedelta(hours=n))
        await link(await make_incident(world.home, n % 2, hours_ago=n), offender)
        await OffenderPhoto.create(
            offender=offender,
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
        await exclude(offender, day, day + timedelta(days=365))

    async def cost(role: Role, first: int) -> int:
        with counting_queries() as statements:
            data = await gql.execute(
                FULL_PAGE, {"bidId": world.home.bid_id, "first": first}, token=world.token(role)
            )
        assert len(data["offenders"]["edges"]) == first
        return len(statements)

    for role in (Role.BID_MANAGER, Role.SHOP_STAFF):
        small, large = await cost(role, 5), await cost(role, 50)
        assert small == large
        assert large <= 8
    # Worked through one object a turn, as a busy process gives a costly query its turns, the
    # page's loads are spread over many turns and still make the same statements.
    monkeypatch.setattr(slices, "YIELD_AFTER", 0.0)
    assert await cost(Role.BID_MANAGER, 50) == large


PAGES = """
query Pages($bidId: ID!, $after: String) {
  offenders(bidId: $bidId, first: 10) {
    edges { node { displayName
      incidents(first: 2, after: $after) { edges { cursor node { description } } pageInfo { hasNextPage } }
    } }
  }
}
"""


async def test_each_offenders_page_in_a_list_is_the_one_they_have_alone(
    gql: GraphQLClient, world: World
) -> None:
    # A list of offenders gets every one's page from one statement; each must be what asking for
    # that offender alone gives, for each viewer, from the start and after a cursor.
    ann = await make_offender(world.home, "Ann", last_seen_at=NOW - timedelta(hours=1))
    bob = await make_offender(world.home, "Bob", last_seen_at=NOW - timedelta(hours=2))
    await make_offender(world.home, "Cy", last_seen_at=NOW - timedelta(hours=3))
    for n, (shop, who) in enumerate([(0, ann), (1, ann), (1, bob), (0, ann), (0, bob)]):
        await link(await make_incident(world.home, shop, hours_ago=n + 1, description=f"report {n}"), who)

    async def listed(token: str, after: str | None) -> dict[str, tuple[list[str], bool]]:
        data = await gql.execute(PAGES, {"bidId": world.home.bid_id, "after": after}, token=token)
        return {
            edge["node"]["displayName"]: (
                [inner["node"]["description"] for inner in edge["node"]["incidents"]["edges"]],
                edge["node"]["incidents"]["pageInfo"]["hasNextPage"],
            )
            for edge in data["offenders"]["edges"]
        }

    async def alone(token: str, after: str | None) -> dict[str, tuple[list[str], bool]]:
        pages = {}
        for offender in (ann, bob, await Offender.get(display_name="Cy")):
            data = await gql.execute(
                OFFENDER, {"id": offender_id(offender), "first": 2, "after": after}, token=token
            )
            incidents = data["offender"]["incidents"]
            pages[offender.display_name] = (
                [edge["node"]["description"] for edge in incidents["edges"]],
                incidents["pageInfo"]["hasNextPage"],
            )
        return pages

    staff, manager = world.token(Role.SHOP_STAFF), world.token(Role.BID_MANAGER)
    assert (
        await listed(staff, None)
        == await alone(staff, None)
        == {
            "Ann": (["report 0", "report 3"], False),
            "Bob": (["report 4"], False),
            "Cy": ([], False),
        }
    )
    assert (
        await listed(manager, None)
        == await alone(manager, None)
        == {
            "Ann": (["report 0", "report 1"], True),
            "Bob": (["report 2", "report 4"], False),
            "Cy": ([], False),
        }
    )
    first = await gql.execute(PAGES, {"bidId": world.home.bid_id}, token=manager)
    after_report_1 = first["offenders"]["edges"][0]["node"]["incidents"]["edges"][1]["cursor"]
    assert (
        await listed(manager, after_report_1)
        == await alone(manager, after_report_1)
        == {
            "Ann": (["report 3"], False),
            "Bob": (["report 2", "report 4"], False),
            "Cy": ([], False),
        }
    )
