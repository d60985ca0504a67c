"""`pushPublicKey`, `registerPushSubscription` and `removePushSubscription`: a user's own phones only,
and every subscription no push could be sent to refused with the field named."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from shopwatch.accounts.models import Role
from shopwatch.core.clock import now
from shopwatch.core.errors import InvalidInput
from shopwatch.live.models import LiveAlertKind, PushSubscription
from shopwatch.live.push import check_subscription, payload
from shopwatch.live.services import LiveAlertView, LiveOffender, LiveShop
from shopwatch.offenders.models import OffenderStatus
from shopwatch.settings import Settings, new_vapid_private_key, vapid_public_key
from tests.support.graphql import GraphQLClient
from tests.support.push_receiver import Phone, b64url
from tests.support.world import World

REGISTER = """
mutation($input: PushSubscriptionInput!) { registerPushSubscription(input: $input) {
  __typename
  ... on PushSubscriptionSuccess { endpoint }
  ... on ValidationError { field message }
  ... on PermissionDenied { message }
} }
"""
REMOVE = """
mutation($endpoint: String!) { removePushSubscription(endpoint: $endpoint) {
  __typename
  ... on PushSubscriptionSuccess { endpoint }
  ... on PermissionDenied { message }
  ... on NotFound { message }
} }
"""
KEY = new_vapid_private_key()


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, vapid_private_key=KEY, vapid_subject="mailto:ops@shopwatch.example")


def a_phone(endpoint: str = "https://fcm.googleapis.com/fcm/send/abc123") -> Phone:
    return Phone("phone", endpoint)


async def register(gql: GraphQLClient, token: str | None, **input: str) -> dict[str, Any]:
    result: dict[str, Any] = (await gql.execute(REGISTER, {"input": input}, token))[
        "registerPushSubscription"
    ]
    return result


async def test_the_public_key_is_served_to_anyone(gql: GraphQLClient) -> None:
    data = await gql.execute("{ pushPublicKey }")
    assert data == {"pushPublicKey": vapid_public_key(KEY)}


async def test_a_member_registers_a_phone_and_removes_it(gql: GraphQLClient, world: World) -> None:
    token = world.home.tokens[Role.SHOP_STAFF]
    phone = a_phone()
    result = await register(gql, token, **phone.subscription())
    assert result == {"__typename": "PushSubscriptionSuccess", "endpoint": phone.endpoint}
    # The same phone again (its keys renewed) is one subscription.
    renewed = Phone("phone", phone.endpoint)
    assert (await register(gql, token, **renewed.subscription()))["__typename"] == "PushSubscriptionSuccess"
    stored = await PushSubscription.get(endpoint=phone.endpoint)
    assert stored.p256dh == renewed.p256dh and await PushSubscription.all().count() == 1

    removed = (await gql.execute(REMOVE, {"endpoint": phone.endpoint}, token))["removePushSubscription"]
    assert removed == {"__typename": "PushSubscriptionSuccess", "endpoint": phone.endpoint}
    assert await PushSubscription.all().count() == 0


async def test_nobody_removes_another_users_phone(gql: GraphQLClient, world: World) -> None:
    phone = a_phone()
    await register(gql, world.home.tokens[Role.SHOP_STAFF], **phone.subscription())
    for token in (world.home.tokens[Role.BID_MANAGER], world.away.tokens[Role.SHOP_STAFF]):
        result = (await gql.execute(REMOVE, {"endpoint": phone.endpoint}, token))["removePushSubscription"]
        assert result["__typename"] == "NotFound"
    assert await PushSubscription.all().count() == 1


async def test_logged_out_visitors_cannot_register_or_remove(gql: GraphQLClient) -> None:
    assert (await register(gql, None, **a_phone().subscription()))["__typename"] == "PermissionDenied"
    result = (await gql.execute(REMOVE, {"endpoint": a_phone().endpoint}))["removePushSubscription"]
    assert result["__typename"] == "PermissionDenied"


GOOD = a_phone().subscription()
NOT_ON_THE_CURVE = b64url(b"\x04" + b"\x01" * 64)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("endpoint", "http://push.example.com/abc"),
        ("endpoint", "ftp://push.example.com/abc"),
        ("endpoint", "https://"),
        ("endpoint", "https://user:pass@push.example.com/abc"),
        ("endpoint", "https://push.example.com/" + "a" * 1000),
        ("endpoint", "not a url"),
        ("p256dh", ""),
        ("p256dh", "!!!"),
        ("p256dh", GOOD["p256dh"][:-4]),
        ("p256dh", NOT_ON_THE_CURVE),
        ("auth", ""),
        ("auth", b64url(b"x" * 15)),
        ("auth", b64url(b"x" * 32)),
    ],
)
async def test_a_subscription_no_push_could_reach_is_refused(
    gql: GraphQLClient, world: World, field: str, value: str
) -> None:
    result = await register(gql, world.home.tokens[Role.SHOP_STAFF], **{**GOOD, field: value})
    assert result["__typename"] == "ValidationError" and result["field"] == field
    assert await PushSubscription.all().count() == 0


def test_a_local_http_endpoint_is_for_tests_only() -> None:
    local = {**GOOD, "endpoint": "http://127.0.0.1:8123/push/phone"}
    check_subscription(**local, production=False)
    with pytest.raises(InvalidInput) as refused:
        check_subscription(**local, production=True)
    assert refused.value.field == "endpoint"


def test_a_push_payload_fits_a_push_service_with_every_name_at_its_longest() -> None:
    """4096 bytes of encrypted payload at most; aes128gcm adds 103. Names of 200 characters (the
    columns' limit) and a 280-character message, all in 4-byte characters, go whole."""
    view = LiveAlertView(
        id=10**15,
        bid_id=10**15,
        kind=LiveAlertKind.EXCLUSION_BREACH,
        created_at=now(),
        message="🚨" * 280,
        shop=LiveShop(10**15, "🏪" * 200),
        offender=LiveOffender(10**15, "👤" * 200, OffenderStatus.EXCLUDED, 10**15),
    )
    text = payload(view)
    assert len(text.encode()) + 103 <= 4096
    body = json.loads(text)
    assert (body["message"], body["shop"]["name"], body["offender"]["displayName"]) == (
        "🚨" * 280,
        "🏪" * 200,
        "👤" * 200,
    )
