"""dismissSuggestion ("not this person"): who may, that the pair is never suggested again (and only
that pair), every refusal, and its audit entry."""

from __future__ import annotations

import pytest

from shopwatch.accounts.models import Role
from shopwatch.core.audit.models import AuditEntry
from shopwatch.incidents.models import Incident
from shopwatch.offenders.models import DismissedSuggestion, Offender
from tests.api.offenders.helpers import (
    EVERY_VIEWER,
    RESULT_MEMBERS,
    incident_id,
    link,
    make_incident,
    make_offender,
    offender_id,
)
from tests.api.offenders.test_possible_offenders import possible
from tests.support.graphql import GraphQLClient
from tests.support.world import Town, World

DISMISS = f"""
mutation Dismiss($incidentId: ID!, $offenderId: ID!) {{
  dismissSuggestion(incidentId: $incidentId, offenderId: $offenderId) {{
    __typename
    ... on DismissSuggestionSuccess {{ dismissed incident {{ id }} offender {{ id }} }}
    {RESULT_MEMBERS}
  }}
}}
"""


async def driver_and_sighting(town: Town, registration: str = "AB12CDE") -> tuple[Offender, Incident]:
    """An offender whose incidents carry a vehicle, and a new report of the same vehicle at the first
    shop, reported by its staff: the offender is suggested for it."""
    driver = await make_offender(town, "Driver")
    for hours in (30, 40):
        await link(await make_incident(town, hours_ago=hours, vehicle_registration=registration), driver)
    return driver, await make_incident(town, vehicle_registration=registration)


def _pair(incident: Incident, offender: Offender) -> dict[str, str]:
    return {"incidentId": incident_id(incident), "offenderId": offender_id(offender)}


def expected(role: Role | None, town: str) -> str:
    if role is None:
        return "PermissionDenied"
    if town == "away" and role != Role.ADMIN:
        return "NotFound"
    if role == Role.POLICE:
        return "PermissionDenied"
    return "DismissSuggestionSuccess"  # shop staff: the report is theirs, as for linkOffender


@pytest.mark.parametrize(("role", "town"), EVERY_VIEWER)
async def test_who_may_turn_a_suggestion_down(
    gql: GraphQLClient, world: World, role: Role | None, town: str
) -> None:
    driver, sighting = await driver_and_sighting(world.home)
    data = await gql.execute(DISMISS, _pair(sighting, driver), token=world.token(role, town))
    result = data["dismissSuggestion"]
    assert result["__typename"] == expected(role, town), result
    dismissed = result["__typename"] == "DismissSuggestionSuccess"
    assert await DismissedSuggestion.exists(incident_id=sighting.id, offender_id=driver.id) is dismissed
    assert await AuditEntry.filter(action="suggestion.dismiss").count() == (1 if dismissed else 0)
    if result["__typename"] == "PermissionDenied" and role is not None:
        assert (
            result["message"]
            == "Only the BID's managers or the incident's reporter can link an offender to it."
        )


async def test_the_pair_is_never_suggested_again_and_only_that_pair(gql: GraphQLClient, world: World) -> None:
    driver, sighting = await driver_and_sighting(world.home)
    other_sighting = await make_incident(world.home, vehicle_registration="AB12CDE")
    manager = world.token(Role.BID_MANAGER)
    assert [s["offender"]["id"] for s in await possible(gql, manager, incident_id(sighting)) or []] == [
        offender_id(driver)
    ]

    first = await gql.execute(DISMISS, _pair(sighting, driver), token=manager)
    again = await gql.execute(DISMISS, _pair(sighting, driver), token=manager)

    assert (first["dismissSuggestion"]["dismissed"], again["dismissSuggestion"]["dismissed"]) == (True, False)
    assert await possible(gql, manager, incident_id(sighting)) == []
    still = await possible(gql, manager, incident_id(other_sighting)) or []
    assert [s["offender"]["id"] for s in still] == [offender_id(driver)]
    entry = await AuditEntry.get(action="suggestion.dismiss")
    assert (entry.subject, entry.actor) == (f"Offender:{driver.id}", world.home.users[Role.BID_MANAGER].email)
    assert await AuditEntry.filter(action="suggestion.dismiss").count() == 1


async def test_a_linked_offender_is_unlinked_not_dismissed(gql: GraphQLClient, world: World) -> None:
    driver, sighting = await driver_and_sighting(world.home)
    await link(sighting, driver)
    data = await gql.execute(DISMISS, _pair(sighting, driver), token=world.token(Role.BID_MANAGER))
    assert data["dismissSuggestion"] == {
        "__typename": "ValidationError",
        "field": "offenderId",
        "message": "This offender is linked to the incident: unlink them instead.",
    }
    assert await DismissedSuggestion.all().count() == 0


async def test_an_offender_of_another_bid_is_refused(gql: GraphQLClient, world: World) -> None:
    _, sighting = await driver_and_sighting(world.home)
    stranger = await make_offender(world.away, "Stranger")
    data = await gql.execute(DISMISS, _pair(sighting, stranger), token=world.token(Role.ADMIN))
    assert data["dismissSuggestion"] == {
        "__typename": "ValidationError",
        "field": "offenderId",
        "message": "Pick an offender from this BID's gallery.",
    }
    # A manager of the home BID cannot see the away record at all.
    mine = await gql.execute(DISMISS, _pair(sighting, stranger), token=world.token(Role.BID_MANAGER))
    assert mine["dismissSuggestion"] == {"__typename": "NotFound", "message": "There is no such offender."}
    assert await DismissedSuggestion.all().count() == 0


async def test_staff_may_not_turn_down_for_a_report_that_is_not_theirs(
    gql: GraphQLClient, world: World
) -> None:
    driver = await make_offender(world.home, "Driver")
    by_manager = await make_incident(world.home, reporter=Role.BID_MANAGER)
    data = await gql.execute(DISMISS, _pair(by_manager, driver), token=world.token(Role.SHOP_STAFF))
    assert data["dismissSuggestion"]["__typename"] == "PermissionDenied"
