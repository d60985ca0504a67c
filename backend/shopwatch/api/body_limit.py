"""Refuses request bodies over a size limit with 413, before they are read whole.

A declared `Content-Length` over the limit is refused without reading a byte. A body that declares
nothing (chunked) or lies is counted as it arrives, and the request is refused as soon as the count
passes the limit, so at most the limit plus one chunk is ever read.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shopwatch.incidents.photos import MAX_PHOTO_BYTES, MAX_PHOTOS_PER_INCIDENT

MB = 1024 * 1024
# A GraphQL document with its variables: the token limit keeps documents far smaller than this.
JSON_BODY_LIMIT = 1 * MB
# A report with its full allowance of photos, plus room for the operations, map and part headers.
MULTIPART_BODY_LIMIT = MAX_PHOTOS_PER_INCIDENT * MAX_PHOTO_BYTES + 1 * MB


class BodyTooLarge(Exception):
    """Raised into the app from `receive` once the body passes the limit (not a ValueError, so no
    parser mistakes it for a malformed body)."""


def body_limit(headers: Headers) -> int:
    content_type = headers.get("content-type", "").split(";", 1)[0].strip().lower()
    return MULTIPART_BODY_LIMIT if content_type == "multipart/form-data" else JSON_BODY_LIMIT


def refusal(message: str, status_code: int) -> JSONResponse:
    # The rest of the body is never read, so the connection cannot carry another request.
    return JSONResponse(
        {"errors": [{"message": message}]}, status_code=status_code, headers={"Connection": "close"}
    )


def too_large(limit: int) -> JSONResponse:
    return refusal(f"The request body is larger than {limit // MB} MB.", 413)


class BodyLimit:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        limit = body_limit(headers)
        declared = headers.get("content-length")
        if declared is not None and not declared.strip().isdigit():
            await refusal("The Content-Length header is not a number.", 400)(scope, receive, send)
            return
        if declared is not None and int(declared) > limit:
            await too_large(limit)(scope, receive, send)
            return

        received = 0
        response_started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge
            return message

        async def watching_send(message: Message) -> None:
            nonlocal response_started
            response_started = response_started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, watching_send)
        except BodyTooLarge:
            if response_started:
                raise
            await too_large(limit)(scope, receive, send)
