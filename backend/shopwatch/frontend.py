"""Serving the PWA from `frontend/` with its security headers.

Every file of the app shell is sent with a Content-Security-Policy that allows no inline script or
style, so a description that slips into the page as markup still cannot run. Everything is sent
`no-cache` (revalidated by ETag): the service worker keeps the offline copy, and `sw.js` itself must
never be served stale or a fixed release would not reach phones that have the old one.

Text files (HTML, CSS, JavaScript, the manifest) go gzip-compressed to browsers that accept it: the
shell is about a third of its size on the wire, which is what a phone on a weak signal waits for.
Only these public, unchanging files are compressed, never an API answer (no secret shares a
compressed body with text an attacker chooses).
"""

from __future__ import annotations

from pathlib import Path

from starlette.datastructures import MutableHeaders
from starlette.middleware.gzip import GZipMiddleware
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
    "connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)

FRONTEND_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-cache",
}


class FrontendHeaders:
    """Adds `FRONTEND_HEADERS` to every response of the wrapped app."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in FRONTEND_HEADERS.items():
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


# Images are compressed already; a body this small gains less than the header costs.
UNCOMPRESSED_TYPES = ("text/event-stream", "image/*")
COMPRESS_FROM_BYTES = 500


def frontend_app(directory: Path) -> ASGIApp:
    files = StaticFiles(directory=directory, html=True)
    compressed = GZipMiddleware(
        files, minimum_size=COMPRESS_FROM_BYTES, exclude_content_types=UNCOMPRESSED_TYPES
    )
    return FrontendHeaders(compressed)
