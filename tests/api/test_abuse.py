"""Abusive requests to `/graphql`, one test each: every one is refused with a clear message in
`errors[].message`, an HTTP status of 200 or 4xx, and no internal text, in production settings and,
where the two differ, in development too."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
import pytest

from shopwatch.places.models import Bid
from tests.support.graphql import GraphQLClient
from tests.support.world import World

# What a response must never show: exception names, source paths, database drivers, SQL, or the
# masked stand-in for an internal error (which means a bug was hit).
INTERNAL = (
    "Traceback",
    'File "',
    ".py",
    "tortoise",
    "asyncpg",
    "sqlite",
    "Exception",
    "SELECT ",
    "Something went wrong",
)
CREATE_BID = 'mutation { createBid(input: {name: "Batched BID", slug: "batched"}) { __typename } }'


def refusal(response: httpx.Response, status: int = 200) -> list[str]:
    """The error messages of a clean refusal: the status expected, JSON errors, nothing internal."""
    assert response.status_code == status, response.text
    for internal in INTERNAL:
        assert internal not in response.text, response.text[:500]
    body: dict[str, Any] = response.json()
    assert body.get("data") is None, body
    messages = [error["message"] for error in body["errors"]]
    assert messages and all(messages), body
    return messages


def bearer(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token else {}


# --- size and shape of the document -------------------------------------------------------------


async def test_a_query_too_deep_is_refused(any_mode: GraphQLClient, world: World) -> None:
    deep = "{ me { memberships { bid { shops { a { b { c { d { e { f { g { h } } } } } } } } } } } }"
    messages = refusal(await any_mode.post(deep, token=world.admin_token))
    assert "'anonymous' exceeds maximum operation depth of 10" in messages


async def test_too_many_aliases_are_refused(any_mode: GraphQLClient, world: World) -> None:
    query = "{ " + " ".join(f"a{n}: me {{ email }}" for n in range(31)) + " }"
    assert refusal(await any_mode.post(query, token=world.admin_token)) == ["31 aliases found. Allowed: 30"]


async def test_too_many_tokens_are_refused(any_mode: GraphQLClient, world: World) -> None:
    query = "{ me { " + "email " * 2100 + "} }"
    messages = refusal(await any_mode.post(query, token=world.admin_token))
    assert messages == ["Syntax Error: Document contains more than 2000 tokens. Parsing aborted."]


async def test_ten_thousand_fields_of_one_name_are_refused(any_mode: GraphQLClient, world: World) -> None:
    query = "{ " + "bids { slug } " * 10_000 + "}"
    messages = refusal(await any_mode.post(query, token=world.admin_token))
    assert messages == ["Syntax Error: Document contains more than 2000 tokens. Parsing aborted."]


async def test_as_many_fields_of_one_name_as_the_tokens_allow_are_refused_quickly(
    any_mode: GraphQLClient, world: World
) -> None:
    # Comparing every pair of same-named fields is quadratic; graphql-core stops at its budget.
    query = "{ " + "__typename " * 1990 + "}"
    started = time.monotonic()
    messages = refusal(await any_mode.post(query, token=world.admin_token))
    assert time.monotonic() - started < 3
    assert messages == ["Validation aborted."]


async def test_deeply_nested_fragments_count_towards_the_depth(any_mode: GraphQLClient, world: World) -> None:
    # Each fragment adds two levels; the depth limit follows the spreads.
    fragments = (
        " ".join(f"fragment F{n} on Bid {{ shops {{ bid {{ ...F{n + 1} }} }} }}" for n in range(8))
        + " fragment F8 on Bid { slug }"
    )
    query = "{ bids { ...F0 } } " + fragments
    messages = refusal(await any_mode.post(query, token=world.admin_token))
    assert any("exceeds maximum operation depth of 10" in message for message in messages)


async def test_a_long_chain_of_fragments_is_refused(any_mode: GraphQLClient, world: World) -> None:
    chain = " ".join(f"fragment F{n} on Query {{ ...F{n + 1} }}" for n in range(400))
    query = "{ ...F0 } " + chain + " fragment F400 on Query { __typename }"
    messages = refusal(await any_mode.post(query, token=world.admin_token))
    assert messages == ["Syntax Error: Document contains more than 2000 tokens. Parsing aborted."]


async def test_a_fragment_cycle_is_refused(any_mode: GraphQLClient, world: World) -> None:
    query = "{ ...A } fragment A on Query { bids { slug } ...B } fragment B on Query { ...A }"
    messages = refusal(await any_mode.post(query, token=world.admin_token))
    assert messages == ["Cannot spread fragment 'A' within itself via 'B'."]


@pytest.mark.parametrize(
    "query",
    [
        "{ " + "me { " * 660 + "email" + " }" * 660 + " }",
        "{ " + "... on Query { " * 660 + "__typename" + " }" * 660 + " }",
        "{ incidents(filter: {kinds: " + "[" * 995 + "]" * 995 + "}) { edges { cursor } } }",
        "{ incidents(filter: " + "{a: " * 660 + "1" + "}" * 660 + ") { edges { cursor } } }",
    ],
    ids=["selections", "inline-fragments", "list-literal", "object-literal"],
)
async def test_a_document_nested_past_the_parser_limit_is_refused(
    any_mode: GraphQLClient, world: World, query: str
) -> None:
    messages = refusal(await any_mode.post(query, token=world.admin_token))
    assert messages == ["Syntax Error: Document is nested too deeply. Parsing aborted."]


async def test_a_huge_string_literal_is_answered_cleanly(any_mode: GraphQLClient) -> None:
    # One token, so the token limit lets it through; the body limit (1 MB) is what bounds it.
    slug = "a" * 900_000
    query = f'{{ publicSummary(bidSlug: "{slug}", from: "2026-01-01", to: "2026-01-31") {{ bidName }} }}'
    response = await any_mode.post(query)
    assert response.status_code == 200
    assert response.json() == {"data": {"publicSummary": None}}


# --- limits on what is asked for ----------------------------------------------------------------


@pytest.mark.parametrize("first", [101, 1000, 0, -1])
async def test_first_outside_1_to_100_is_refused(any_mode: GraphQLClient, world: World, first: int) -> None:
    query = f"{{ incidents(first: {first}) {{ edges {{ cursor }} }} }}"
    messages = refusal(await any_mode.post(query, token=world.admin_token))
    assert messages == ["`first` must be between 1 and 100."]


async def test_introspection_is_refused_in_production(production: GraphQLClient, world: World) -> None:
    for query in ("{ __schema { queryType { name } } }", '{ __type(name: "Incident") { name } }'):
        messages = refusal(await production.post(query, token=world.admin_token))
        assert any("introspection has been disabled" in message for message in messages)


MISSPELT = {
    "field": ("{ me { emial } }", "Cannot query field 'emial' on type 'User'."),
    "argument": (
        "{ incidents(frist: 3) { edges { cursor } } }",
        "Unknown argument 'frist' on field 'Query.incidents'.",
    ),
    "type": ("query ($f: IncidentFiltr) { incidents(filter: $f) { edges { cursor } } }", None),
    "enum value": (
        "{ incidents(filter: {kinds: [THEF]}) { edges { cursor } } }",
        "Value 'THEF' does not exist in 'IncidentKind' enum.",
    ),
    "input field": ('{ incidents(filter: {bidid: "x"}) { edges { cursor } } }', None),
}


@pytest.mark.parametrize("query, message", MISSPELT.values(), ids=MISSPELT.keys())
async def test_production_gives_no_field_suggestions(
    production: GraphQLClient, development: GraphQLClient, world: World, query: str, message: str | None
) -> None:
    hidden = refusal(await production.post(query, token=world.admin_token))
    assert not any("Did you mean" in text for text in hidden), hidden
    if message:
        assert message in hidden
    # The same mistake in development does get the hint, so the test shows it really is removed.
    shown = refusal(await development.post(query, token=world.admin_token))
    assert any("Did you mean" in text for text in shown), shown


async def test_production_gives_no_suggestions_for_variables(production: GraphQLClient, world: World) -> None:
    query = "query ($k: [IncidentKind!]) { incidents(filter: {kinds: $k}) { edges { cursor } } }"
    response = await production.http.post(
        "/graphql", json={"query": query, "variables": {"k": ["THEF"]}}, headers=bearer(world.admin_token)
    )
    messages = refusal(response)
    assert not any("Did you mean" in message for message in messages), messages
    assert any("'THEF'" in message for message in messages)


# --- the HTTP request itself --------------------------------------------------------------------


async def test_a_batched_request_is_refused_and_runs_nothing(any_mode: GraphQLClient, world: World) -> None:
    response = await any_mode.http.post(
        "/graphql",
        json=[{"query": CREATE_BID}, {"query": "{ me { email } }"}],
        headers=bearer(world.admin_token),
    )
    assert refusal(response, 400) == ["Batching is not enabled"]
    assert not await Bid.exists(slug="batched")


@pytest.mark.parametrize(
    "body",
    [b'{"query": "{ me { email } }\xff"}', b"\xff\xfe\x00", b'{"query": "{ me { email } }"'],
    ids=["invalid-utf8", "utf16-fragment", "truncated"],
)
async def test_a_body_that_is_not_json_in_utf8_is_refused(any_mode: GraphQLClient, body: bytes) -> None:
    response = await any_mode.http.post(
        "/graphql", content=body, headers={"Content-Type": "application/json"}
    )
    assert refusal(response, 400) == ["The request body is not valid JSON in UTF-8."]


async def test_json_nested_past_the_recursion_limit_is_refused(any_mode: GraphQLClient) -> None:
    nested = b'{"query": "{ __typename }", "variables": {"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}}"
    response = await any_mode.http.post(
        "/graphql", content=nested, headers={"Content-Type": "application/json"}
    )
    assert refusal(response, 400) == ["The request body is not valid JSON in UTF-8."]


@pytest.mark.parametrize("body", ['"{ me { email } }"', "42", "null", "true"])
async def test_json_that_is_not_an_object_is_refused(any_mode: GraphQLClient, body: str) -> None:
    response = await any_mode.http.post(
        "/graphql", content=body, headers={"Content-Type": "application/json"}
    )
    assert refusal(response, 400) == ["The request body must be a JSON object with a `query`."]


@pytest.mark.parametrize("content_type", ["text/plain", "application/xml", "application/graphql", None])
async def test_a_wrong_content_type_is_refused(
    any_mode: GraphQLClient, world: World, content_type: str | None
) -> None:
    # With a bearer token the cross-site guard lets any content type through; the view refuses it.
    headers = bearer(world.admin_token) | ({"Content-Type": content_type} if content_type else {})
    response = await any_mode.http.post(
        "/graphql", content=json.dumps({"query": CREATE_BID}), headers=headers
    )
    assert refusal(response, 400) == ["Unsupported content type"]
    assert not await Bid.exists(slug="batched")


async def test_get_queries_are_off(any_mode: GraphQLClient, world: World) -> None:
    for query, kind in (("{ me { email } }", "queries"), (CREATE_BID, "mutations")):
        response = await any_mode.http.get(
            "/graphql", params={"query": query}, headers=bearer(world.admin_token)
        )
        assert refusal(response, 400) == [f"{kind} are not allowed when using GET"]
    assert not await Bid.exists(slug="batched")


@pytest.mark.parametrize(
    "body, message",
    [
        ({}, "No GraphQL query found in the request"),
        ({"query": 5}, "The GraphQL operation's `query` must be a string or null, if provided."),
        (
            {"query": "{ __typename }", "variables": [1]},
            "The GraphQL operation's `variables` must be an object or null, if provided.",
        ),
        ({"query": "query A { __typename }", "operationName": "B"}, 'Unknown operation named "B".'),
    ],
    ids=["no-query", "query-not-a-string", "variables-not-an-object", "unknown-operation"],
)
async def test_a_malformed_request_is_refused(any_mode: GraphQLClient, body: object, message: str) -> None:
    response = await any_mode.http.post("/graphql", json=body)
    assert refusal(response, 400) == [message]
