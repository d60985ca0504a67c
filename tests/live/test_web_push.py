"""Web Push, from a live alert's transaction to the push service's door: the subscriptions are
registered through the API, and the worker's requests go to a receiver on 127.0.0.1 that checks the
VAPID signature and decrypts the payload as the phone's push service and the phone would."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from datetime import timedelta

import aiohttp
import pytest
import pytest_asyncio

from shopwatch.accounts.models import Role, User
from shopwatch.accounts.sessions import viewer_for_token
from shopwatch.actions.acting import Acting
from shopwatch.actions.incidents import report_incident
from shopwatch.actions.live import broadcast
from shopwatch.core.audit.trail import Actor
from shopwatch.core.mail.models import DeliveryState
from shopwatch.live import push_worker
from shopwatch.live.models import PushMessage, PushSubscription
from shopwatch.live.push_worker import PushSender
from shopwatch.offenders.models import Offender, OffenderStatus
from shopwatch.settings import Settings, new_vapid_private_key
from tests.live.test_live_alerts import DESCRIPTION, a_report
from tests.support.graphql import GraphQLClient
from tests.support.push_receiver import Phone, PushReceiver, push_receiver
from tests.support.world import World

SUBJECT = "mailto:alerts@shopwatch.example"
REGISTER = """
mutation($input: PushSubscriptionInput!) { registerPushSubscription(input: $input) {
  __typename ... on PushSubscriptionSuccess { endpoint } ... on ValidationError { field message }
} }
"""


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, vapid_private_key=new_vapid_private_key(), vapid_subject=SUBJECT)


@pytest_asyncio.fixture
async def receiver(settings: Settings) -> AsyncIterator[PushReceiver]:
    assert settings.vapid_public_key is not None
    async with push_receiver(settings.vapid_public_key, SUBJECT) as receiver:
        yield receiver


@pytest_asyncio.fixture
async def sender(settings: Settings) -> AsyncIterator[PushSender]:
    async with aiohttp.ClientSession() as session:
        yield PushSender.of(
            settings.vapid_private_key, SUBJECT, session, first_retry=timedelta(milliseconds=50)
        )


async def subscribe(gql: GraphQLClient, token: str, phone: Phone) -> None:
    result = (await gql.execute(REGISTER, {"input": phone.subscription()}, token))["registerPushSubscription"]
    assert result == {"__typename": "PushSubscriptionSuccess", "endpoint": phone.endpoint}


async def a_staff_phone(
    gql: GraphQLClient, world: World, receiver: PushReceiver, answers: list[int] | None = None
) -> Phone:
    """A home shop worker's phone, subscribed; its push service answers `answers` first."""
    phone = receiver.phone("staff")
    phone.answers = answers or []
    await subscribe(gql, world.home.tokens[Role.SHOP_STAFF], phone)
    return phone


async def as_token(token: str, settings: Settings) -> Acting:
    viewer = await viewer_for_token(token)
    assert viewer is not None
    return Acting(viewer=viewer, actor=Actor(viewer.user.id, viewer.user.email, ""), settings=settings)


async def test_a_report_reaches_the_bids_phones_as_each_role_may_see_it(
    gql: GraphQLClient,
    world: World,
    settings: Settings,
    receiver: PushReceiver,
    sender: push_worker.PushSender,
) -> None:
    phones = {
        "staff": (world.home.tokens[Role.SHOP_STAFF], receiver.phone("staff")),
        "manager": (world.home.tokens[Role.BID_MANAGER], receiver.phone("manager")),
        "police": (world.home.tokens[Role.POLICE], receiver.phone("police")),
        "away": (world.away.tokens[Role.BID_MANAGER], receiver.phone("away")),
    }
    for token, phone in phones.values():
        await subscribe(gql, token, phone)
    red_cap = await Offender.create(bid=world.home.bid, display_name="Red cap")
    archived = await Offender.create(
        bid=world.home.bid, display_name="Old file", status=OffenderStatus.ARCHIVED
    )
    staff = await as_token(world.home.tokens[Role.SHOP_STAFF], settings)

    await report_incident(staff, world.home.shops[0], a_report(), [red_cap.id])
    await report_incident(staff, world.home.shops[1], a_report(), [archived.id])
    while await push_worker.deliver_due(sender):
        pass

    assert receiver.refusals == []
    shop = world.home.shops[0]
    for name in ("staff", "manager", "police"):
        received = phones[name][1].received
        names = sorted(alert["offender"]["displayName"] for alert in received)
        # Shop staff are never sent an archived record; the BID's managers and police are.
        assert names == (["Red cap"] if name == "staff" else ["Old file", "Red cap"])
        first = next(alert for alert in received if alert["offender"]["displayName"] == "Red cap")
        assert first["kind"] == "OFFENDER_SEEN" and first["bidId"] == world.home.bid_id
        assert first["message"] == f"Known offender reported at {shop.name}"
        assert first["shop"]["name"] == shop.name
        assert {key: first["offender"][key] for key in ("displayName", "status", "thumbnailUrl")} == {
            "displayName": "Red cap",
            "status": "ACTIVE",
            "thumbnailUrl": None,
        }
        # Nothing of the report itself: not its description, nor its value (£45.99).
        assert set(first) == {"id", "bidId", "kind", "createdAt", "message", "shop", "offender"}
        assert DESCRIPTION[:10] not in str(first) and "45.99" not in first["message"]
    assert phones["away"][1].requests == 0
    assert await PushMessage.filter(state=DeliveryState.SENT).count() == 5


async def test_a_gone_subscription_is_removed(
    gql: GraphQLClient,
    world: World,
    settings: Settings,
    receiver: PushReceiver,
    sender: push_worker.PushSender,
) -> None:
    phone = await a_staff_phone(gql, world, receiver, [410])
    manager = await as_token(world.home.tokens[Role.BID_MANAGER], settings)
    await broadcast(manager, world.home.bid.id, "Red cap heading to the market", None)
    assert await push_worker.deliver_due(sender) == 1

    assert phone.requests == 1 and phone.received == [] and receiver.refusals == []
    assert not await PushSubscription.filter(endpoint=phone.endpoint).exists()
    await broadcast(manager, world.home.bid.id, "And again", None)
    assert await PushMessage.all().count() == 0


async def test_a_failing_push_service_is_tried_again_then_the_message_goes_once(
    gql: GraphQLClient,
    world: World,
    settings: Settings,
    receiver: PushReceiver,
    sender: push_worker.PushSender,
) -> None:
    phone = await a_staff_phone(gql, world, receiver, [500, 503])
    manager = await as_token(world.home.tokens[Role.BID_MANAGER], settings)
    await broadcast(manager, world.home.bid.id, "Red cap heading to the market", None)
    for _ in range(3):
        assert await push_worker.deliver_due(sender) == 1
        await asyncio.sleep(0.3)  # past the backoff (50 ms, then 100 ms)
    assert await push_worker.deliver_due(sender) == 0

    assert phone.requests == 3 and receiver.refusals == []
    assert [alert["message"] for alert in phone.received] == ["Red cap heading to the market"]
    message = await PushMessage.get()
    assert (message.state, message.attempts) == (DeliveryState.SENT, 3)


async def test_no_push_after_logout_nor_to_the_sender_nor_past_the_ttl(
    gql: GraphQLClient,
    world: World,
    settings: Settings,
    receiver: PushReceiver,
    sender: push_worker.PushSender,
) -> None:
    staff_phone, manager_phone = receiver.phone("staff"), receiver.phone("manager")
    await subscribe(gql, world.home.tokens[Role.SHOP_STAFF], staff_phone)
    await subscribe(gql, world.home.tokens[Role.BID_MANAGER], manager_phone)
    await gql.execute("mutation { logout }", token=world.home.tokens[Role.SHOP_STAFF])
    manager = await as_token(world.home.tokens[Role.BID_MANAGER], settings)

    await broadcast(manager, world.home.bid.id, "Red cap heading to the market", None)
    assert await PushMessage.all().count() == 0

    police_phone = receiver.phone("police")
    await subscribe(gql, world.home.tokens[Role.POLICE], police_phone)
    await broadcast(manager, world.home.bid.id, "Stale by now", None)
    message = await PushMessage.get()
    await PushMessage.filter(id=message.id).update(expires_at=message.created_at - timedelta(seconds=1))
    await push_worker.deliver_due(sender)
    assert (await PushMessage.get()).state == DeliveryState.FAILED
    assert police_phone.requests == 0 and manager_phone.requests == 0


async def test_the_receiver_refuses_a_push_signed_with_another_key(
    gql: GraphQLClient, world: World, settings: Settings, receiver: PushReceiver
) -> None:
    """The receiver's checks are real: a server with another VAPID key is refused, and a refused
    push is not tried again."""
    phone = await a_staff_phone(gql, world, receiver)
    manager = await as_token(world.home.tokens[Role.BID_MANAGER], settings)
    await broadcast(manager, world.home.bid.id, "Red cap heading to the market", None)

    async with aiohttp.ClientSession() as session:
        impostor = PushSender.of(new_vapid_private_key(), SUBJECT, session)
        assert await push_worker.deliver_due(impostor) == 1

    assert len(receiver.refusals) == 1 and phone.received == []
    message = await PushMessage.get()
    assert (message.state, message.last_error) == (DeliveryState.FAILED, "refused: 400")


async def test_the_worker_pushes_a_broadcast_within_a_second_of_its_commit(
    gql: GraphQLClient, world: World, settings: Settings, receiver: PushReceiver
) -> None:
    phone = await a_staff_phone(gql, world, receiver)
    manager = await as_token(world.home.tokens[Role.BID_MANAGER], settings)
    stop = asyncio.Event()
    worker = asyncio.create_task(push_worker.run(settings.vapid_private_key, SUBJECT, stop, poll_seconds=0.2))
    try:
        await broadcast(manager, world.home.bid.id, "Red cap heading to the market", None)
        for _ in range(50):
            if phone.received:
                break
            await asyncio.sleep(0.02)
    finally:
        stop.set()
        await worker
    assert [alert["message"] for alert in phone.received] == ["Red cap heading to the market"]
    assert receiver.refusals == []


async def test_a_deactivated_account_is_pushed_nothing_and_a_phone_goes_to_who_registered_it_last(
    gql: GraphQLClient, world: World, settings: Settings, receiver: PushReceiver
) -> None:
    phone = await a_staff_phone(gql, world, receiver)
    await User.filter(id=world.home.users[Role.SHOP_STAFF].id).update(is_active=False)
    manager = await as_token(world.home.tokens[Role.BID_MANAGER], settings)
    await broadcast(manager, world.home.bid.id, "Red cap heading to the market", None)
    assert await PushMessage.all().count() == 0

    # The same phone, now logged in as a manager of another BID: it hears that BID, not this one.
    await subscribe(gql, world.away.tokens[Role.BID_MANAGER], phone)
    await broadcast(manager, world.home.bid.id, "Still here", None)
    assert await PushMessage.all().count() == 0
    stored = await PushSubscription.get(endpoint=phone.endpoint)
    assert stored.user_id == world.away.users[Role.BID_MANAGER].id
