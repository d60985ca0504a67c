"""Refuses cross-site requests that would ride on a browser's session cookie.

A browser attaches our cookie to requests other sites make it send. Requests authenticated by
`Authorization: Bearer` are safe (no other site can set that header), so they pass. Everything
else must look same-origin: the browser's `Sec-Fetch-Site` and `Origin`, when it sends them, must
say so, and the body must be JSON (which a cross-site page can only send after a CORS preflight we
never grant) or carry the `X-Shopwatch-CSRF` header (which it cannot set at all). That leaves HTML
form posts, `text/plain` and form-encoded bodies, and cross-site multipart uploads refused.

GETs that open evidence or exports write an audit entry, so they refuse other sites too
(`from_another_site`); every other GET is read-only and passes.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

CSRF_HEADER = "x-shopwatch-csrf"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
REFUSAL = "Cross-site request refused. Send JSON from the Shopwatch app, or use a bearer token."


# A link elsewhere that a logged-in user follows is a top-level GET, which carries our SameSite=Lax
# cookie: enough to open an evidence original or an export, and to write the audit entry in their
# name. Browsers say where such a request came from; a sibling subdomain counts as another site.
OTHER_SITES = frozenset({"cross-site", "same-site"})
OPENED_FROM_ANOTHER_SITE = (
    "This link was opened from another site. Evidence originals and exports open only from within "
    "Shopwatch: open it from the app."
)


def from_another_site(headers: Headers) -> bool:
    """The browser says another site made this request. Without the header (an old browser, a
    script) the request passes, as before browsers sent it."""
    return headers.get("sec-fetch-site", "").strip().lower() in OTHER_SITES


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def is_cross_site(headers: Headers, scheme: str, public_origin: str) -> bool:
    # The same test as `session_token` in view.py: "Bearer " with no token falls back to the cookie.
    auth_scheme, _, token = headers.get("authorization", "").partition(" ")
    if auth_scheme.lower() == "bearer" and token.strip():
        return False
    if headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        return True
    origin = headers.get("origin")
    if origin is not None:
        own = {f"{scheme}://{headers.get('host', '')}".lower(), public_origin.lower()}
        if origin.lower() == "null" or _origin(origin) not in own:
            return True
    content_type = headers.get("content-type", "").split(";", 1)[0].strip().lower()
    return content_type != "application/json" and CSRF_HEADER not in headers


class CsrfGuard:
    def __init__(self, app: ASGIApp, public_origin: str) -> None:
        self.app = app
        self.public_origin = public_origin

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] not in SAFE_METHODS
            and is_cross_site(Headers(scope=scope), scope.get("scheme", "http"), self.public_origin)
        ):
            await JSONResponse({"errors": [{"message": REFUSAL}]}, status_code=403)(scope, receive, send)
            return
        await self.app(scope, receive, send)
