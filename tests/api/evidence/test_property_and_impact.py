"""Property lines and shops' impact statements through the API: what they change, who may, and each
error a user can cause."""

from __future__ import annotations

from typing import Any

import pytest

from shopwatch.accounts.models import Role
from shopwatch.evidence.models import BusinessImpactStatement, PropertyLine
from shopwatch.incidents.models import Incident
from shopwatch.settings import Settings
from tests.api.evidence.helpers import RECORD_IMPACT, SET_PROPERTY, evidence, incident_id, run
from tests.support.evidence import staff_report_with_photos
from tests.support.graphql import GraphQLClient
from tests.support.world import World


@pytest.fixture
async def incident(world: World, settings: Settings) -> Incident:
    return await staff_report_with_photos(world, settings, photos=0)


def _lines(incident: Incident, *lines: dict[str, Any]) -> dict[str, Any]:
    return {"input": {"incidentId": incident_id(incident), "lines": list(lines)}}


GIN = {"description": "Gin, 70 cl", "quantity": 2, "unitPricePence": 2_250}


async def test_the_reporter_lists_property_and_the_value_follows(
    gql: GraphQLClient, world: World, incident: Incident
) -> None:
    staff = world.token(Role.SHOP_STAFF)
    result = await run(
        gql,
        SET_PROPERTY,
        _lines(
            incident, GIN, {"description": "Razors", "quantity": 1, "unitPricePence": 999, "recovered": True}
        ),
        staff,
    )

    assert result["incident"]["valueStolenPence"] == 4_500
    assert result["incident"]["property"] == [
        {
            "description": "Gin, 70 cl",
            "quantity": 2,
            "unitPricePence": 2_250,
            "recovered": False,
            "totalPence": 4_500,
        },
        {"description": "Razors", "quantity": 1, "unitPricePence": 999, "recovered": True, "totalPence": 999},
    ]
    seen = await evidence(gql, incident, world.token(Role.POLICE))
    assert (
        "2 x Gin, 70 cl at £22.50 each (£45.00), not recovered."
        in (await evidence(gql, incident, staff))["statementDraft"]
    )
    assert seen["statementDraft"] is None and len(seen["property"]) == 2


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ({**GIN, "description": " "}, "lines[0].description"),
        ({**GIN, "quantity": 0}, "lines[0].quantity"),
        ({**GIN, "unitPricePence": -5}, "lines[0].unitPricePence"),
        ({**GIN, "quantity": 10_000, "unitPricePence": 10_000_000}, "lines"),
    ],
)
async def test_property_errors_a_user_can_cause(
    gql: GraphQLClient, world: World, incident: Incident, line: dict[str, Any], field: str
) -> None:
    result = await run(gql, SET_PROPERTY, _lines(incident, line), world.token(Role.SHOP_STAFF))

    assert (result["__typename"], result["field"]) == ("ValidationError", field)
    assert await PropertyLine.all().count() == 0


async def test_who_may_not_list_property(gql: GraphQLClient, world: World, incident: Incident) -> None:
    police = await run(gql, SET_PROPERTY, _lines(incident, GIN), world.token(Role.POLICE))
    away = await run(gql, SET_PROPERTY, _lines(incident, GIN), world.token(Role.BID_MANAGER, "away"))

    assert police["__typename"] == "PermissionDenied" and away["__typename"] == "NotFound"


def _impact(world: World, shop: int = 0, **changes: str) -> dict[str, Any]:
    values = {
        "shopId": world.home.shop_id(shop),
        "text": "Two staff have left.",
        "authorName": "Ann Lee",
        "position": "Store manager",
    }
    return {"input": {**values, **changes}}


async def test_a_shop_records_its_impact_statement_and_the_latest_is_shown(
    gql: GraphQLClient, world: World
) -> None:
    staff = world.token(Role.SHOP_STAFF)
    await run(gql, RECORD_IMPACT, _impact(world), staff)

    later = await run(
        gql, RECORD_IMPACT, _impact(world, text="We hired a guard."), world.token(Role.BID_MANAGER)
    )

    assert later["impactStatement"] == {
        "text": "We hired a guard.",
        "authorName": "Ann Lee",
        "position": "Store manager",
    }
    assert later["shop"]["impactStatement"] == {"text": "We hired a guard."}
    assert await BusinessImpactStatement.all().count() == 2


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"text": ""}, "text"),
        ({"text": "x" * 10_001}, "text"),
        ({"authorName": "42"}, "authorName"),
        ({"position": ""}, "position"),
    ],
)
async def test_impact_statement_errors_a_user_can_cause(
    gql: GraphQLClient, world: World, changes: dict[str, str], field: str
) -> None:
    result = await run(gql, RECORD_IMPACT, _impact(world, **changes), world.token(Role.SHOP_STAFF))

    assert (result["__typename"], result["field"]) == ("ValidationError", field)


async def test_who_may_not_record_a_shop_s_impact_statement(gql: GraphQLClient, world: World) -> None:
    other_shop = await run(gql, RECORD_IMPACT, _impact(world, shop=1), world.token(Role.SHOP_STAFF))
    police = await run(gql, RECORD_IMPACT, _impact(world), world.token(Role.POLICE))
    away = await run(gql, RECORD_IMPACT, _impact(world), world.token(Role.BID_MANAGER, "away"))
    unknown = await run(
        gql, RECORD_IMPACT, {"input": {**_impact(world)["input"], "shopId": "nope"}}, world.token(Role.ADMIN)
    )

    assert other_shop["__typename"] == police["__typename"] == "PermissionDenied"
    assert away["__typename"] == unknown["__typename"] == "NotFound"
    assert await BusinessImpactStatement.all().count() == 0
