"""A phone's side of the live socket: graphql-transport-ws over a real connection to a server."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

SUBSCRIBE = """
subscription($bid: ID!) { bidAlerts(bidId: $bid) {
  id kind createdAt message shop { id name } offender { id displayName thumbnailUrl status }
} }
"""
REPORT = """
mutation($input: ReportIncidentInput!) { reportIncident(input: $input) {
  __typename ... on ReportIncidentSuccess { incident { id } }
} }
"""


class LiveSocket:
    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection

    async def send(self, message: dict[str, Any]) -> None:
        await self.connection.send(json.dumps(message))

    async def receive(self, within: float = 5.0) -> dict[str, Any]:
        message: dict[str, Any] = json.loads(await asyncio.wait_for(self.connection.recv(), within))
        return message

    async def init(self, payload: dict[str, Any] | None = None) -> dict[str, Any]:
        await self.send({"type": "connection_init", "payload": payload or {}})
        return await self.receive()

    async def start(self, bid_id: str, operation: str = "1") -> None:
        variables = {"bid": bid_id}
        await self.send(
            {"id": operation, "type": "subscribe", "payload": {"query": SUBSCRIBE, "variables": variables}}
        )

    async def subscribe(self, bid_id: str, operation: str = "1") -> None:
        """Subscribe, then a ping answered: the server has read the subscription and started it."""
        await self.start(bid_id, operation)
        await self.send({"type": "ping"})
        assert await self.receive() == {"type": "pong"}
        await asyncio.sleep(0.2)

    async def alerts(self, expected: int, within: float, then: float = 0.3) -> list[dict[str, Any]]:
        """The alerts that arrive within `within` seconds, waiting `then` seconds more once
        `expected` have come (for any that should not)."""
        received: list[dict[str, Any]] = []
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while True:
            if len(received) == expected:
                deadline = min(deadline, loop.time() + then)
            left = deadline - loop.time()
            if left <= 0:
                break
            try:
                message = await self.receive(left)
            except TimeoutError:
                break
            assert message["type"] == "next", message
            received.append(message["payload"]["data"]["bidAlerts"])
        return received

    async def closed_with(self, seconds: float = 10.0) -> int | None:
        """The close code once the server closes the socket (messages before it are skipped)."""
        try:
            async with asyncio.timeout(seconds):
                while True:
                    await self.connection.recv()
        except ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else None


def socket_url(base_url: str) -> str:
    return base_url.replace("http://", "ws://", 1) + "/graphql"


@asynccontextmanager
async def live_socket(
    base_url: str, *, origin: str | None = None, cookie: str | None = None
) -> AsyncIterator[LiveSocket]:
    headers = {"Cookie": f"shopwatch_session={cookie}"} if cookie else {}
    async with connect(
        socket_url(base_url), subprotocols=["graphql-transport-ws"], origin=origin, additional_headers=headers
    ) as connection:
        yield LiveSocket(connection)


async def report_naming(base_url: str, token: str, shop_id: str, offender_id: str, client_id: str) -> None:
    report = {
        "clientId": client_id,
        "shopId": shop_id,
        "kind": "THEFT",
        "occurredAt": datetime.now(UTC).isoformat(),
        "description": "Took razors from the shelf by the door.",
        "valueStolenPence": 4599,
        "offenderIds": [offender_id],
    }
    async with httpx.AsyncClient(base_url=base_url, timeout=10) as client:
        response = await client.post(
            "/graphql",
            json={"query": REPORT, "variables": {"input": report}},
            headers={"Authorization": f"Bearer {token}"},
        )
    assert response.json()["data"]["reportIncident"]["__typename"] == "ReportIncidentSuccess", response.text
