import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from shopwatch.accounts.models import Role
from shopwatch.api.ids import encode_id
from shopwatch.incidents.models import Incident
from shopwatch.offenders.models import Offender, OffenderLink
from tests.api.incidents.helpers import REPORT, report_input
from tests.support.graphql import GraphQLClient
from tests.support.world import World


async def report(gql: GraphQLClient, world: World, role: Role | None, **changes: Any) -> dict[str, Any]:
    variables = {"input": report_input(world.home.shop_id(0), **changes)}
    result: dict[str, Any] = (await gql.execute(REPORT, variables, token=world.token(role)))["reportIncident"]
    return result


async def test_shop_staff_report_is_stored_with_its_details(gql: GraphQLClient, world: World) -> None:
    result = await report(
        gql, world, Role.SHOP_STAFF, vehicleRegistration="ab12 cde", policeReference=" MH-123 "
    )
    assert result["__typename"] == "ReportIncidentSuccess"
    assert result["duplicate"] is False
    incident = result["incident"]
    assert incident["kind"] == "THEFT"
    assert incident["valueStolenPence"] == 5998
    assert incident["vehicleRegistration"] == "AB12CDE"
    assert incident["policeReference"] == "MH-123"
    assert incident["shop"] == {"id": world.home.shop_id(0)}
    assert incident["reporter"] == {"email": "shop_staff@home.example.org"}
    stored = await Incident.get(client_id=incident["clientId"])
    assert stored.bid_id == world.home.bid.id
    assert stored.status == "NEW"


async def test_bid_manager_may_report_for_any_shop_of_their_bid(gql: GraphQLClient, world: World) -> None:
    variables = {"input": report_input(world.home.shop_id(1))}
    result = (await gql.execute(REPORT, variables, token=world.token(Role.BID_MANAGER)))["reportIncident"]
    assert result["__typename"] == "ReportIncidentSuccess"


@pytest.mark.parametrize(
    ("role", "town", "shop", "expected"),
    [
        (None, "home", 0, "PermissionDenied"),
        (Role.SHOP_STAFF, "home", 1, "PermissionDenied"),  # another shop in their own BID
        (Role.POLICE, "home", 0, "PermissionDenied"),
        (Role.ADMIN, "home", 0, "PermissionDenied"),
        (Role.SHOP_STAFF, "away", 0, "NotFound"),
        (Role.BID_MANAGER, "away", 0, "NotFound"),
    ],
)
async def test_who_may_not_report(
    gql: GraphQLClient, world: World, role: Role | None, town: str, shop: int, expected: str
) -> None:
    variables = {"input": report_input(world.home.shop_id(shop))}
    result = (await gql.execute(REPORT, variables, token=world.token(role, town)))["reportIncident"]
    assert result["__typename"] == expected
    assert await Incident.all().count() == 0


def _in(minutes: float) -> str:
    return (datetime.now(UTC) + timedelta(minutes=minutes)).isoformat()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"clientId": "not-a-uuid"}, "clientId"),
        # Times are worked out when the test runs: a long run reaches it minutes after collection.
        ({"occurredAt": lambda: _in(10)}, "occurredAt"),
        ({"occurredAt": lambda: _in(-60 * 24 * 366)}, "occurredAt"),
        ({"description": "   "}, "description"),
        ({"description": "x" * 5001}, "description"),
        ({"valueStolenPence": -1}, "valueStolenPence"),
        ({"valueStolenPence": 10_000_001}, "valueStolenPence"),
        ({"policeReference": "R" * 41}, "policeReference"),
        ({"vehicleRegistration": "AB12 CDE FGH 123"}, "vehicleRegistration"),
        ({"vehicleRegistration": "AB12<CDE"}, "vehicleRegistration"),
    ],
)
async def test_each_invalid_field_is_named(
    gql: GraphQLClient, world: World, changes: dict[str, Any], field: str
) -> None:
    values = {name: value() if callable(value) else value for name, value in changes.items()}
    result = await report(gql, world, Role.SHOP_STAFF, **values)
    assert result["__typename"] == "ValidationError"
    assert result["field"] == field
    assert result["message"]
    assert await Incident.all().count() == 0


async def test_limits_are_inclusive(gql: GraphQLClient, world: World) -> None:
    result = await report(
        gql, world, Role.SHOP_STAFF, description="x" * 5000, valueStolenPence=10_000_000, occurredAt=_in(4)
    )
    assert result["__typename"] == "ReportIncidentSuccess"


async def test_offenders_must_be_in_the_same_bid(gql: GraphQLClient, world: World) -> None:
    away = await Offender.create(bid=world.away.bid, display_name="Away person")
    home = await Offender.create(bid=world.home.bid, display_name="Home person")
    refused = await report(
        gql,
        world,
        Role.SHOP_STAFF,
        offenderIds=[encode_id("Offender", home.id), encode_id("Offender", away.id)],
    )
    assert refused["__typename"] == "ValidationError"
    assert refused["field"] == "offenderIds"
    assert await Incident.all().count() == 0

    linked = await report(gql, world, Role.SHOP_STAFF, offenderIds=[encode_id("Offender", home.id)])
    assert linked["incident"]["offenders"] == [{"id": encode_id("Offender", home.id)}]
    assert await OffenderLink.filter(offender=home).count() == 1


async def test_the_same_client_id_twice_is_one_report(gql: GraphQLClient, world: World) -> None:
    client_id = str(uuid.uuid4())
    first = await report(gql, world, Role.SHOP_STAFF, clientId=client_id)
    again = await report(gql, world, Role.SHOP_STAFF, clientId=client_id, description="sent again")
    assert again["duplicate"] is True
    assert again["incident"]["id"] == first["incident"]["id"]
    assert again["incident"]["description"] == first["incident"]["description"]
    assert await Incident.all().count() == 1


async def test_racing_submissions_of_one_client_id_store_one_report(gql: GraphQLClient, world: World) -> None:
    variables = {"input": report_input(world.home.shop_id(0))}
    token = world.token(Role.SHOP_STAFF)
    results = await asyncio.gather(*(gql.execute(REPORT, variables, token=token) for _ in range(5)))
    outcomes = [result["reportIncident"] for result in results]
    assert {outcome["incident"]["id"] for outcome in outcomes} == {outcomes[0]["incident"]["id"]}
    assert sorted(outcome["duplicate"] for outcome in outcomes) == [False, True, True, True, True]
    assert await Incident.all().count() == 1


async def test_a_client_id_of_someone_elses_report_reveals_nothing(gql: GraphQLClient, world: World) -> None:
    client_id = str(uuid.uuid4())
    await report(gql, world, Role.SHOP_STAFF, clientId=client_id, description="private details")
    variables = {"input": report_input(world.away.shop_id(0), clientId=client_id)}
    result = (await gql.execute(REPORT, variables, token=world.token(Role.SHOP_STAFF, "away")))[
        "reportIncident"
    ]
    assert result["__typename"] == "ValidationError"
    assert result["field"] == "clientId"
    assert "private details" not in str(result)
