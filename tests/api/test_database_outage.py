"""An unreachable database is a clean 503 with `Retry-After` in every mode, whether it fails inside
a resolver or before GraphQL starts (the session lookup); other failures are not mistaken for it.
The real thing, a PostgreSQL restart under load, is in tests/faults/test_postgres_restart.py."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest
import pytest_asyncio

from shopwatch.api import view
from shopwatch.api.outage import DATABASE_UNAVAILABLE
from shopwatch.app import create_app
from shopwatch.core.db import is_unavailable_error
from shopwatch.places import services as places_services
from shopwatch.settings import DEVELOPMENT, PRODUCTION, Settings
from tests.support.world import World

BIDS = {"query": "{ bids { slug } }"}
OUTAGE_BODY = {"data": None, "errors": [{"message": DATABASE_UNAVAILABLE}]}


@pytest_asyncio.fixture(params=[DEVELOPMENT, PRODUCTION])
async def http(request: pytest.FixtureRequest, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    mode = dataclasses.replace(settings, env=request.param, public_url="https://shopwatch.example.org")
    transport = httpx.ASGITransport(app=create_app(mode))
    async with httpx.AsyncClient(transport=transport, base_url="https://shopwatch.example.org") as client:
        yield client


def failing(error: BaseException) -> object:
    def fail(*args: object, **kwargs: object) -> None:
        raise error

    return fail


async def test_a_resolver_that_cannot_reach_the_database_answers_503(
    http: httpx.AsyncClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutdown = asyncpg.AdminShutdownError("terminating connection due to administrator command")
    monkeypatch.setattr(places_services, "visible_bids", failing(shutdown))
    response = await http.post(
        "/graphql", json=BIDS, headers={"Authorization": f"Bearer {world.admin_token}"}
    )
    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    assert response.json() == OUTAGE_BODY


async def test_a_session_lookup_that_cannot_reach_the_database_answers_503(
    http: httpx.AsyncClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(view, "viewer_for_token", failing(ConnectionRefusedError(111, "Connection refused")))
    response = await http.post(
        "/graphql", json=BIDS, headers={"Authorization": f"Bearer {world.admin_token}"}
    )
    assert response.status_code == 503
    assert response.json() == OUTAGE_BODY
    assert "Refused" not in response.text


async def test_other_failures_are_not_called_an_outage(
    http: httpx.AsyncClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(places_services, "visible_bids", failing(RuntimeError("a bug")))
    response = await http.post(
        "/graphql", json=BIDS, headers={"Authorization": f"Bearer {world.admin_token}"}
    )
    assert response.status_code == 200
    assert response.json()["errors"][0]["message"] != DATABASE_UNAVAILABLE


def test_what_counts_as_the_database_being_unreachable() -> None:
    assert is_unavailable_error(ConnectionResetError())
    assert is_unavailable_error(asyncpg.CannotConnectNowError("the database system is starting up"))
    assert is_unavailable_error(asyncpg.InterfaceError("connection is closed"))
    try:
        try:
            raise asyncpg.ConnectionDoesNotExistError("connection was closed in the middle of operation")
        except asyncpg.PostgresError as error:
            raise RuntimeError("wrapped by the ORM") from error
    except RuntimeError as wrapped:
        assert is_unavailable_error(wrapped)
    assert not is_unavailable_error(asyncpg.InterfaceError("cannot perform operation: another operation"))
    assert not is_unavailable_error(asyncpg.UniqueViolationError("duplicate key"))
    assert not is_unavailable_error(FileNotFoundError("photo"))
    assert not is_unavailable_error(None)
