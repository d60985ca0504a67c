"""Security headers on every response: what a browser may do with it, and that it must use HTTPS.

Responses that set their own policy (the PWA's files, photo files) keep it; everything else (JSON,
CSV, errors) gets a policy that lets nothing run or load, and no page may frame any of it. In
development, the GraphiQL page of GET /graphql keeps its own scripts.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

API_CONTENT_SECURITY_POLICY = (
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
HSTS = "max-age=31536000; includeSubDomains"
INTERNAL_ERROR = "Something went wrong on our side."


def security_headers(*, https: bool) -> dict[str, str]:
    headers = {
        "Content-Security-Policy": API_CONTENT_SECURITY_POLICY,
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "no-referrer",
        "Permissions-Policy": "camera=(self), microphone=(), geolocation=()",
    }
    if https:
        headers["Strict-Transport-Security"] = HSTS
    return headers


class SecurityHeaders:
    def __init__(self, app: ASGIApp, *, https: bool, graphiql: bool) -> None:
        self.app = app
        self.headers = security_headers(https=https)
        self.graphiql = graphiql

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        keep_page_scripts = self.graphiql and scope["method"] == "GET" and scope["path"] == "/graphql"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    if name == "Content-Security-Policy" and keep_page_scripts:
                        continue
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


def internal_error_handler(*, https: bool) -> Callable[[Request, Exception], Awaitable[JSONResponse]]:
    """The answer to an unhandled error: a plain JSON error, with the headers every response has
    (it is made outside the middleware, so it carries them itself)."""

    async def internal_error(request: Request, exc: Exception) -> JSONResponse:
        return JSONResponse(
            {"errors": [{"message": INTERNAL_ERROR}]}, status_code=500, headers=security_headers(https=https)
        )

    return internal_error
