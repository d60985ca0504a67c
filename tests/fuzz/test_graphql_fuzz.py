"""schemathesis against `/graphql` as every role: queries and mutations generated from the schema,
valid ones and deliberately invalid ones, sent to the production app over ASGI.

Nothing may answer 5xx, and no body may carry a traceback, a source path, a database driver's name
or the masked stand-in for an internal error ("Something went wrong..."): each of those is a bug.

`SHOPWATCH_FUZZ_EXAMPLES` sets the requests per role (default 3,000).
"""

from __future__ import annotations

import asyncio
import os
import time
from typing import Any

import httpx
import schemathesis
from hypothesis import given, seed
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.graphql import nodes

from shopwatch.accounts.models import Role
from shopwatch.api.schema import build_sdl
from shopwatch.settings import Settings
from tests.fuzz.hostile import IDS, LONE_SURROGATE
from tests.fuzz.seeding import seed_known_ids
from tests.fuzz.support import (
    Blocking,
    against_the_app,
    assert_answered_cleanly,
    production_client,
    run_in_thread,
)
from tests.support.world import World

EXAMPLES = int(os.environ.get("SHOPWATCH_FUZZ_EXAMPLES", "3000"))
ROLES: dict[str, Role | None] = {
    "anonymous": None,
    "shop-staff": Role.SHOP_STAFF,
    "bid-manager": Role.BID_MANAGER,
    "police": Role.POLICE,
    "admin": Role.ADMIN,
}

# `logout` would end the session the rest of the run is meant to use; it takes no input to fuzz.
SCHEMA = schemathesis.graphql.from_file(build_sdl()).exclude(name="Mutation.logout")


def register_scalars(known_ids: list[str]) -> None:
    """IDs: mostly ones that exist (so resolvers get past the lookup), some malformed, oversized or
    of another kind, some arbitrary text (lone surrogates left to tests/fuzz/test_input_fuzz.py:
    a literal cannot carry one). schemathesis sends JSON only, so an Upload is a literal in its
    place, which must be refused cleanly (tests/fuzz/test_upload_fuzz.py sends real files)."""
    ids = st.one_of(st.sampled_from(known_ids), IDS.filter(lambda text: not LONE_SURROGATE.search(text)))
    schemathesis.graphql.scalar("ID", ids.map(nodes.String))
    schemathesis.graphql.scalar("Upload", st.text(max_size=20).map(nodes.String))


async def test_generated_requests_never_fail_on_the_server(settings: Settings, world: World) -> None:
    """Each generated request is sent once as every role: the same number of requests per role as
    generating for each role apart, in half the time (generating costs as much as answering)."""
    tokens = {name: world.token(role) for name, role in ROLES.items()}
    register_scalars(await seed_known_ids(world))
    cases = st.one_of(SCHEMA.as_strategy(), SCHEMA.as_strategy(generation_mode=GenerationMode.NEGATIVE))
    blocking = Blocking(asyncio.get_running_loop())
    sent = dict.fromkeys(ROLES, 0)

    async with production_client(settings) as http:

        def post_as(role_name: str, query: str) -> httpx.Response:
            token = tokens[role_name]
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            return blocking(http.post("/graphql", json={"query": query}, headers=headers))

        @seed(20261201)
        @against_the_app(EXAMPLES)
        @given(case=cases)
        def server_answers_cleanly(case: Any) -> None:
            for role_name in ROLES:
                sent[role_name] += 1
                assert_answered_cleanly(post_as(role_name, case.body), (role_name, case.body))

        started = time.monotonic()
        await run_in_thread(server_answers_cleanly)
    print(f"fuzz: {sent} requests in {time.monotonic() - started:.1f} s")
    assert min(sent.values()) >= EXAMPLES
