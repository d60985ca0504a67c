"""The live sockets of this process: who holds each, the limits they run under, and closing those
whose session has ended.

A socket is admitted at `connection_init` once it has a viewer (from the session cookie, sent with
an Origin matching PUBLIC_URL, or from a `token` in the init payload), if its user holds fewer than
`MAX_SOCKETS_PER_USER` here. Each socket may send `MAX_MESSAGES_PER_SECOND` on average (bursts up
to `MESSAGE_BURST`). Every `SESSION_CHECK_SECONDS` the sockets' sessions are checked all at once
(`live.watch`): one whose session ended or whose roles changed is closed with 4401.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from starlette.websockets import WebSocket, WebSocketState

from shopwatch.accounts.viewer import Viewer
from shopwatch.live.watch import Standing, fallen

log = logging.getLogger(__name__)

MAX_SOCKETS_PER_USER = 5
MAX_MESSAGES_PER_SECOND = 5.0
MESSAGE_BURST = 20.0
SESSION_CHECK_SECONDS = 2.0

# Close codes (graphql-transport-ws leaves 4000-4999 to the application; 44xx as it uses them).
SESSION_ENDED = 4401
LOG_IN_FIRST = 4403
TOO_MANY = 4429
SESSION_ENDED_REASON = "Your session has ended; log in again."
LOG_IN_FIRST_REASON = "Log in first: send the session cookie from the app, or a token in connection_init."
TOO_MANY_SOCKETS_REASON = f"Too many live connections for this account (at most {MAX_SOCKETS_PER_USER})."
TOO_MANY_MESSAGES_REASON = f"Too many messages (at most {MAX_MESSAGES_PER_SECOND:g} a second)."


class LiveSocket:
    """One admitted socket."""

    def __init__(self, websocket: WebSocket, viewer: Viewer) -> None:
        self.websocket = websocket
        self.viewer = viewer
        self.standing = Standing.of(viewer)
        self._allowance = MESSAGE_BURST
        self._last = asyncio.get_running_loop().time()

    def may_send(self) -> bool:
        """Spends one message of the socket's allowance (a token bucket); False when none is left."""
        moment = asyncio.get_running_loop().time()
        earned = (moment - self._last) * MAX_MESSAGES_PER_SECOND
        self._allowance = min(MESSAGE_BURST, self._allowance + earned)
        self._last = moment
        if self._allowance < 1:
            return False
        self._allowance -= 1
        return True

    async def close(self, code: int, reason: str) -> None:
        if self.websocket.application_state == WebSocketState.DISCONNECTED:
            return
        with contextlib.suppress(RuntimeError, OSError):  # the phone went away meanwhile
            await self.websocket.close(code=code, reason=reason)


class Sockets:
    def __init__(self) -> None:
        self._by_user: dict[int, set[LiveSocket]] = {}

    def admit(self, socket: LiveSocket) -> bool:
        held = self._by_user.setdefault(socket.viewer.user.id, set())
        if len(held) >= MAX_SOCKETS_PER_USER:
            return False
        held.add(socket)
        return True

    def remove(self, socket: LiveSocket) -> None:
        held = self._by_user.get(socket.viewer.user.id)
        if held is not None:
            held.discard(socket)
            if not held:
                del self._by_user[socket.viewer.user.id]

    def all(self) -> list[LiveSocket]:
        return [socket for held in self._by_user.values() for socket in held]

    async def close_ended_sessions(self) -> int:
        sockets = self.all()
        if not sockets:
            return 0
        ended = await fallen({socket.standing for socket in sockets})
        closing = [socket for socket in sockets if socket.standing in ended]
        for socket in closing:
            await socket.close(SESSION_ENDED, SESSION_ENDED_REASON)
        return len(closing)

    async def watch(self, stop: asyncio.Event, every_seconds: float = SESSION_CHECK_SECONDS) -> None:
        while not stop.is_set():
            try:
                await self.close_ended_sessions()
            except Exception:  # the database may be restarting: check again next time
                log.exception("checking the live sockets' sessions failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), every_seconds)


sockets = Sockets()


@contextlib.asynccontextmanager
async def watching_sessions() -> AsyncIterator[None]:
    stop = asyncio.Event()
    task = asyncio.create_task(sockets.watch(stop))
    try:
        yield
    finally:
        stop.set()
        await task
