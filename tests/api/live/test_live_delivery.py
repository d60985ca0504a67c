"""A live alert sent to many subscriptions of this process: each gets its own `next` message under its
own operation id, answered to its own selection, while the answer is worked out once for all that
share a query and a view (`api/live/delivery.py`). The app is served by uvicorn in the test's own
event loop, so the alert is handed to the same hub the sockets' subscriptions listen to."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
import uvicorn

from shopwatch.accounts.models import Role
from shopwatch.api.ids import decode_id, encode_id
from shopwatch.api.live import operations
from shopwatch.api.schema import Schema
from shopwatch.app import create_app
from shopwatch.live import broker
from shopwatch.live.broker import Hub
from shopwatch.offenders.models import Offender
from shopwatch.settings import Settings
from tests.api.live.sockets import SUBSCRIBE, LiveSocket, live_socket
from tests.support.graphql import GraphQLClient
from tests.support.world import World

BROADCAST = """
mutation($input: BroadcastInput!) { broadcast(input: $input) {
  __typename ... on BroadcastSuccess { liveAlert { id } }
} }
"""
# The same alert asked for another way: an alias, a fragment and __typename.
WITH_FRAGMENT = """
subscription Warnings($bid: ID!) { warning: bidAlerts(bidId: $bid) { __typename ...Seen } }
fragment Seen on LiveAlert { kind text: message offender { displayName } }
"""


@pytest.fixture(autouse=True)
def fresh_hub(monkeypatch: pytest.MonkeyPatch) -> Hub:
    """A hub of this test's own: the tables are emptied between tests, so alert ids come again,
    and a hub that remembers delivering one would not deliver it twice."""
    fresh = Hub()
    monkeypatch.setattr(broker, "hub", fresh)
    monkeypatch.setattr(operations, "hub", fresh)
    return fresh


@pytest_asyncio.fixture
async def base_url(settings: Settings) -> AsyncIterator[str]:
    config = uvicorn.Config(
        create_app(settings), host="127.0.0.1", port=0, lifespan="off", log_level="warning"
    )
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    await serving


async def subscribe(socket: LiveSocket, token: str | None, operations: dict[str, str], bid_id: str) -> None:
    assert (await socket.init({"token": token}))["type"] == "connection_ack"
    for operation_id, query in operations.items():
        payload = {"query": query, "variables": {"bid": bid_id}}
        await socket.send({"id": operation_id, "type": "subscribe", "payload": payload})
    await socket.send({"type": "ping"})
    assert await socket.receive() == {"type": "pong"}
    await asyncio.sleep(0.2)  # the subscriptions' tasks have reached the hub


async def messages(socket: LiveSocket, count: int) -> dict[str, Any]:
    """The next `count` messages, by operation id."""
    received = [await socket.receive() for _ in range(count)]
    assert all(message["type"] == "next" for message in received), received
    return {message["id"]: message["payload"] for message in received}


async def test_one_answer_for_all_who_share_it_each_under_its_own_id(
    base_url: str, gql: GraphQLClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    answered: list[str] = []
    answer_event = Schema.answer_event

    async def counted(self: Schema, query: str, *args: Any) -> Any:
        answered.append(query)
        return await answer_event(self, query, *args)

    monkeypatch.setattr(Schema, "answer_event", counted)
    red_cap = await Offender.create(bid=world.home.bid, display_name="Red cap")
    staff, manager = world.token(Role.SHOP_STAFF), world.token(Role.BID_MANAGER)
    bid_id = world.home.bid_id

    async with contextlib.AsyncExitStack() as sockets:
        both = await sockets.enter_async_context(live_socket(base_url))
        await subscribe(both, staff, {"full": SUBSCRIBE, "fragment": WITH_FRAGMENT}, bid_id)
        others = []
        for token in (staff, staff, manager):
            socket = await sockets.enter_async_context(live_socket(base_url))
            await subscribe(socket, token, {"mine": SUBSCRIBE}, bid_id)
            others.append(socket)

        variables = {
            "input": {
                "bidId": bid_id,
                "message": "Red cap heading to the market",
                "offenderId": encode_id("Offender", red_cap.id),
            }
        }
        sent = (await gql.execute(BROADCAST, variables, manager))["broadcast"]
        alert_id = sent["liveAlert"]["id"]
        stored = decode_id("LiveAlert", alert_id)
        assert stored is not None
        await broker.hub.deliver(stored, world.home.bid.id)  # on PostgreSQL no listener runs here

        on_both = await messages(both, 2)
        assert set(on_both) == {"full", "fragment"}
        assert on_both["fragment"] == {
            "data": {
                "warning": {
                    "__typename": "LiveAlert",
                    "kind": "BROADCAST",
                    "text": "Red cap heading to the market",
                    "offender": {"displayName": "Red cap"},
                }
            }
        }
        whole = on_both["full"]["data"]["bidAlerts"]
        assert whole["id"] == alert_id and whole["kind"] == "BROADCAST"
        assert whole["offender"]["displayName"] == "Red cap" and whole["shop"] is None
        for socket in others:
            assert await messages(socket, 1) == {"mine": on_both["full"]}

    # Five subscriptions, two selections, one view (a broadcast of an ACTIVE offender is shown
    # alike to staff and managers): two answers worked out, not five.
    assert sorted(answered) == sorted([SUBSCRIBE, WITH_FRAGMENT])


async def test_a_completed_subscription_and_a_vanished_phone_are_sent_nothing_and_stop_no_one(
    base_url: str, gql: GraphQLClient, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    staff, manager = world.token(Role.SHOP_STAFF), world.token(Role.BID_MANAGER)
    bid_id = world.home.bid_id
    async with contextlib.AsyncExitStack() as sockets:
        staying = await sockets.enter_async_context(live_socket(base_url))
        await subscribe(staying, staff, {"kept": SUBSCRIBE, "ended": SUBSCRIBE}, bid_id)
        await staying.send({"id": "ended", "type": "complete"})
        vanishing = await sockets.enter_async_context(live_socket(base_url))
        await subscribe(vanishing, manager, {"gone": SUBSCRIBE}, bid_id)
        vanishing.connection.transport.abort()  # no close handshake: the phone lost its signal
        await asyncio.sleep(0.2)

        for message in ("First warning", "Second warning"):
            variables = {"input": {"bidId": bid_id, "message": message}}
            sent = (await gql.execute(BROADCAST, variables, manager))["broadcast"]
            stored = decode_id("LiveAlert", sent["liveAlert"]["id"])
            assert stored is not None
            await broker.hub.deliver(stored, world.home.bid.id)

        received = [await staying.receive() for _ in range(2)]
        assert [message["id"] for message in received] == ["kept", "kept"]
        assert [message["payload"]["data"]["bidAlerts"]["message"] for message in received] == [
            "First warning",
            "Second warning",
        ]
        with pytest.raises(TimeoutError):
            await staying.receive(within=0.5)
    assert [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR] == []
