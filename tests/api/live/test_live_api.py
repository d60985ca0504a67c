"""`broadcast` (the BID's managers and covering police), `liveAlerts` (what a phone missed), and
`bidAlerts` refused over HTTP (it runs only over the live socket)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shopwatch.accounts.models import Role
from shopwatch.api.ids import encode_id
from shopwatch.core.audit.models import AuditEntry
from shopwatch.core.clock import now
from shopwatch.offenders.models import Offender, OffenderStatus
from tests.support.graphql import GraphQLClient
from tests.support.world import World

BROADCAST = """
mutation($input: BroadcastInput!) { broadcast(input: $input) {
  __typename
  ... on BroadcastSuccess { liveAlert { id kind message shop { id } offender { id displayName status } } }
  ... on ValidationError { field message }
  ... on PermissionDenied { message }
  ... on NotFound { message }
} }
"""
MISSED = """
query($bid: ID!, $since: DateTime) { liveAlerts(bidId: $bid, since: $since) {
  kind message offender { displayName }
} }
"""


async def send(gql: GraphQLClient, token: str | None, bid: str, message: str, offender: str | None = None):
    variables = {"input": {"bidId": bid, "message": message, "offenderId": offender}}
    return (await gql.execute(BROADCAST, variables, token))["broadcast"]


@pytest.mark.parametrize("role", [Role.BID_MANAGER, Role.POLICE])
async def test_managers_and_police_warn_every_member(gql: GraphQLClient, world: World, role: Role) -> None:
    red_cap = await Offender.create(bid=world.home.bid, display_name="Red cap")
    sent = await send(
        gql,
        world.token(role),
        world.home.bid_id,
        "  Red cap heading\nto the market ",
        encode_id("Offender", red_cap.id),
    )

    assert sent["__typename"] == "BroadcastSuccess"
    assert (
        sent["liveAlert"]["kind"] == "BROADCAST"
        and sent["liveAlert"]["message"] == "Red cap heading to the market"
    )
    missed = await gql.execute(MISSED, {"bid": world.home.bid_id}, world.token(Role.SHOP_STAFF))
    assert missed["liveAlerts"] == [
        {
            "kind": "BROADCAST",
            "message": "Red cap heading to the market",
            "offender": {"displayName": "Red cap"},
        }
    ]
    later = (now() + timedelta(seconds=1)).isoformat()
    assert (await gql.execute(MISSED, {"bid": world.home.bid_id, "since": later}, world.token(role)))[
        "liveAlerts"
    ] == []
    away = await gql.execute(MISSED, {"bid": world.home.bid_id}, world.token(Role.BID_MANAGER, "away"))
    assert away["liveAlerts"] == []
    [entry] = await AuditEntry.filter(action="live.broadcast")
    assert "market" not in entry.detail


async def test_a_broadcast_refused(gql: GraphQLClient, world: World) -> None:
    archived = await Offender.create(bid=world.home.bid, display_name="Old", status=OffenderStatus.ARCHIVED)
    theirs = await Offender.create(bid=world.away.bid, display_name="Theirs")
    manager, bid = world.token(Role.BID_MANAGER), world.home.bid_id

    staff = await send(gql, world.token(Role.SHOP_STAFF), bid, "Hello")
    assert staff["__typename"] == "PermissionDenied"
    assert (await send(gql, world.token(Role.BID_MANAGER, "away"), bid, "Hello"))["__typename"] == "NotFound"
    assert (await send(gql, None, bid, "Hello"))["__typename"] == "PermissionDenied"
    for message in ("   ", "x" * 281):
        assert await send(gql, manager, bid, message) == {
            "__typename": "ValidationError",
            "field": "message",
            "message": "Write a message of 1 to 280 characters.",
        }
    for offender in (encode_id("Offender", archived.id), encode_id("Offender", theirs.id), "nonsense"):
        refused = await send(gql, manager, bid, "Hello", offender)
        assert refused["__typename"] == "ValidationError" and refused["field"] == "offenderId"
    assert await AuditEntry.filter(action="live.broadcast").count() == 0


async def test_a_subscription_over_http_is_refused(gql: GraphQLClient, world: World) -> None:
    response = await gql.post(
        "subscription($bid: ID!) { bidAlerts(bidId: $bid) { id } }",
        {"bid": world.home.bid_id},
        world.token(Role.SHOP_STAFF),
    )
    assert response.status_code == 400
    assert response.json() == {"errors": [{"message": "subscriptions are not allowed when using POST"}]}
