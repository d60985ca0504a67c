"""Live alerts over a real socket to one `shopwatch serve` process on the suite's database (on
SQLite its in-process broker; on PostgreSQL its own LISTEN): who receives a report naming a gallery
offender, who is refused, and what ends a socket."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from websockets.exceptions import InvalidStatus

from shopwatch.accounts.models import Role
from shopwatch.api.ids import encode_id
from shopwatch.api.live.sockets import MAX_SOCKETS_PER_USER
from shopwatch.offenders.models import Offender
from tests.api.live.sockets import live_socket, report_naming
from tests.faults.servers import Server, server_env
from tests.support.world import World

LOGOUT = "mutation { logout }"


@pytest_asyncio.fixture(scope="module")
async def server(database: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Server]:
    var = tmp_path_factory.mktemp("live")
    served = Server(server_env(var / "var", database), var / "server.log", "--no-worker")
    served.env["PUBLIC_URL"] = served.base_url
    await served.start()
    yield served
    served.stop()


async def test_a_report_naming_a_gallery_offender_reaches_the_bid_once(server: Server, world: World) -> None:
    red_cap = await Offender.create(bid=world.home.bid, display_name="Red cap", description="Tall, scar")
    staff_cookie = world.token(Role.SHOP_STAFF)
    away_manager = world.token(Role.BID_MANAGER, "away")
    origin = server.base_url

    async with (
        live_socket(server.base_url, origin=origin, cookie=staff_cookie) as staff,
        live_socket(server.base_url) as away,
        live_socket(server.base_url) as anonymous,
    ):
        assert (await staff.init())["type"] == "connection_ack"
        await staff.subscribe(world.home.bid_id)
        assert (await away.init({"token": away_manager}))["type"] == "connection_ack"
        await away.start(world.home.bid_id, "not-theirs")
        assert await away.receive() == {
            "id": "not-theirs",
            "type": "next",
            "payload": {"data": None, "errors": [{"message": "There is no such BID."}]},
        }
        assert await away.receive() == {"id": "not-theirs", "type": "complete"}
        await away.subscribe(world.away.bid_id)
        await anonymous.send({"type": "connection_init", "payload": {}})
        assert await anonymous.closed_with() == 4403

        await report_naming(
            server.base_url,
            str(world.token(Role.BID_MANAGER)),
            world.home.shop_id(1),
            encode_id("Offender", red_cap.id),
            str(uuid.uuid4()),
        )

        [alert] = await staff.alerts(1, within=2.0)
        assert alert["kind"] == "OFFENDER_SEEN"
        assert alert["message"] == f"Known offender reported at {world.home.shops[1].name}"
        assert alert["shop"] == {"id": world.home.shop_id(1), "name": world.home.shops[1].name}
        assert alert["offender"] == {
            "id": encode_id("Offender", red_cap.id),
            "displayName": "Red cap",
            "thumbnailUrl": None,
            "status": "ACTIVE",
        }
        assert await away.alerts(0, within=0.5) == []

        # Logging out ends the session, and the socket with it.
        async with httpx.AsyncClient(base_url=server.base_url) as client:
            await client.post(
                "/graphql", json={"query": LOGOUT}, headers={"Authorization": f"Bearer {staff_cookie}"}
            )
        assert await staff.closed_with(10.0) == 4401


async def test_sockets_refused(server: Server, world: World) -> None:
    token = world.token(Role.SHOP_STAFF)
    with pytest.raises(InvalidStatus) as other_site:
        async with live_socket(server.base_url, origin="https://evil.example", cookie=token):
            pass
    assert other_site.value.response.status_code == 403

    # The cookie counts only from the app's own origin: without one, the socket is anonymous.
    async with live_socket(server.base_url, cookie=token) as no_origin:
        await no_origin.send({"type": "connection_init", "payload": {}})
        assert await no_origin.closed_with() == 4403

    async with contextlib.AsyncExitStack() as held:
        for _ in range(MAX_SOCKETS_PER_USER):
            socket = await held.enter_async_context(live_socket(server.base_url))
            assert (await socket.init({"token": token}))["type"] == "connection_ack"
        one_more = await held.enter_async_context(live_socket(server.base_url))
        await one_more.send({"type": "connection_init", "payload": {"token": token}})
        assert await one_more.closed_with() == 4429

    async with live_socket(server.base_url) as chatty:
        assert (await chatty.init({"token": token}))["type"] == "connection_ack"
        for _ in range(40):
            await chatty.send({"type": "ping"})
        assert await chatty.closed_with() == 4429


async def test_alerts_are_sent_uncompressed(server: Server) -> None:
    """The phone offers permessage-deflate (browsers do); the server declines it, as the Procfile's
    does: compressing a few hundred bytes per socket cost more than sending them."""
    async with live_socket(server.base_url) as socket:
        assert socket.connection.response is not None
        assert "Sec-WebSocket-Extensions" not in socket.connection.response.headers
    procfile = (Path(__file__).parents[3] / "Procfile").read_text()
    assert "--ws-per-message-deflate false" in procfile
