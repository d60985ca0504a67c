"""What production turns off (GraphiQL, introspection, internal error messages) and the limits that
hold in every mode."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from shopwatch.accounts.models import Role
from shopwatch.api.schema import build_schema
from shopwatch.places import services as places_services
from shopwatch.places.models import Bid
from shopwatch.settings import DEVELOPMENT, PRODUCTION, Settings
from tests.api.conftest import client, mode_settings
from tests.support.graphql import GraphQLClient
from tests.support.world import World

INTROSPECTION = "{ __schema { types { name } } }"
TYPE_INTROSPECTION = '{ __type(name: "User") { fields { name } } }'
BIDS = "{ bids { slug } }"
ME = "{ me { email } }"
CREATE_BID = """
mutation { createBid(input: {name: "Kingsbridge BID", slug: "kingsbridge"}) {
  __typename ... on PermissionDenied { message } } }
"""
# Eleven levels: deeper than this schema goes, so the fields past `shops` do not exist either.
TOO_DEEP = "{ me { memberships { bid { shops { a { b { c { d { e { f { g { h } } } } } } } } } } } }"
MASKED = "Something went wrong on our side."


def aliases(count: int) -> str:
    return "{ " + " ".join(f"a{n}: me {{ email }}" for n in range(count)) + " }"


async def error_response(gql: GraphQLClient, query: str, token: str | None = None) -> dict[str, Any]:
    """The body of a response that must be an error reported in GraphQL, not an HTTP failure."""
    response = await gql.post(query, token=token)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert body.get("errors"), body
    return body


# --- introspection and GraphiQL -----------------------------------------------------------------


async def test_production_refuses_introspection(production: GraphQLClient, world: World) -> None:
    for query in (INTROSPECTION, TYPE_INTROSPECTION):
        body = await error_response(production, query, world.admin_token)
        assert body.get("data") is None
        assert any("introspection" in error["message"].lower() for error in body["errors"])


async def test_development_allows_introspection(development: GraphQLClient) -> None:
    types = (await development.execute(INTROSPECTION))["__schema"]["types"]
    assert {"Query", "Mutation", "User", "Bid"} <= {t["name"] for t in types}


async def test_the_production_schema_itself_refuses_introspection() -> None:
    result = await build_schema(production=True).execute(INTROSPECTION)
    assert result.data is None
    assert result.errors
    assert (await build_schema(production=False).execute(INTROSPECTION)).errors is None


async def test_graphiql_is_served_only_in_development(settings: Settings) -> None:
    page = {"Accept": "text/html"}
    async with client(mode_settings(settings, DEVELOPMENT)) as development:
        shown = await development.http.get("/graphql", headers=page)
    assert shown.status_code == 200
    assert "graphiql" in shown.text.lower()

    async with client(mode_settings(settings, PRODUCTION)) as production:
        hidden = await production.http.get("/graphql", headers=page)
    assert hidden.status_code != 200
    assert "graphiql" not in hidden.text.lower()


# --- error messages -----------------------------------------------------------------------------


@pytest.fixture
def broken_service(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug deep inside: the service behind `bids` fails with a message full of internals."""

    def visible_bids(viewer: object) -> None:
        raise RuntimeError("secret internals: /srv/shopwatch password=hunter2")

    monkeypatch.setattr(places_services, "visible_bids", visible_bids)


@pytest.mark.usefixtures("broken_service")
async def test_production_masks_unexpected_errors(production: GraphQLClient, world: World) -> None:
    response = await production.post(BIDS, token=world.admin_token)
    assert response.status_code == 200
    assert [error["message"] for error in response.json()["errors"]] == [MASKED]
    assert "secret" not in response.text
    assert "hunter2" not in response.text


@pytest.mark.usefixtures("broken_service")
async def test_development_shows_unexpected_errors(development: GraphQLClient, world: World) -> None:
    messages = await development.errors(BIDS, token=world.admin_token)
    assert any("secret internals" in message for message in messages)


@pytest.mark.usefixtures("broken_service")
async def test_only_what_went_wrong_on_our_side_is_logged_as_an_error(
    production: GraphQLClient, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    # Refusals are answers to what the client sent; at ERROR anyone could flood the error log.
    refused = ["{ me { email ", "{ me { nickname } }", BIDS, TOO_DEEP, aliases(31)]
    with caplog.at_level(logging.INFO):
        for query in refused:
            assert (await production.post(query)).json()["errors"]
    assert [record for record in caplog.records if record.levelno >= logging.ERROR] == []
    assert len([record for record in caplog.records if record.name == "shopwatch.api.refusals"]) >= 5
    caplog.clear()
    await production.post(BIDS, token=world.admin_token)
    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert len(errors) == 1
    assert "secret internals" in errors[0].getMessage()


async def test_production_still_explains_what_the_user_did_wrong(
    production: GraphQLClient, world: World
) -> None:
    assert await production.errors(BIDS) == ["Log in to see this."]
    assert any("Syntax Error" in message for message in await production.errors("{ me { email "))
    assert any("nickname" in message for message in await production.errors("{ me { nickname } }"))
    denied = await production.execute(CREATE_BID, token=world.token(Role.BID_MANAGER))
    assert denied["createBid"]["__typename"] == "PermissionDenied"
    assert denied["createBid"]["message"] != MASKED
    assert not await Bid.exists(slug="kingsbridge")


# --- limits in every mode -----------------------------------------------------------------------


async def test_a_query_too_deep_is_refused(any_mode: GraphQLClient, world: World) -> None:
    body = await error_response(any_mode, TOO_DEEP, world.admin_token)
    assert body.get("data") is None
    assert any("depth" in error["message"] for error in body["errors"])


async def test_too_many_aliases_are_refused(any_mode: GraphQLClient, world: World) -> None:
    body = await error_response(any_mode, aliases(31), world.admin_token)
    assert body.get("data") is None
    assert any("aliases" in error["message"] for error in body["errors"])


async def test_thirty_aliases_are_fine(any_mode: GraphQLClient, world: World) -> None:
    data = await any_mode.execute(aliases(30), token=world.admin_token)
    assert len(data) == 30
    assert data["a29"] == {"email": "admin@example.org"}


async def test_a_huge_document_is_refused(any_mode: GraphQLClient, world: World) -> None:
    huge = "{ me { " + "email " * 2100 + "} }"
    body = await error_response(any_mode, huge, world.admin_token)
    assert body.get("data") is None
    assert any("more than 2000 tokens" in error["message"] for error in body["errors"])
