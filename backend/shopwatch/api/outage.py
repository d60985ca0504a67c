"""While the database is unreachable (restarting, failing over), every request gets the same clean
answer: 503 with `Retry-After` and a GraphQL-shaped JSON error, never a traceback or an internal
message. A phone keeps its report and sends it again later; the clientId makes that safe.

Two places see the failure: a resolver (strawberry turns it into a GraphQL error, caught here by
`DatabaseOutage`), and anything before or outside GraphQL, such as the session lookup that makes the
request's context (caught by `DatabaseOutageGuard` around the whole app).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

from graphql import GraphQLError
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.extensions import SchemaExtension

from shopwatch.core.db import is_unavailable_error

DATABASE_UNAVAILABLE = "The service is briefly unavailable. Nothing was lost; try again in a moment."
RETRY_AFTER_SECONDS = "5"
log = logging.getLogger(__name__)
_BODY = json.dumps({"data": None, "errors": [{"message": DATABASE_UNAVAILABLE}]}).encode()


class DatabaseOutage(SchemaExtension):
    """An operation that failed because the database could not be reached answers 503 with only
    the outage message: a partial answer would look like a report that was refused."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        errors = getattr(result, "errors", None) or []
        if not any(is_unavailable_error(error.original_error) for error in errors):
            return
        assert result is not None
        log.warning("database unavailable during a GraphQL operation: %r", errors[0].original_error)
        result.data = None
        result.errors = [GraphQLError(DATABASE_UNAVAILABLE)]
        response = getattr(self.execution_context.context, "response", None)
        if response is not None:  # None when the schema runs outside HTTP, as in a script
            response.status_code = 503
            response.headers["Retry-After"] = RETRY_AFTER_SECONDS


class DatabaseOutageGuard:
    """ASGI middleware: an unreachable database outside a resolver is a 503 too, not a 500."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as error:
            if started or not is_unavailable_error(error):
                raise
            log.warning("database unavailable for %s %s: %r", scope["method"], scope["path"], error)
            await send(
                {
                    "type": "http.response.start",
                    "status": 503,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-length", str(len(_BODY)).encode()),
                        (b"retry-after", RETRY_AFTER_SECONDS.encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": _BODY})
