"""From reports on a phone to an alert in the police team's inbox, all through the API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from shopwatch.accounts.models import Role
from shopwatch.alerts.models import Alert
from shopwatch.core.mail.models import OutboxEmail
from shopwatch.places.models import NeighbourhoodTeam
from tests.api.incidents.helpers import REPORT, report_input
from tests.api.offenders.helpers import CREATE, LINK
from tests.support.graphql import GraphQLClient
from tests.support.world import World

ALERTS = """
query {
  alerts {
    edges { node {
      id rule summary
      offender { id displayName }
      incidents { id }
      emailedTo
      deliveries { address state }
    } }
  }
}
"""


async def second_team(world: World) -> NeighbourhoodTeam:
    team = await NeighbourhoodTeam.create(name="Home Town Centre Team", email="centre@police.example.org")
    await team.bids.add(world.home.bid)
    return team


async def report(gql: GraphQLClient, world: World, hours_ago: int, **changes: Any) -> dict[str, Any]:
    occurred = (datetime.now(UTC) - timedelta(hours=hours_ago)).isoformat()
    variables = {"input": report_input(world.home.shop_id(0), occurredAt=occurred, **changes)}
    data = await gql.execute(REPORT, variables, token=world.token(Role.SHOP_STAFF))
    assert data["reportIncident"]["__typename"] == "ReportIncidentSuccess", data
    result: dict[str, Any] = data["reportIncident"]
    return result


async def create_offender(gql: GraphQLClient, world: World) -> str:
    variables = {"input": {"bidId": world.home.bid_id, "displayName": "Red cap"}}
    data = await gql.execute(CREATE, variables, token=world.token(Role.BID_MANAGER))
    offender_id: str = data["createOffender"]["offender"]["id"]
    return offender_id


async def alerts_seen_by(
    gql: GraphQLClient, world: World, role: Role, town: str = "home"
) -> list[dict[str, Any]]:
    data = await gql.execute(ALERTS, token=world.token(role, town))
    return [edge["node"] for edge in data["alerts"]["edges"]]


async def test_three_reports_linked_to_one_offender_raise_one_repeat_offender_alert(
    gql: GraphQLClient, world: World
) -> None:
    await second_team(world)
    incidents = [(await report(gql, world, hours))["incident"]["id"] for hours in (72, 48, 24)]
    offender_id = await create_offender(gql, world)
    assert await Alert.all().count() == 0

    manager = world.token(Role.BID_MANAGER)
    for incident_id in incidents:  # oldest first, as a manager works through the week
        data = await gql.execute(LINK, {"incidentId": incident_id, "offenderId": offender_id}, token=manager)
        assert data["linkOffender"]["linked"] is True

    [alert] = await alerts_seen_by(gql, world, Role.POLICE)
    assert alert["rule"] == "REPEAT_OFFENDER"
    assert alert["offender"] == {"id": offender_id, "displayName": "Red cap"}
    assert sorted(incident["id"] for incident in alert["incidents"]) == sorted(incidents)
    team_addresses = ["centre@police.example.org", "npt@home.example.org"]
    assert sorted(alert["emailedTo"]) == team_addresses
    assert sorted(delivery["address"] for delivery in alert["deliveries"]) == team_addresses
    assert {delivery["state"] for delivery in alert["deliveries"]} == {"PENDING"}
    emails = await OutboxEmail.all().order_by("to_address")
    assert [email.to_address for email in emails] == team_addresses
    # The last incident linked (a day ago) raised it, at the first shop.
    assert {email.subject for email in emails} == {f"Repeat offender at {world.home.shops[0].name}"}
    assert all("Offender: Red cap" in email.text_body for email in emails)

    # The manager sees the same alert; shop staff and the other town see none.
    assert [a["id"] for a in await alerts_seen_by(gql, world, Role.BID_MANAGER)] == [alert["id"]]
    assert await alerts_seen_by(gql, world, Role.SHOP_STAFF) == []
    assert await alerts_seen_by(gql, world, Role.POLICE, "away") == []

    # Linking again changes nothing and sends nothing.
    again = await gql.execute(LINK, {"incidentId": incidents[-1], "offenderId": offender_id}, token=manager)
    assert again["linkOffender"]["linked"] is False
    assert await Alert.all().count() == 1
    assert await OutboxEmail.all().count() == 2


async def test_a_report_picking_a_known_offender_raises_the_alert_itself(
    gql: GraphQLClient, world: World
) -> None:
    offender_id = await create_offender(gql, world)
    await report(gql, world, 72, offenderIds=[offender_id])
    await report(gql, world, 48, offenderIds=[offender_id])
    assert await Alert.all().count() == 0
    client_id = "0b0e5a4e-6b9f-4f55-9d5a-2f3c1f7d9a01"
    third = await report(gql, world, 24, offenderIds=[offender_id], clientId=client_id)
    assert third["duplicate"] is False
    [alert] = await alerts_seen_by(gql, world, Role.POLICE)
    assert alert["rule"] == "REPEAT_OFFENDER"
    assert len(alert["incidents"]) == 3
    assert await OutboxEmail.all().count() == 1

    # The phone sends the same report again: the stored report, and no second alert or email.
    resent = await report(gql, world, 24, offenderIds=[offender_id], clientId=client_id)
    assert resent["duplicate"] is True
    assert await Alert.all().count() == 1
    assert await OutboxEmail.all().count() == 1
