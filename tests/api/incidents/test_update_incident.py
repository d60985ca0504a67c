"""Changing an incident's police reference: who may, every refusal, and its audit entry."""

from __future__ import annotations

import json

import pytest

from shopwatch.accounts.models import Role
from shopwatch.accounts.sessions import start_session
from shopwatch.core.audit.models import AuditEntry
from shopwatch.incidents.models import Incident
from tests.api.offenders.helpers import EVERY_VIEWER, RESULT_MEMBERS, incident_id, make_incident
from tests.support.graphql import GraphQLClient
from tests.support.world import World, make_colleague

UPDATE = f"""
mutation Update($input: UpdateIncidentInput!) {{
  updateIncident(input: $input) {{
    __typename
    ... on UpdateIncidentSuccess {{ incident {{ id policeReference }} }}
    {RESULT_MEMBERS}
  }}
}}
"""


def _reference(incident: Incident, reference: str | None) -> dict[str, object]:
    return {"input": {"incidentId": incident_id(incident), "policeReference": reference}}


def expected(role: Role | None, town: str) -> str:
    if role is None:
        return "PermissionDenied"
    if town == "away" and role != Role.ADMIN:
        return "NotFound"
    if role == Role.POLICE:
        return "PermissionDenied"
    return "UpdateIncidentSuccess"  # the home shop's staff reported it


@pytest.mark.parametrize(("role", "town"), EVERY_VIEWER)
async def test_who_may_change_the_police_reference(
    gql: GraphQLClient, world: World, role: Role | None, town: str
) -> None:
    incident = await make_incident(world.home)
    data = await gql.execute(UPDATE, _reference(incident, " WM/2026/1234 "), token=world.token(role, town))
    result = data["updateIncident"]
    assert result["__typename"] == expected(role, town), result
    changed = result["__typename"] == "UpdateIncidentSuccess"
    assert (await Incident.get(id=incident.id)).police_reference == ("WM/2026/1234" if changed else None)
    assert await AuditEntry.filter(action="incident.update").count() == (1 if changed else 0)
    if changed:
        assert result["incident"]["policeReference"] == "WM/2026/1234"


async def test_staff_who_did_not_report_it_may_not(gql: GraphQLClient, world: World) -> None:
    incident = await make_incident(world.home)
    colleague = await make_colleague(world.home)
    data = await gql.execute(UPDATE, _reference(incident, "WM1"), token=await start_session(colleague))
    assert data["updateIncident"] == {
        "__typename": "PermissionDenied",
        "message": "Only the incident's reporter, the BID's managers or an administrator can change it.",
    }


async def test_blank_clears_it_and_the_same_value_records_nothing(gql: GraphQLClient, world: World) -> None:
    incident = await make_incident(world.home, police_reference="WM1")
    token = world.token(Role.BID_MANAGER)
    same = await gql.execute(UPDATE, _reference(incident, "WM1"), token=token)
    assert same["updateIncident"]["incident"]["policeReference"] == "WM1"
    assert await AuditEntry.all().count() == 0
    cleared = await gql.execute(UPDATE, _reference(incident, "  "), token=token)
    assert cleared["updateIncident"]["incident"]["policeReference"] is None
    entry = await AuditEntry.get(action="incident.update")
    assert (entry.subject, json.loads(entry.detail)) == (
        f"Incident:{incident.id}",
        {"fields": ["policeReference"]},
    )


async def test_a_reference_too_long_is_refused(gql: GraphQLClient, world: World) -> None:
    incident = await make_incident(world.home)
    data = await gql.execute(UPDATE, _reference(incident, "X" * 41), token=world.token(Role.BID_MANAGER))
    assert data["updateIncident"] == {
        "__typename": "ValidationError",
        "field": "policeReference",
        "message": "Use at most 40 characters.",
    }
    assert (await Incident.get(id=incident.id)).police_reference is None


async def test_an_incident_of_another_shop_is_not_found_for_staff(gql: GraphQLClient, world: World) -> None:
    incident = await make_incident(world.home, shop=1, reporter=Role.BID_MANAGER)
    data = await gql.execute(UPDATE, _reference(incident, "WM1"), token=world.token(Role.SHOP_STAFF))
    assert data["updateIncident"] == {"__typename": "NotFound", "message": "There is no such incident."}
