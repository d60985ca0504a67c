"""incident.possibleOffenders: gallery offenders whose photos look alike or who share the vehicle."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from shopwatch.accounts.models import Role
from shopwatch.incidents.models import Photo
from shopwatch.incidents.photo_hash import hamming_distance
from shopwatch.offenders.models import OffenderPhoto, OffenderStatus
from tests.api.incidents.helpers import REPORT, report_input
from tests.api.offenders.helpers import (
    CREATE,
    LINK,
    incident_id,
    link,
    make_incident,
    make_offender,
    offender_id,
)
from tests.support.graphql import GraphQLClient, post_multipart
from tests.support.images import jpeg, scene
from tests.support.queries import counting_queries
from tests.support.world import World

POSSIBLE = """
query Possible($id: ID!) {
  incident(id: $id) {
    possibleOffenders { reason photoDistance vehicleIncidents offender { id displayName } }
  }
}
"""


async def possible(gql: GraphQLClient, token: str | None, incident: str) -> list[dict[str, Any]] | None:
    data = await gql.execute(POSSIBLE, {"id": incident}, token=token)
    assert data["incident"] is not None
    found: list[dict[str, Any]] | None = data["incident"]["possibleOffenders"]
    return found


async def gallery_record(http: httpx.AsyncClient, world: World, name: str, photo: bytes) -> str:
    variables = {"input": {"bidId": world.home.bid_id, "displayName": name, "photo": None}}
    files = {"variables.input.photo": (f"{name}.jpg", photo, "image/jpeg")}
    data = await post_multipart(http, CREATE, variables, files, world.token(Role.BID_MANAGER) or "")
    assert data["createOffender"]["photoErrors"] == []
    created: str = data["createOffender"]["offender"]["id"]
    return created


async def report_with_photo(http: httpx.AsyncClient, world: World, photo: bytes) -> str:
    variables = {"input": report_input(world.home.shop_id(0), photos=[None])}
    files = {"variables.input.photos.0": ("cctv.jpg", photo, "image/jpeg")}
    data = await post_multipart(http, REPORT, variables, files, world.token(Role.SHOP_STAFF) or "")
    assert data["reportIncident"]["photoErrors"] == []
    reported: str = data["reportIncident"]["incident"]["id"]
    return reported


@pytest.fixture
async def alike(http: httpx.AsyncClient, world: World) -> dict[str, str]:
    """A gallery record whose photo is a re-encoded, smaller copy of the incident's CCTV still."""
    still = scene(7)
    red_cap = await gallery_record(http, world, "Red cap", jpeg(still.resize((640, 480)), quality=60))
    other = await gallery_record(http, world, "Someone else", jpeg(scene(8)))
    incident = await report_with_photo(http, world, jpeg(still, quality=92))
    return {"red_cap": red_cap, "other": other, "incident": incident}


async def test_a_photo_alike_a_gallery_photo_is_suggested_with_the_reason(
    gql: GraphQLClient, world: World, alike: dict[str, str]
) -> None:
    incident_hash = (await Photo.get()).perceptual_hash
    distances = {
        row.offender_id: hamming_distance(incident_hash, row.perceptual_hash)
        for row in await OffenderPhoto.all()
    }
    assert sorted(distances.values())[0] <= 10 < sorted(distances.values())[1]

    suggestions = await possible(gql, world.token(Role.BID_MANAGER), alike["incident"])
    assert suggestions is not None
    [suggestion] = suggestions
    assert suggestion["offender"] == {"id": alike["red_cap"], "displayName": "Red cap"}
    assert suggestion["photoDistance"] == min(distances.values())
    assert suggestion["vehicleIncidents"] == 0
    assert suggestion["reason"].startswith("Photo 1 looks like a gallery photo (")
    assert await possible(gql, world.token(Role.POLICE), alike["incident"]) == suggestions
    assert await possible(gql, world.token(Role.ADMIN), alike["incident"]) == suggestions


async def test_staff_get_no_suggestions(gql: GraphQLClient, world: World, alike: dict[str, str]) -> None:
    assert await possible(gql, world.token(Role.SHOP_STAFF), alike["incident"]) is None


async def test_suggestions_stop_once_an_offender_is_linked(
    gql: GraphQLClient, world: World, alike: dict[str, str]
) -> None:
    manager = world.token(Role.BID_MANAGER)
    variables = {"incidentId": alike["incident"], "offenderId": alike["red_cap"]}
    assert (await gql.execute(LINK, variables, token=manager))["linkOffender"]["linked"] is True
    assert await possible(gql, manager, alike["incident"]) == []


async def test_a_shared_vehicle_is_suggested_within_the_bid_only(gql: GraphQLClient, world: World) -> None:
    driver = await make_offender(world.home, "Driver")
    for hours in (30, 40):
        await link(await make_incident(world.home, hours_ago=hours, vehicle_registration="AB12CDE"), driver)
    passenger = await make_offender(world.home, "Passenger")
    await link(await make_incident(world.home, hours_ago=50, vehicle_registration="AB12CDE"), passenger)
    elsewhere = await make_offender(world.away, "Same car, other town")
    await link(await make_incident(world.away, hours_ago=30, vehicle_registration="AB12CDE"), elsewhere)
    merged = await make_offender(world.home, "Merged", OffenderStatus.ARCHIVED, merged_into=driver)
    assert merged.id

    new = await make_incident(world.home, hours_ago=1, vehicle_registration="AB12CDE")
    suggestions = await possible(gql, world.token(Role.BID_MANAGER), incident_id(new))
    assert suggestions == [
        {
            "reason": "Vehicle AB12CDE appears on 2 of their incidents.",
            "photoDistance": None,
            "vehicleIncidents": 2,
            "offender": {"id": offender_id(driver), "displayName": "Driver"},
        },
        {
            "reason": "Vehicle AB12CDE appears on 1 of their incidents.",
            "photoDistance": None,
            "vehicleIncidents": 1,
            "offender": {"id": offender_id(passenger), "displayName": "Passenger"},
        },
    ]
    unrelated = await make_incident(world.home, hours_ago=1, vehicle_registration="ZZ99ZZZ")
    assert await possible(gql, world.token(Role.BID_MANAGER), incident_id(unrelated)) == []
    without = await make_incident(world.home, hours_ago=1)
    assert await possible(gql, world.token(Role.BID_MANAGER), incident_id(without)) == []


PAGE = """
query Page($first: Int) {
  incidents(first: $first) {
    edges { node { id possibleOffenders { reason offender { id displayName status } } } }
  }
}
"""


async def test_suggestions_for_a_page_cost_a_fixed_number_of_queries(
    gql: GraphQLClient, world: World
) -> None:
    driver = await make_offender(world.home, "Driver")
    await link(await make_incident(world.home, hours_ago=100, vehicle_registration="AB12CDE"), driver)
    for n in range(30):
        await make_incident(world.home, hours_ago=n + 1, vehicle_registration="AB12CDE")

    async def cost(first: int) -> int:
        with counting_queries() as statements:
            data = await gql.execute(PAGE, {"first": first}, token=world.token(Role.BID_MANAGER))
        assert all(edge["node"]["possibleOffenders"] for edge in data["incidents"]["edges"])
        return len(statements)

    assert await cost(5) == await cost(25)
