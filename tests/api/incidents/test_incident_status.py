"""Changing an incident's status: who may, the history kept (who, when, note), every refusal, and the
audit entry of each change."""

from __future__ import annotations

import json

import pytest

from shopwatch.accounts.models import Role
from shopwatch.api.ids import encode_id
from shopwatch.core.audit.models import AuditEntry
from shopwatch.core.audit.trail import verify_chain
from shopwatch.incidents.models import Incident, IncidentStatus, IncidentStatusChange
from tests.api.offenders.helpers import EVERY_VIEWER, RESULT_MEMBERS, incident_id, make_incident
from tests.support.graphql import GraphQLClient
from tests.support.world import World

UPDATE_STATUS = f"""
mutation Status($input: UpdateIncidentStatusInput!) {{
  updateIncidentStatus(input: $input) {{
    __typename
    ... on UpdateIncidentStatusSuccess {{
      incident {{
        id status
        history {{ previousStatus status note changedAt changedBy {{ id name }} }}
      }}
    }}
    {RESULT_MEMBERS}
  }}
}}
"""

HISTORY = """
query History($id: ID!) {
  incident(id: $id) { status history { previousStatus status note changedBy { name } } }
}
"""


def _status(incident: Incident, status: str, note: str | None = None) -> dict[str, object]:
    return {"input": {"incidentId": incident_id(incident), "status": status, "note": note}}


def expected(role: Role | None, town: str) -> str:
    if role is None:
        return "PermissionDenied"
    if town == "away" and role != Role.ADMIN:
        return "NotFound"
    if role == Role.SHOP_STAFF:
        return "PermissionDenied"  # staff report; the BID's managers and police work the case
    return "UpdateIncidentStatusSuccess"


@pytest.mark.parametrize(("role", "town"), EVERY_VIEWER)
async def test_who_may_change_the_status(
    gql: GraphQLClient, world: World, role: Role | None, town: str
) -> None:
    incident = await make_incident(world.home)
    data = await gql.execute(
        UPDATE_STATUS, _status(incident, "REVIEWED", "Seen on CCTV."), token=world.token(role, town)
    )
    result = data["updateIncidentStatus"]
    assert result["__typename"] == expected(role, town), result
    changed = result["__typename"] == "UpdateIncidentStatusSuccess"
    stored = await Incident.get(id=incident.id)
    assert stored.status == (IncidentStatus.REVIEWED if changed else IncidentStatus.NEW)
    assert await IncidentStatusChange.filter(incident_id=incident.id).count() == (1 if changed else 0)
    assert await AuditEntry.filter(action="incident.status").count() == (1 if changed else 0)
    if result["__typename"] == "PermissionDenied" and role is not None:
        assert result["message"] == (
            "Only the BID's managers, its police team or an administrator can change an incident's status."
        )


async def test_each_change_is_kept_with_who_when_and_the_note(gql: GraphQLClient, world: World) -> None:
    incident = await make_incident(world.home)
    manager, police = world.home.users[Role.BID_MANAGER], world.home.users[Role.POLICE]
    first = await gql.execute(
        UPDATE_STATUS,
        _status(incident, "REFERRED_TO_POLICE", "  Passed to PC Jones.  "),
        token=world.token(Role.BID_MANAGER),
    )
    assert first["updateIncidentStatus"]["incident"]["status"] == "REFERRED_TO_POLICE"
    await gql.execute(UPDATE_STATUS, _status(incident, "CLOSED"), token=world.token(Role.POLICE))

    data = await gql.execute(HISTORY, {"id": incident_id(incident)}, token=world.token(Role.SHOP_STAFF))
    assert data["incident"] == {
        "status": "CLOSED",
        "history": [
            {
                "previousStatus": "NEW",
                "status": "REFERRED_TO_POLICE",
                "note": "Passed to PC Jones.",
                "changedBy": {"name": manager.name},
            },
            {
                "previousStatus": "REFERRED_TO_POLICE",
                "status": "CLOSED",
                "note": "",
                "changedBy": {"name": police.name},
            },
        ],
    }
    times = [
        change.changed_at
        for change in await IncidentStatusChange.filter(incident_id=incident.id).order_by("id")
    ]
    assert times == sorted(times)
    entries = await AuditEntry.filter(action="incident.status").order_by("id")
    assert [(entry.actor, entry.subject) for entry in entries] == [
        (manager.email, f"Incident:{incident.id}"),
        (police.email, f"Incident:{incident.id}"),
    ]
    # The statuses, never the note: the trail outlives the incident's retention.
    assert json.loads(entries[0].detail) == {"previous": "NEW", "status": "REFERRED_TO_POLICE", "note": True}
    assert (await verify_chain()).intact


async def test_a_new_report_has_no_history(gql: GraphQLClient, world: World) -> None:
    incident = await make_incident(world.home)
    data = await gql.execute(HISTORY, {"id": incident_id(incident)}, token=world.token(Role.SHOP_STAFF))
    assert data["incident"] == {"status": "NEW", "history": []}


async def test_the_status_it_already_has_is_refused(gql: GraphQLClient, world: World) -> None:
    incident = await make_incident(world.home)
    data = await gql.execute(UPDATE_STATUS, _status(incident, "NEW"), token=world.token(Role.BID_MANAGER))
    assert data["updateIncidentStatus"] == {
        "__typename": "ValidationError",
        "field": "status",
        "message": "This incident is already new.",
    }
    assert await IncidentStatusChange.all().count() == 0
    assert await AuditEntry.all().count() == 0


@pytest.mark.parametrize(
    ("note", "message"),
    [("x" * 2001, "Keep the note to 2,000 characters."), ("a\x00b", "Remove the NUL character.")],
)
async def test_a_note_that_cannot_be_kept_is_refused(
    gql: GraphQLClient, world: World, note: str, message: str
) -> None:
    incident = await make_incident(world.home)
    response = await gql.post(
        UPDATE_STATUS, _status(incident, "CLOSED", note), token=world.token(Role.BID_MANAGER)
    )
    body = response.json()
    if "\x00" in note:
        # NUL never reaches a resolver: the request is refused whole (api/text_input.py).
        assert body.get("errors") and body.get("data") is None
    else:
        assert body["data"]["updateIncidentStatus"] == {
            "__typename": "ValidationError",
            "field": "note",
            "message": message,
        }
    assert (await Incident.get(id=incident.id)).status == IncidentStatus.NEW
    assert await AuditEntry.all().count() == 0


async def test_police_change_only_the_bids_their_team_covers(gql: GraphQLClient, world: World) -> None:
    away_incident = await make_incident(world.away)
    data = await gql.execute(
        UPDATE_STATUS, _status(away_incident, "CLOSED"), token=world.token(Role.POLICE, "home")
    )
    assert data["updateIncidentStatus"] == {"__typename": "NotFound", "message": "There is no such incident."}


@pytest.mark.parametrize(
    "incident_key", ["not-an-id", encode_id("Offender", 1), encode_id("Incident", 999999)]
)
async def test_an_incident_that_does_not_exist_is_not_found(
    gql: GraphQLClient, world: World, incident_key: str
) -> None:
    data = await gql.execute(
        UPDATE_STATUS,
        {"input": {"incidentId": incident_key, "status": "CLOSED"}},
        token=world.token(Role.ADMIN),
    )
    assert data["updateIncidentStatus"]["__typename"] == "NotFound"


async def test_shop_staff_of_another_shop_cannot_see_its_history(gql: GraphQLClient, world: World) -> None:
    incident = await make_incident(world.home, shop=1)
    await gql.execute(
        UPDATE_STATUS, _status(incident, "CLOSED", "Done."), token=world.token(Role.BID_MANAGER)
    )
    data = await gql.execute(HISTORY, {"id": incident_id(incident)}, token=world.token(Role.SHOP_STAFF))
    assert data["incident"] is None
    refused = await gql.execute(UPDATE_STATUS, _status(incident, "NEW"), token=world.token(Role.SHOP_STAFF))
    assert refused["updateIncidentStatus"]["__typename"] == "NotFound"
