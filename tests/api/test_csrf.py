"""Another site must not be able to make a logged-in browser act for its user.

Each attack is sent with the victim's session cookie, as a browser would attach it, and asks for
something that leaves a trace (a new BID, with an administrator's cookie); the test checks both the
refusal and that nothing happened.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from shopwatch.app import create_app
from shopwatch.places.models import Bid
from shopwatch.settings import Settings
from tests.support.world import World

CREATE_BID = 'mutation { createBid(input: {name: "Evil BID", slug: "evil"}) { __typename } }'
ME = "query { me { email } }"
LOGOUT = "mutation { logout }"

EVIL = "https://evil.example"
CROSS_SITE = {"Origin": EVIL, "Sec-Fetch-Site": "cross-site"}
SAME_ORIGIN = {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"}


def cookie(token: str | None) -> dict[str, str]:
    return {"Cookie": f"shopwatch_session={token}"}


def multipart(query: str) -> dict[str, Any]:
    """A GraphQL multipart request (operations, map, one file), as an upload form would send it."""
    operations = {"query": query, "variables": {"file": None}}
    return {
        "operations": (None, json.dumps(operations), "application/json"),
        "map": (None, json.dumps({"0": ["variables.file"]}), "application/json"),
        "0": ("photo.jpg", b"\xff\xd8\xff\xe0 not really a photo", "image/jpeg"),
    }


async def assert_refused(response: httpx.Response) -> None:
    assert response.status_code == 403, response.text
    assert "Cross-site request refused" in response.json()["errors"][0]["message"]
    assert not await Bid.exists(slug="evil")


async def assert_bid_created(response: httpx.Response) -> None:
    assert response.status_code == 200, response.text
    assert response.json() == {"data": {"createBid": {"__typename": "CreateBidSuccess"}}}
    assert await Bid.filter(slug="evil").count() == 1


# --- refused ------------------------------------------------------------------------------------


async def test_a_cross_site_html_form_post_is_refused(http: httpx.AsyncClient, world: World) -> None:
    response = await http.post(
        "/graphql",
        content=urlencode({"query": CREATE_BID}),
        headers={
            **cookie(world.admin_token),
            **CROSS_SITE,
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    await assert_refused(response)


async def test_a_cross_origin_json_fetch_is_refused(http: httpx.AsyncClient, world: World) -> None:
    response = await http.post(
        "/graphql", json={"query": CREATE_BID}, headers={**cookie(world.admin_token), "Origin": EVIL}
    )
    await assert_refused(response)


@pytest.mark.parametrize("fetch_site", ["cross-site", "same-site"])
async def test_json_the_browser_marks_as_from_another_site_is_refused(
    http: httpx.AsyncClient, world: World, fetch_site: str
) -> None:
    # No Origin header here: Sec-Fetch-Site alone is enough to refuse.
    response = await http.post(
        "/graphql",
        json={"query": CREATE_BID},
        headers={**cookie(world.admin_token), "Sec-Fetch-Site": fetch_site},
    )
    await assert_refused(response)


@pytest.mark.parametrize("origin", [None, EVIL])
async def test_a_text_plain_body_is_refused(
    http: httpx.AsyncClient, world: World, origin: str | None
) -> None:
    # text/plain is what a cross-site fetch can send without asking first.
    headers = {**cookie(world.admin_token), "Content-Type": "text/plain"}
    if origin:
        headers["Origin"] = origin
    response = await http.post("/graphql", content=json.dumps({"query": CREATE_BID}), headers=headers)
    await assert_refused(response)


async def test_a_form_encoded_body_is_refused_even_without_origin(
    http: httpx.AsyncClient, world: World
) -> None:
    response = await http.post(
        "/graphql",
        content=urlencode({"query": CREATE_BID}),
        headers={**cookie(world.admin_token), "Content-Type": "application/x-www-form-urlencoded"},
    )
    await assert_refused(response)


async def test_a_multipart_upload_without_the_csrf_header_is_refused(
    http: httpx.AsyncClient, world: World
) -> None:
    # Same origin as far as the headers go: a form on a page we serve could still be tricked.
    response = await http.post("/graphql", files=multipart(CREATE_BID), headers=cookie(world.admin_token))
    await assert_refused(response)
    cross_site = await http.post(
        "/graphql", files=multipart(CREATE_BID), headers={**cookie(world.admin_token), **CROSS_SITE}
    )
    await assert_refused(cross_site)


async def test_a_null_origin_is_refused(http: httpx.AsyncClient, world: World) -> None:
    # Sandboxed iframes and some redirects send `Origin: null`.
    response = await http.post(
        "/graphql", json={"query": CREATE_BID}, headers={**cookie(world.admin_token), "Origin": "null"}
    )
    await assert_refused(response)


async def test_a_cross_site_logout_is_refused(http: httpx.AsyncClient, world: World) -> None:
    response = await http.post(
        "/graphql",
        content=urlencode({"query": LOGOUT}),
        headers={
            **cookie(world.admin_token),
            **CROSS_SITE,
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    assert response.status_code == 403
    still = await http.post("/graphql", json={"query": ME}, headers=cookie(world.admin_token))
    assert still.json() == {"data": {"me": {"email": "admin@example.org"}}}


async def test_a_get_request_cannot_run_a_mutation(http: httpx.AsyncClient, world: World) -> None:
    # GET is not checked by the guard (a link or an <img> can make one), so it must not act.
    response = await http.get(
        "/graphql", params={"query": CREATE_BID}, headers={**cookie(world.admin_token), **CROSS_SITE}
    )
    assert response.status_code >= 400
    assert not await Bid.exists(slug="evil")


async def test_an_empty_bearer_header_does_not_unlock_the_cookie(
    http: httpx.AsyncClient, world: World
) -> None:
    # The guard lets bearer-token requests through; one without a token must not ride on the cookie.
    response = await http.post(
        "/graphql",
        json={"query": CREATE_BID},
        headers={**cookie(world.admin_token), **CROSS_SITE, "Authorization": "Bearer "},
    )
    await assert_refused(response)


# --- allowed ------------------------------------------------------------------------------------


async def test_same_origin_json_with_the_cookie_works(http: httpx.AsyncClient, world: World) -> None:
    response = await http.post(
        "/graphql", json={"query": CREATE_BID}, headers={**cookie(world.admin_token), **SAME_ORIGIN}
    )
    await assert_bid_created(response)


async def test_json_without_origin_headers_works(http: httpx.AsyncClient, world: World) -> None:
    # Older browsers and non-browser clients send neither Origin nor Sec-Fetch-Site.
    response = await http.post("/graphql", json={"query": CREATE_BID}, headers=cookie(world.admin_token))
    await assert_bid_created(response)


async def test_the_public_url_counts_as_same_origin_behind_a_proxy(settings: Settings, world: World) -> None:
    # TLS ends at a proxy: the app sees http and an inner Host, the browser says the public origin.
    app = create_app(dataclasses.replace(settings, public_url="https://shopwatch.example.org"))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://app.internal:8000"
    ) as http:
        response = await http.post(
            "/graphql",
            json={"query": CREATE_BID},
            headers={
                **cookie(world.admin_token),
                "Origin": "https://shopwatch.example.org",
                "Sec-Fetch-Site": "same-origin",
            },
        )
    await assert_bid_created(response)


async def test_the_address_the_browser_used_counts_as_same_origin(settings: Settings, world: World) -> None:
    # A laptop run reached from a phone on the same network: not the configured PUBLIC_URL.
    app = create_app(dataclasses.replace(settings, public_url="http://127.0.0.1:8000"))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://192.168.1.20:8000"
    ) as http:
        response = await http.post(
            "/graphql",
            json={"query": CREATE_BID},
            headers={
                **cookie(world.admin_token),
                "Origin": "http://192.168.1.20:8000",
                "Sec-Fetch-Site": "same-origin",
            },
        )
        await assert_bid_created(response)
        other_port = await http.post(
            "/graphql",
            json={"query": CREATE_BID},
            headers={**cookie(world.admin_token), "Origin": "http://192.168.1.20:9000"},
        )
        assert other_port.status_code == 403


async def test_a_same_origin_upload_with_the_csrf_header_works(http: httpx.AsyncClient, world: World) -> None:
    response = await http.post(
        "/graphql",
        files=multipart(CREATE_BID),
        headers={**cookie(world.admin_token), **SAME_ORIGIN, "X-Shopwatch-CSRF": "1"},
    )
    await assert_bid_created(response)


async def test_bearer_clients_are_not_refused_whatever_they_send(
    http: httpx.AsyncClient, world: World
) -> None:
    # No other site can set an Authorization header, so these are not forgeries.
    bearer = {"Authorization": f"Bearer {world.admin_token}", **CROSS_SITE}
    response = await http.post("/graphql", files=multipart(CREATE_BID), headers=bearer)
    await assert_bid_created(response)

    me = await http.post("/graphql", json={"query": ME}, headers={**bearer, "Origin": "null"})
    assert me.json() == {"data": {"me": {"email": "admin@example.org"}}}
    for content_type in ("text/plain", "application/x-www-form-urlencoded"):
        other = await http.post(
            "/graphql",
            content=json.dumps({"query": ME}),
            headers={**bearer, "Content-Type": content_type},
        )
        assert other.status_code != 403, other.text
