"""Every root field, called with variables a hostile client would send: malformed, oversized and
foreign cursors and IDs, and text holding NUL characters or lone UTF-16 surrogates (which
schemathesis, writing values into the query, never sends), as every role of the production app.

Nothing may answer 5xx or leak; a request holding a NUL or a lone surrogate anywhere is refused with
400 naming where. `SHOPWATCH_FUZZ_INPUT_EXAMPLES` sets the requests (default 600).
"""

from __future__ import annotations

import asyncio
import json
import os
from typing import Any

import graphql
import httpx
from hypothesis import given, seed
from hypothesis import strategies as st

from shopwatch.accounts.models import Role
from shopwatch.api.schema import build_sdl
from shopwatch.settings import Settings
from tests.fuzz.hostile import has_unusable_text, operations, variables_for
from tests.fuzz.seeding import seed_known_ids
from tests.fuzz.support import (
    Blocking,
    against_the_app,
    assert_answered_cleanly,
    production_client,
    run_in_thread,
)
from tests.support.world import World

EXAMPLES = int(os.environ.get("SHOPWATCH_FUZZ_INPUT_EXAMPLES", "600"))
ROLES = [None, Role.SHOP_STAFF, Role.BID_MANAGER, Role.POLICE, Role.ADMIN]
UNUSABLE_TEXT = ("contains a NUL character", "contains a lone UTF-16 surrogate")
# `logout` would end the session the rest of the run is meant to use; it takes no input.
OPERATIONS = operations(graphql.build_schema(build_sdl()), excluded={"Mutation.logout"})
# A nested connection, whose `after` no root field reaches.
OPERATIONS.append(
    (
        "Offender.incidents",
        "query ($id: ID!, $first: Int, $after: String) { offender(id: $id) "
        "{ incidents(first: $first, after: $after) { edges { cursor } } } }",
        {
            "id": graphql.GraphQLArgument(graphql.GraphQLNonNull(graphql.GraphQLID)),
            "first": graphql.GraphQLArgument(graphql.GraphQLInt),
            "after": graphql.GraphQLArgument(graphql.GraphQLString),
        },
    )
)


def requests(known_ids: list[str]) -> st.SearchStrategy[tuple[str, str, dict[str, Any]]]:
    def with_variables(operation: tuple[str, str, dict[str, Any]]) -> st.SearchStrategy:
        name, document, arguments = operation
        return variables_for(arguments, known_ids).map(lambda values: (name, document, values))

    return st.sampled_from(OPERATIONS).flatmap(with_variables)


async def test_hostile_variables_never_fail_on_the_server(settings: Settings, world: World) -> None:
    known_ids = await seed_known_ids(world)
    tokens = [world.token(role) for role in ROLES]
    blocking = Blocking(asyncio.get_running_loop())
    refused = 0

    async with production_client(settings) as http:

        def post(token: str | None, document: str, variables: dict[str, Any]) -> httpx.Response:
            headers = {"Content-Type": "application/json"}
            if token:
                headers["Authorization"] = f"Bearer {token}"
            # Every non-ASCII character escaped, so a lone surrogate can be sent at all.
            body = json.dumps({"query": document, "variables": variables})
            return blocking(http.post("/graphql", content=body, headers=headers))

        @seed(20261214)
        @against_the_app(EXAMPLES)
        @given(request=requests(known_ids), token=st.sampled_from(tokens))
        def answered_cleanly(request: tuple[str, str, dict[str, Any]], token: str | None) -> None:
            nonlocal refused
            name, document, variables = request
            response = post(token, document, variables)
            assert_answered_cleanly(response, (name, variables))
            unusable = has_unusable_text(variables)
            refused_for_text = response.status_code == 400 and any(
                reason in response.text for reason in UNUSABLE_TEXT
            )
            assert unusable == refused_for_text, (name, variables, response.text)
            refused += unusable

        await run_in_thread(answered_cleanly)
    print(f"fuzz: {EXAMPLES} requests with hostile variables, {refused} refused for their text")
    assert refused > 0
