"""exportOffenderData: everything held on one person, for the BID's managers, and audited."""

from __future__ import annotations

import httpx
import pytest

from shopwatch.accounts.models import Role
from shopwatch.alerts.models import Alert, AlertRule
from shopwatch.api.ids import encode_id
from shopwatch.core.audit.models import AuditEntry
from shopwatch.core.clock import now
from shopwatch.offenders.exclusions import today
from shopwatch.offenders.models import Exclusion, Offender
from tests.api.offenders.helpers import (
    EVERY_VIEWER,
    incident_id,
    link,
    make_incident,
    make_offender,
    offender_id,
)
from tests.api.offenders.test_offender_photos import create_with_photo
from tests.support.graphql import GraphQLClient
from tests.support.images import jpeg, scene
from tests.support.world import World

EXPORT = """
query Export($id: ID!) {
  exportOffenderData(offenderId: $id) {
    exportedAt
    offender { id displayName description status }
    mergedRecords { displayName description }
    photos { id originalUrl }
    exclusions { startsOn endsOn reason }
    incidents { id description }
    alerts { id rule }
    accessLog { actor action }
  }
}
"""


async def test_a_manager_gets_everything_held_on_the_person(
    gql: GraphQLClient, http: httpx.AsyncClient, world: World
) -> None:
    created = await create_with_photo(http, world, ("face.jpg", jpeg(scene(5)), "image/jpeg"))
    offender = await Offender.get(display_name="Red cap")
    incident = await make_incident(world.home, description="Took coffee jars.")
    await link(incident, offender)
    merged = await make_offender(world.home, "Red cap (shop 2)", description="Seen with a dog.")
    merged.merged_into = offender
    await merged.save()
    await Exclusion.create(
        offender=offender, starts_on=today(), ends_on=today(), reason="Thefts at the market."
    )
    moment = now()
    alert = await Alert.create(
        bid=world.home.bid,
        rule=AlertRule.REPEAT_OFFENDER,
        summary="3 in 30 days",
        offender=offender,
        created_at=moment,
        open_until=moment,
    )
    manager = world.home.users[Role.BID_MANAGER].email
    await gql.execute(
        "query O($id: ID!) { offender(id: $id) { id } }",
        {"id": offender_id(offender)},
        token=world.token(Role.POLICE),
    )

    data = (await gql.execute(EXPORT, {"id": offender_id(offender)}, token=world.token(Role.BID_MANAGER)))[
        "exportOffenderData"
    ]

    assert data["offender"]["displayName"] == "Red cap"
    assert data["mergedRecords"] == [{"displayName": "Red cap (shop 2)", "description": "Seen with a dog."}]
    assert [photo["id"] for photo in data["photos"]] == [created["offender"]["photos"][0]["id"]]
    assert data["photos"][0]["originalUrl"].endswith("/original")
    assert data["exclusions"][0]["reason"] == "Thefts at the market."
    assert data["incidents"] == [{"id": incident_id(incident), "description": "Took coffee jars."}]
    assert data["alerts"] == [{"id": encode_id("Alert", alert.id), "rule": "REPEAT_OFFENDER"}]
    assert {"actor": world.home.users[Role.POLICE].email, "action": "offender.view"} in data["accessLog"]
    assert {"actor": manager, "action": "offender.export_data"} in data["accessLog"]
    assert await AuditEntry.filter(action="offender.export_data", actor=manager).count() == 1


@pytest.mark.parametrize(("role", "town"), EVERY_VIEWER)
async def test_only_the_bids_managers_and_admins_may_export(
    gql: GraphQLClient, world: World, role: Role | None, town: str
) -> None:
    offender = await make_offender(world.home)
    response = await gql.post(EXPORT, {"id": offender_id(offender)}, token=world.token(role, town))
    body = response.json()
    if role in (Role.BID_MANAGER, Role.ADMIN) and (town == "home" or role == Role.ADMIN):
        assert body["data"]["exportOffenderData"]["offender"]["id"] == offender_id(offender)
    elif role is None:
        assert body["errors"][0]["message"] == "Log in to see this."
    elif town == "away":
        assert body["data"]["exportOffenderData"] is None  # out of reach: as if it did not exist
    else:
        assert (
            body["errors"][0]["message"]
            == "Subject-access exports are for the BID's managers and administrators."
        )
    if not (body.get("data") or {}).get("exportOffenderData"):
        assert await AuditEntry.filter(action="offender.export_data").count() == 0
