"""What the gallery tells shop staff through other objects: no ARCHIVED record through an incident,
and no time of an incident they may not see, in `lastSeenAt` or in a cursor."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Any

import pytest

from shopwatch.accounts.models import Membership, Role
from shopwatch.accounts.sessions import start_session
from shopwatch.api.ids import encode_id
from shopwatch.incidents.models import Incident
from shopwatch.offenders.models import Offender, OffenderStatus
from tests.api.offenders.helpers import (
    OFFENDERS,
    incident_id,
    link,
    make_incident,
    make_offender,
    offender_id,
)
from tests.support.graphql import GraphQLClient
from tests.support.world import World, make_user

INCIDENT_OFFENDERS = (
    "query Q($id: ID!) { incident(id: $id) { offenders { displayName description status } } }"
)
SEEN = "query Q($id: ID!) { offender(id: $id) { lastSeenAt incidentCount } }"
GALLERY_SEEN = """
query Q($bidId: ID!) { offenders(bidId: $bidId) { edges { cursor node { displayName lastSeenAt } } } }
"""
LINKED_SEEN = "query Q($id: ID!) { incident(id: $id) { offenders { lastSeenAt } } }"


def at(moment: datetime) -> str:
    return moment.isoformat()


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.SHOP_STAFF, ["Active one", "Excluded one"]),
        (Role.BID_MANAGER, ["Active one", "Excluded one", "Archived one"]),
        (Role.POLICE, ["Active one", "Excluded one", "Archived one"]),
        (Role.ADMIN, ["Active one", "Excluded one", "Archived one"]),
    ],
)
async def test_shop_staff_get_no_archived_record_through_an_incident(
    gql: GraphQLClient, world: World, role: Role, expected: list[str]
) -> None:
    incident = await make_incident(world.home)
    for name, status in (
        ("Active one", OffenderStatus.ACTIVE),
        ("Excluded one", OffenderStatus.EXCLUDED),
        ("Archived one", OffenderStatus.ARCHIVED),
    ):
        await link(incident, await make_offender(world.home, name, status, description=f"{name}, tall"))
    data = await gql.execute(INCIDENT_OFFENDERS, {"id": incident_id(incident)}, token=world.token(role))
    assert [o["displayName"] for o in data["incident"]["offenders"]] == expected


async def test_archived_records_stay_hidden_where_the_viewer_is_staff_only(
    gql: GraphQLClient, world: World
) -> None:
    """Someone who is shop staff at home and manages the away BID sees home as shop staff do."""
    user = await make_user(
        "both@example.org", "Both", Role.SHOP_STAFF, bid=world.home.bid, shop=world.home.shops[0]
    )
    await Membership.create(user=user, role=Role.BID_MANAGER, bid=world.away.bid)
    token = await start_session(user)
    for town in (world.home, world.away):
        incident = await make_incident(town)
        await link(incident, await make_offender(town, f"{town.bid.name} archived", OffenderStatus.ARCHIVED))
        data = await gql.execute(INCIDENT_OFFENDERS, {"id": incident_id(incident)}, token=token)
        names = [o["displayName"] for o in data["incident"]["offenders"]]
        assert names == ([] if town is world.home else ["Away BID archived"])


@pytest.fixture
async def seen_at_two_shops(world: World) -> tuple[Offender, Incident, Incident]:
    """An offender seen at home's first shop five hours ago and at its second shop an hour ago."""
    offender = await make_offender(world.home, "Seen twice")
    first_shop = await make_incident(world.home, shop=0, hours_ago=5)
    second_shop = await make_incident(world.home, shop=1, hours_ago=1, reporter=Role.BID_MANAGER)
    await link(first_shop, offender)
    await link(second_shop, offender)
    return offender, first_shop, second_shop


async def seen(gql: GraphQLClient, token: str | None, offender: Offender, incident: Incident) -> list[Any]:
    """lastSeenAt as the offender, in the gallery and through the incident."""
    one = (await gql.execute(SEEN, {"id": offender_id(offender)}, token=token))["offender"]
    gallery = (await gql.execute(GALLERY_SEEN, {"bidId": _bid_id(offender)}, token=token))["offenders"]
    linked = (await gql.execute(LINKED_SEEN, {"id": incident_id(incident)}, token=token))["incident"]
    return [
        one["lastSeenAt"],
        gallery["edges"][0]["node"]["lastSeenAt"],
        linked["offenders"][0]["lastSeenAt"],
    ]


def _bid_id(offender: Offender) -> str:
    return encode_id("Bid", offender.bid_id)


async def test_shop_staff_see_when_an_offender_was_last_seen_at_their_own_shop(
    gql: GraphQLClient, world: World, seen_at_two_shops: tuple[Offender, Incident, Incident]
) -> None:
    offender, first_shop, second_shop = seen_at_two_shops
    staff = world.token(Role.SHOP_STAFF)
    assert await seen(gql, staff, offender, first_shop) == [at(first_shop.occurred_at)] * 3
    count = (await gql.execute(SEEN, {"id": offender_id(offender)}, token=staff))["offender"]["incidentCount"]
    assert count == 1
    manager = world.token(Role.BID_MANAGER)
    assert await seen(gql, manager, offender, first_shop) == [at(second_shop.occurred_at)] * 3


async def test_shop_staff_who_never_saw_an_offender_see_no_time(
    gql: GraphQLClient, world: World, seen_at_two_shops: tuple[Offender, Incident, Incident]
) -> None:
    offender, _, second_shop = seen_at_two_shops
    colleague = await make_user(
        "second.shop@example.org", "Second", Role.SHOP_STAFF, bid=world.home.bid, shop=world.home.shops[1]
    )
    token = await start_session(colleague)
    data = await gql.execute(SEEN, {"id": offender_id(offender)}, token=token)
    assert data["offender"] == {"lastSeenAt": at(second_shop.occurred_at), "incidentCount": 1}
    other = await make_offender(world.home, "Seen only at the first shop")
    await link(await make_incident(world.home, shop=0, hours_ago=2), other)
    data = await gql.execute(SEEN, {"id": offender_id(other)}, token=token)
    assert data["offender"] == {"lastSeenAt": None, "incidentCount": 0}


async def test_gallery_cursors_carry_no_time(
    gql: GraphQLClient, world: World, seen_at_two_shops: tuple[Offender, Incident, Incident]
) -> None:
    _, _, second_shop = seen_at_two_shops
    data = await gql.execute(OFFENDERS, {"bidId": world.home.bid_id}, token=world.token(Role.SHOP_STAFF))
    cursor = data["offenders"]["edges"][0]["cursor"]
    decoded = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    assert str(second_shop.occurred_at.year) not in decoded
    assert data["offenders"]["pageInfo"]["endCursor"] == cursor


async def test_a_cursor_with_a_time_in_it_is_refused(
    gql: GraphQLClient, world: World, seen_at_two_shops: tuple[Offender, Incident, Incident]
) -> None:
    """Else shop staff could ask for the records seen before any time they like, and so find out
    when each was seen elsewhere."""
    offender, first_shop, _ = seen_at_two_shops
    moment = first_shop.occurred_at.astimezone(UTC).isoformat()
    cursor = base64.urlsafe_b64encode(f"Offender|{moment}|{offender.id}".encode()).decode()
    variables = {"bidId": world.home.bid_id, "after": cursor}
    for role in (Role.SHOP_STAFF, Role.BID_MANAGER):
        assert await gql.errors(OFFENDERS, variables, token=world.token(role)) == [
            "`after` is not a cursor from this list."
        ]


async def test_a_cursor_for_a_record_out_of_the_list_is_refused(gql: GraphQLClient, world: World) -> None:
    archived = await make_offender(world.home, "Archived", OffenderStatus.ARCHIVED)
    cursor = base64.urlsafe_b64encode(f"Offender||{archived.id}".encode()).decode()
    variables = {"bidId": world.home.bid_id, "after": cursor}
    errors = await gql.errors(OFFENDERS, variables, token=world.token(Role.SHOP_STAFF))
    assert errors == ["`after` is not a cursor from this list."]
    data = await gql.execute(OFFENDERS, variables, token=world.token(Role.BID_MANAGER))
    assert data["offenders"]["edges"] == []
