"""Reading and acknowledging alerts through the API: who sees which, and what an alert shows."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from shopwatch.accounts.models import Role
from shopwatch.alerts.models import Alert, AlertRecipient, AlertRule
from shopwatch.api.ids import encode_id
from shopwatch.core.clock import now
from shopwatch.core.mail.models import DeliveryState, OutboxEmail
from shopwatch.incidents.models import Incident
from tests.api.offenders.helpers import EVERY_VIEWER, make_incident, make_offender, offender_id
from tests.support.graphql import GraphQLClient
from tests.support.queries import counting_queries
from tests.support.world import Town, World

ALERTS = """
query Alerts($bidId: ID, $first: Int, $after: String) {
  alerts(bidId: $bidId, first: $first, after: $after) {
    edges { cursor node { id summary } }
    pageInfo { hasNextPage endCursor }
  }
}
"""

FULL = """
query Alerts($first: Int) {
  alerts(first: $first) {
    edges { node {
      id rule createdAt summary vehicleRegistration openUntil acknowledgedAt
      bid { id }
      offender { id displayName }
      shop { id name }
      incidents { id description }
      emailedTo
      deliveries { address state attempts lastError deliveredAt }
      acknowledgedBy { name } acknowledgementNote
    } }
  }
}
"""

ACKNOWLEDGE = """
mutation Ack($alertId: ID!, $note: String) {
  acknowledgeAlert(alertId: $alertId, note: $note) {
    __typename
    ... on AcknowledgeAlertSuccess { alert { id acknowledgedAt acknowledgedBy { name } acknowledgementNote } }
    ... on ValidationError { field message }
    ... on PermissionDenied { message }
    ... on NotFound { message }
  }
}
"""


async def make_alert(
    town: Town,
    summary: str,
    incidents: list[Incident],
    *,
    minutes_ago: float = 0,
    **subject: Any,
) -> Alert:
    created = now() - timedelta(minutes=minutes_ago)
    alert = await Alert.create(
        bid=town.bid,
        rule=subject.pop("rule", AlertRule.REPEAT_OFFENDER),
        summary=summary,
        created_at=created,
        open_until=created + timedelta(days=7),
        **subject,
    )
    if incidents:
        await alert.incidents.add(*incidents)
    return alert


async def summaries(gql: GraphQLClient, token: str | None, **variables: object) -> list[str]:
    data = await gql.execute(ALERTS, dict(variables), token=token)
    return [edge["node"]["summary"] for edge in data["alerts"]["edges"]]


@pytest.fixture
async def alerts(world: World) -> dict[str, Alert]:
    home_incident = await make_incident(world.home)
    away_incident = await make_incident(world.away)
    return {
        "home old": await make_alert(world.home, "home old", [home_incident], minutes_ago=60),
        "home new": await make_alert(world.home, "home new", [home_incident], minutes_ago=1),
        "away": await make_alert(world.away, "away", [away_incident], minutes_ago=30),
    }


@pytest.mark.parametrize(
    ("role", "town", "expected"),
    [
        (Role.SHOP_STAFF, "home", []),
        (Role.BID_MANAGER, "home", ["home new", "home old"]),
        (Role.POLICE, "home", ["home new", "home old"]),
        (Role.ADMIN, "home", ["home new", "away", "home old"]),
        (Role.SHOP_STAFF, "away", []),
        (Role.BID_MANAGER, "away", ["away"]),
        (Role.POLICE, "away", ["away"]),
    ],
)
async def test_each_role_sees_its_alerts_newest_first(
    gql: GraphQLClient, world: World, alerts: dict[str, Alert], role: Role, town: str, expected: list[str]
) -> None:
    assert await summaries(gql, world.token(role, town)) == expected


async def test_anonymous_viewers_get_an_error(gql: GraphQLClient, alerts: dict[str, Alert]) -> None:
    assert await gql.errors(ALERTS) == ["Log in to see this."]


async def test_a_bid_filter_narrows_within_scope(
    gql: GraphQLClient, world: World, alerts: dict[str, Alert]
) -> None:
    assert await summaries(gql, world.admin_token, bidId=world.away.bid_id) == ["away"]
    assert await summaries(gql, world.token(Role.BID_MANAGER), bidId=world.away.bid_id) == []
    assert await summaries(gql, world.token(Role.BID_MANAGER), bidId="nonsense") == []
    await world.home.team.bids.add(world.away.bid)
    assert await summaries(gql, world.token(Role.POLICE), bidId=world.away.bid_id) == ["away"]


async def test_pages_follow_cursors(gql: GraphQLClient, world: World) -> None:
    incident = await make_incident(world.home)
    moment = now()
    for n in range(7):
        # pairs share a creation time
        alert = await make_alert(world.home, f"alert {n}", [incident])
        alert.created_at = moment - timedelta(minutes=n // 2)
        await alert.save(update_fields=["created_at"])
    manager = world.token(Role.BID_MANAGER)
    seen: list[str] = []
    after = None
    while True:
        page = (await gql.execute(ALERTS, {"first": 3, "after": after}, token=manager))["alerts"]
        seen += [edge["node"]["summary"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == ["alert 1", "alert 0", "alert 3", "alert 2", "alert 5", "alert 4", "alert 6"]


async def test_an_alert_shows_its_subject_incidents_and_deliveries(gql: GraphQLClient, world: World) -> None:
    offender = await make_offender(world.home, "Red cap")
    at_my_shop = await make_incident(world.home, 0, hours_ago=2, description="at shop 1")
    elsewhere = await make_incident(world.home, 1, hours_ago=1, description="at shop 2")
    alert = await make_alert(world.home, "3 incidents", [at_my_shop, elsewhere], offender=offender)
    sent = await OutboxEmail.create(
        to_address="npt@home.example.org",
        subject="s",
        text_body="t",
        html_body="h",
        message_id="<1@test>",
        state=DeliveryState.SENT,
        attempts=1,
        next_attempt_at=now(),
        sent_at=now(),
    )
    failed = await OutboxEmail.create(
        to_address="other@home.example.org",
        subject="s",
        text_body="t",
        html_body="h",
        message_id="<2@test>",
        state=DeliveryState.FAILED,
        attempts=1,
        next_attempt_at=now(),
        last_error="550 No such mailbox",
    )
    await AlertRecipient.create(alert=alert, address="npt@home.example.org", outbox_email=sent)
    await AlertRecipient.create(alert=alert, address="other@home.example.org", outbox_email=failed)

    [edge] = (await gql.execute(FULL, token=world.token(Role.POLICE)))["alerts"]["edges"]
    shown = edge["node"]
    assert shown["id"] == encode_id("Alert", alert.id)
    assert shown["rule"] == "REPEAT_OFFENDER"
    assert shown["offender"] == {"id": offender_id(offender), "displayName": "Red cap"}
    assert shown["shop"] is None and shown["vehicleRegistration"] is None
    assert shown["bid"] == {"id": world.home.bid_id}
    assert [incident["description"] for incident in shown["incidents"]] == ["at shop 2", "at shop 1"]
    assert shown["emailedTo"] == ["npt@home.example.org", "other@home.example.org"]
    assert shown["deliveries"] == [
        {
            "address": "npt@home.example.org",
            "state": "SENT",
            "attempts": 1,
            "lastError": None,
            "deliveredAt": sent.sent_at.isoformat() if sent.sent_at else None,
        },
        {
            "address": "other@home.example.org",
            "state": "FAILED",
            "attempts": 1,
            "lastError": "550 No such mailbox",
            "deliveredAt": None,
        },
    ]
    assert shown["acknowledgedAt"] is None and shown["acknowledgedBy"] is None


async def test_a_shop_hotspot_alert_names_its_shop(gql: GraphQLClient, world: World) -> None:
    incident = await make_incident(world.home)
    await make_alert(world.home, "hot", [incident], rule=AlertRule.SHOP_HOTSPOT, shop=world.home.shops[0])
    [edge] = (await gql.execute(FULL, token=world.token(Role.BID_MANAGER)))["alerts"]["edges"]
    assert edge["node"]["shop"]["name"] == "Home Shop 1"
    assert edge["node"]["offender"] is None


@pytest.mark.parametrize(("role", "town"), EVERY_VIEWER)
async def test_who_may_acknowledge(
    gql: GraphQLClient, world: World, alerts: dict[str, Alert], role: Role | None, town: str
) -> None:
    alert = alerts["home new"]
    variables = {"alertId": encode_id("Alert", alert.id), "note": "Patrol sent at 15:00"}
    data = await gql.execute(ACKNOWLEDGE, variables, token=world.token(role, town))
    result = data["acknowledgeAlert"]
    if role is None:
        assert result == {"__typename": "PermissionDenied", "message": "Log in first."}
    elif role in (Role.BID_MANAGER, Role.POLICE, Role.ADMIN) and (town == "home" or role == Role.ADMIN):
        assert result["__typename"] == "AcknowledgeAlertSuccess"
        assert result["alert"]["acknowledgedAt"] is not None
        assert result["alert"]["acknowledgementNote"] == "Patrol sent at 15:00"
    else:
        assert result == {"__typename": "NotFound", "message": "There is no such alert."}
    stored = await Alert.get(id=alert.id)
    acknowledged = result["__typename"] == "AcknowledgeAlertSuccess"
    assert (stored.acknowledged_at is not None) is acknowledged
    assert stored.acknowledgement_note == ("Patrol sent at 15:00" if acknowledged else None)


async def test_the_first_acknowledgement_stands(
    gql: GraphQLClient, world: World, alerts: dict[str, Alert]
) -> None:
    alert_id = encode_id("Alert", alerts["home new"].id)
    first = await gql.execute(ACKNOWLEDGE, {"alertId": alert_id}, token=world.token(Role.POLICE))
    second = await gql.execute(ACKNOWLEDGE, {"alertId": alert_id}, token=world.token(Role.BID_MANAGER))
    assert first["acknowledgeAlert"]["alert"]["acknowledgedBy"] == {"name": "home POLICE"}
    assert second["acknowledgeAlert"]["alert"] == first["acknowledgeAlert"]["alert"]
    unknown = await gql.execute(ACKNOWLEDGE, {"alertId": "nonsense"}, token=world.token(Role.POLICE))
    assert unknown["acknowledgeAlert"]["__typename"] == "NotFound"


async def test_the_acknowledgement_note_is_shown_to_everyone_who_sees_the_alert(
    gql: GraphQLClient, world: World, alerts: dict[str, Alert]
) -> None:
    alert_id = encode_id("Alert", alerts["home new"].id)
    note = "  Patrol sent at 15:00; CCTV requested.  "
    done = await gql.execute(ACKNOWLEDGE, {"alertId": alert_id, "note": note}, token=world.token(Role.POLICE))
    assert done["acknowledgeAlert"]["alert"]["acknowledgementNote"] == note.strip()
    for role in (Role.BID_MANAGER, Role.POLICE, Role.ADMIN):
        edges = (await gql.execute(FULL, token=world.token(role)))["alerts"]["edges"]
        [shown] = [edge["node"] for edge in edges if edge["node"]["id"] == alert_id]
        assert (shown["acknowledgementNote"], shown["acknowledgedBy"]) == (
            note.strip(),
            {"name": "home POLICE"},
        )
        assert shown["acknowledgedAt"] is not None
    # Nobody outside the BID sees the alert, so nor its note.
    for role in (Role.BID_MANAGER, Role.POLICE):
        edges = (await gql.execute(FULL, token=world.token(role, "away")))["alerts"]["edges"]
        assert alert_id not in [edge["node"]["id"] for edge in edges]


async def test_an_acknowledgement_without_a_note_has_none(
    gql: GraphQLClient, world: World, alerts: dict[str, Alert]
) -> None:
    alert_id = encode_id("Alert", alerts["home new"].id)
    done = await gql.execute(
        ACKNOWLEDGE, {"alertId": alert_id, "note": "   "}, token=world.token(Role.POLICE)
    )
    assert done["acknowledgeAlert"]["alert"]["acknowledgementNote"] is None
    assert (await Alert.get(id=alerts["home new"].id)).acknowledgement_note is None


async def test_a_note_too_long_is_refused_and_nothing_is_acknowledged(
    gql: GraphQLClient, world: World, alerts: dict[str, Alert]
) -> None:
    alert_id = encode_id("Alert", alerts["home new"].id)
    police = world.token(Role.POLICE)
    refused = await gql.execute(ACKNOWLEDGE, {"alertId": alert_id, "note": "x" * 501}, token=police)
    assert refused["acknowledgeAlert"] == {
        "__typename": "ValidationError",
        "field": "note",
        "message": "Keep the note to 500 characters.",
    }
    assert (await Alert.get(id=alerts["home new"].id)).acknowledged_at is None
    kept = await gql.execute(ACKNOWLEDGE, {"alertId": alert_id, "note": "x" * 500}, token=police)
    assert kept["acknowledgeAlert"]["alert"]["acknowledgementNote"] == "x" * 500


async def test_a_note_after_someone_elses_acknowledgement_is_refused_not_lost(
    gql: GraphQLClient, world: World, alerts: dict[str, Alert]
) -> None:
    alert_id = encode_id("Alert", alerts["home new"].id)
    await gql.execute(ACKNOWLEDGE, {"alertId": alert_id, "note": "Seen"}, token=world.token(Role.POLICE))
    late = await gql.execute(
        ACKNOWLEDGE, {"alertId": alert_id, "note": "On my way"}, token=world.token(Role.BID_MANAGER)
    )
    assert late["acknowledgeAlert"]["__typename"] == "ValidationError"
    assert late["acknowledgeAlert"]["field"] == "note"
    assert "your note was not saved" in late["acknowledgeAlert"]["message"]
    stored = await Alert.get(id=alerts["home new"].id)
    assert stored.acknowledgement_note == "Seen"
    assert stored.acknowledged_by_id == world.home.users[Role.POLICE].id


async def test_a_page_of_alerts_costs_the_same_number_of_queries_whatever_its_size(
    gql: GraphQLClient, world: World
) -> None:
    offender = await make_offender(world.home)
    for n in range(30):
        incidents = [await make_incident(world.home, n % 2, hours_ago=n) for _ in range(2)]
        alert = await make_alert(
            world.home, f"alert {n}", incidents, offender=offender, shop=world.home.shops[0]
        )
        email = await OutboxEmail.create(
            to_address="npt@home.example.org",
            subject="s",
            text_body="t",
            html_body="h",
            message_id=f"<{n}@test>",
            next_attempt_at=now(),
        )
        await AlertRecipient.create(alert=alert, address="npt@home.example.org", outbox_email=email)
        alert.acknowledged_by = world.home.users[Role.POLICE]
        alert.acknowledged_at = now()
        await alert.save(update_fields=["acknowledged_by_id", "acknowledged_at"])

    async def cost(first: int) -> int:
        with counting_queries() as statements:
            data = await gql.execute(FULL, {"first": first}, token=world.token(Role.BID_MANAGER))
        assert len(data["alerts"]["edges"]) == first
        assert all(len(edge["node"]["incidents"]) == 2 for edge in data["alerts"]["edges"])
        return len(statements)

    assert await cost(5) == await cost(25)
