"""The `/graphql` endpoint: strawberry's ASGI view with our context (who is asking) per request."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from cross_web import AsyncHTTPRequestAdapter, HTTPException
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from shopwatch.accounts.sessions import viewer_for_token
from shopwatch.accounts.viewer import Viewer
from shopwatch.api.context import SESSION_COOKIE, Context
from shopwatch.api.cost import requests_in_flight
from shopwatch.api.live.socket import LiveSocketHandler, handshake_token, origin_allowed
from shopwatch.api.schema import build_schema
from shopwatch.api.uploads import MalformedUpload, operations_with_files
from shopwatch.core.concurrency import LoopSemaphore
from shopwatch.incidents.photos import PHOTO_CONCURRENCY
from shopwatch.settings import Settings


def session_token(request: Request | WebSocket) -> str | None:
    """A bearer token if one is given, otherwise the session cookie."""
    authorization = request.headers.get("authorization", "")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return request.cookies.get(SESSION_COOKIE)


async def request_viewer(request: Request | WebSocket) -> Viewer | None:
    token = session_token(request)
    return await viewer_for_token(token) if token else None


# Uploads worked on at once per process, one per CPU: each needs a photo thread, and every further
# one stored at once only adds to the event loop's queue, delaying every other request. The rest
# wait for a slot once their bodies are in.
UPLOAD_CONCURRENCY = PHOTO_CONCURRENCY
upload_slots = LoopSemaphore(UPLOAD_CONCURRENCY)


def is_upload(request: Request) -> bool:
    return request.headers.get("content-type", "").lower().startswith("multipart/")


class GraphQLView(GraphQL[Context, None]):
    # Subscriptions (live alerts) over graphql-transport-ws only, admitted by our handler.
    graphql_transport_ws_handler_class = LiveSocketHandler

    def __init__(self, settings: Settings, **kwargs: object) -> None:
        super().__init__(
            build_schema(production=settings.is_production),
            graphql_ide=None if settings.is_production else "graphiql",
            allow_queries_via_get=False,
            # Safe only because CsrfGuard refuses cross-site posts before they reach this view.
            multipart_uploads_enabled=True,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            allowed_origins=(settings.public_origin,),
            connection_init_wait_timeout=timedelta(seconds=10),
            **kwargs,  # type: ignore[arg-type]
        )
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """As strawberry's, but a request refused before execution (not JSON, batched, no query...)
        is answered in GraphQL's own error shape, so every client reads `errors[].message`; and a
        socket from a page of another origin is refused at the handshake (403)."""
        if scope["type"] == "websocket":
            websocket = WebSocket(scope, receive=receive, send=send)
            if not origin_allowed(websocket, self.settings):
                await websocket.close(code=1008)  # before accepting: the handshake gets 403
                return
            await super().__call__(scope, receive, send)
            return
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        # In flight while worked on (its body once in, and not its sending): a costly query gives
        # way to it, and a client sending or reading slowly must not slow costly queries down.
        with requests_in_flight.request():
            try:
                response = await self.run(Request(scope=scope, receive=receive))
            except HTTPException as refusal:
                response = JSONResponse(
                    {"errors": [{"message": refusal.reason}]}, status_code=refusal.status_code
                )
        await response(scope, receive, send)

    async def execute_operation(  # type: ignore[override]
        self, request: Request, *args: Any, **kwargs: Any
    ) -> Any:
        """As strawberry's, but an upload, once its body is in, waits for one of the process's upload
        slots: a phone sending slowly holds none while its photos arrive."""
        if not is_upload(request):
            return await super().execute_operation(request, *args, **kwargs)
        slots = upload_slots()
        with requests_in_flight.paused():  # waiting its turn is no work to give way to
            await slots.acquire()
        try:
            return await super().execute_operation(request, *args, **kwargs)
        finally:
            slots.release()

    async def parse_http_body(self, request: AsyncHTTPRequestAdapter) -> Any:
        with requests_in_flight.paused():  # a body still arriving is no work to give way to
            return await super().parse_http_body(request)

    def parse_json(self, data: str | bytes) -> object:
        # strawberry lets invalid UTF-8 (UnicodeDecodeError), nesting past the recursion limit and
        # bodies that are not an object or a list through as server errors.
        try:
            parsed = json.loads(data)
        except (ValueError, RecursionError):
            raise HTTPException(400, "The request body is not valid JSON in UTF-8.") from None
        if not isinstance(parsed, dict | list):
            raise HTTPException(400, "The request body must be a JSON object with a `query`.")
        return parsed

    async def parse_multipart(self, request: AsyncHTTPRequestAdapter) -> dict[str, Any]:
        # strawberry's own reading trusted `map`: a list, a path to nowhere or a path that was not
        # text were server errors, and a file missing from the map was silently dropped.
        try:
            form = (await request.get_form_data()).form
        except ValueError:
            raise HTTPException(400, "Unable to parse the multipart body") from None
        except StarletteHTTPException as refusal:  # starlette's parser: no boundary, no part name...
            raise HTTPException(refusal.status_code, refusal.detail) from None
        parts = form.multi_items() if isinstance(form, FormData) else form.items()
        try:
            return operations_with_files(parts)
        except MalformedUpload as refusal:
            raise HTTPException(400, str(refusal)) from None

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        if isinstance(request, WebSocket):
            # The cookie counts only from the app's own origin; a token may come in connection_init.
            token = handshake_token(request)
            return Context(
                request=request,
                response=Response(),
                settings=self.settings,
                viewer=await viewer_for_token(token) if token else None,
            )
        assert isinstance(request, Request) and isinstance(response, Response)
        return Context(
            request=request,
            response=response,
            settings=self.settings,
            viewer=await request_viewer(request),
        )
