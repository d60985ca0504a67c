"""Every response carries the security headers; HTTPS deployments also get HSTS."""

from __future__ import annotations

from dataclasses import replace

import httpx
import pytest
from starlette.routing import Route

from shopwatch.api.security_headers import API_CONTENT_SECURITY_POLICY, HSTS
from shopwatch.app import create_app
from shopwatch.settings import PRODUCTION, Settings

REQUESTS = [
    ("POST", "/graphql", {"json": {"query": "{ me { id } }"}}),
    ("POST", "/graphql", {"content": b"{not json", "headers": {"content-type": "application/json"}}),
    ("POST", "/graphql", {"content": b"x" * 2_000_000, "headers": {"content-type": "application/json"}}),
    ("GET", "/healthz", {}),
    ("GET", "/export/incidents.csv", {}),
    ("GET", "/media/photos/nothing/display", {}),
    ("GET", "/no-such-page", {}),
]


def _client(settings: Settings) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(settings)), base_url="http://testserver"
    )


@pytest.mark.parametrize(("method", "path", "options"), REQUESTS)
async def test_every_response_has_the_headers(
    settings: Settings, method: str, path: str, options: dict[str, object]
) -> None:
    async with _client(settings) as client:
        response = await client.request(method, path, **options)  # type: ignore[arg-type]
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] in ("no-referrer", "same-origin")
    assert response.headers["permissions-policy"]
    assert "strict-transport-security" not in response.headers  # http://testserver


async def test_json_answers_may_load_and_run_nothing(settings: Settings) -> None:
    async with _client(settings) as client:
        response = await client.post("/graphql", json={"query": "{ me { id } }"})
    assert response.headers["content-security-policy"] == API_CONTENT_SECURITY_POLICY


async def test_the_app_shell_keeps_its_own_policy(settings: Settings) -> None:
    async with _client(settings) as client:
        response = await client.get("/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy


async def test_https_deployments_require_https(settings: Settings) -> None:
    secure = replace(settings, env=PRODUCTION, public_url="https://shopwatch.example.org")
    async with _client(secure) as client:
        for method, path, options in REQUESTS:
            response = await client.request(method, path, **options)  # type: ignore[arg-type]
            assert response.headers["strict-transport-security"] == HSTS, path


async def test_an_unhandled_error_is_plain_json_with_the_headers(settings: Settings) -> None:
    app = create_app(settings)

    async def broken(request: object) -> None:
        raise RuntimeError("database password is hunter2")

    app.router.routes.insert(0, Route("/broken", broken))  # before the app shell's catch-all
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.get("/broken")
    assert response.status_code == 500
    assert response.json() == {"errors": [{"message": "Something went wrong on our side."}]}
    assert "hunter2" not in response.text
    assert response.headers["x-frame-options"] == "DENY"
