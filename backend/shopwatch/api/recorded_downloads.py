"""Routes whose GET writes to the audit trail: a photo's original opened, an incident export, an
evidence pack. Starlette answers HEAD on a GET route by running it, which would record a download
that never happened, so these answer HEAD with 405."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response

Endpoint = Callable[[Request], Awaitable[Response]]


def get_only(endpoint: Endpoint) -> Endpoint:
    async def answer(request: Request) -> Response:
        if request.method != "GET":
            return Response(status_code=405, headers={"Allow": "GET", "Cache-Control": "no-store"})
        return await endpoint(request)

    return answer
