"""The graphql-transport-ws socket on /graphql, for subscriptions only.

Who it is: the session cookie, taken only from a handshake whose Origin is PUBLIC_URL's (any other
Origin is refused before the socket opens: another site's page cannot ride on the cookie), or a
`token` in `connection_init`'s payload (for clients that are not the app's pages). A socket with
neither is closed at `connection_init` with 4403; one over the per-user limit, or sending too
fast, with 4429; one whose session ends, with 4401 (`api/live/sockets.py`).
"""

from __future__ import annotations

from typing import Any

from starlette.websockets import WebSocket
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import BaseGraphQLTransportWSHandler
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ConnectionInitMessage,
    Message,
    SubscribeMessage,
)

from shopwatch.accounts.sessions import viewer_for_token
from shopwatch.api.context import SESSION_COOKIE, Context
from shopwatch.api.live.delivery import DirectDelivery, starting_delivery
from shopwatch.api.live.sockets import (
    LOG_IN_FIRST,
    LOG_IN_FIRST_REASON,
    TOO_MANY,
    TOO_MANY_MESSAGES_REASON,
    TOO_MANY_SOCKETS_REASON,
    LiveSocket,
    sockets,
)
from shopwatch.settings import Settings


def _origin(value: str) -> str:
    return value.strip().lower().rstrip("/")


def origin_allowed(websocket: WebSocket, settings: Settings) -> bool:
    """A browser always sends Origin with a WebSocket handshake; it must be the app's own. A client
    that sends none is not a browser, carries no one's cookie by accident, and must send a token."""
    origin = websocket.headers.get("origin")
    return origin is None or _origin(origin) == _origin(settings.public_origin)


def handshake_token(websocket: WebSocket) -> str | None:
    """The session cookie, if the handshake came from the app's own origin (checked before)."""
    if websocket.headers.get("origin") is None:
        return None
    return websocket.cookies.get(SESSION_COOKIE) or None


class LiveSocketHandler(BaseGraphQLTransportWSHandler[Context, None]):
    """strawberry's protocol handler with our admission, limits and bookkeeping."""

    live: LiveSocket | None = None

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        if self.connection_init_received or self.connection_timed_out:
            await super().handle_connection_init(message)  # strawberry's own refusal of a second init
            return
        payload: Any = message.get("payload") or {}
        token = payload.get("token") if isinstance(payload, dict) else None
        if isinstance(token, str) and token:
            self.context.viewer = await viewer_for_token(token)
        viewer = self.context.viewer
        if viewer is None:
            await self._refuse(LOG_IN_FIRST, LOG_IN_FIRST_REASON)
            return
        assert isinstance(self.context.request, WebSocket)
        live = LiveSocket(self.context.request, viewer)
        if not sockets.admit(live):
            await self._refuse(TOO_MANY, TOO_MANY_SOCKETS_REASON)
            return
        self.live = live
        await super().handle_connection_init(message)

    async def _refuse(self, code: int, reason: str) -> None:
        if self.connection_init_timeout_task:
            self.connection_init_timeout_task.cancel()
        self.connection_init_received = True
        await self.websocket.close(code=code, reason=reason)

    async def handle_message(self, message: Message) -> None:
        if self.live is not None and not self.live.may_send():
            await self.live.close(TOO_MANY, TOO_MANY_MESSAGES_REASON)
            return
        await super().handle_message(message)

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        """As strawberry's, with the subscription's own delivery at hand for its resolver."""
        payload: Any = message.get("payload")
        if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
            await super().handle_subscribe(message)  # strawberry's refusal
            return
        assert isinstance(self.context.request, WebSocket)
        delivery = DirectDelivery(
            self.context.request,
            self.schema,  # type: ignore[arg-type]
            self.context,
            message["id"],
            payload["query"],
            payload.get("variables"),
            payload.get("operationName"),
        )
        started = starting_delivery.set(delivery)
        try:
            await super().handle_subscribe(message)
        finally:
            starting_delivery.reset(started)

    async def shutdown(self) -> None:
        if self.live is not None:
            sockets.remove(self.live)
        await super().shutdown()
