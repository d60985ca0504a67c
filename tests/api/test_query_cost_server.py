"""The cost limit under a real `shopwatch serve` process: while clients send the dearest queries
the budget allows (and the review's, which it refuses), every `me` sent alongside is answered, and
every expensive query is answered whole or stopped cleanly. Counts only: timing is in
bench/expensive_query_vs_me.py."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from graphql import parse

from shopwatch.accounts.models import Role
from shopwatch.api.cost import QUERY_BUDGET, query_cost
from shopwatch.api.execution import time_limit_message
from shopwatch.api.library_internals import graphql_schema
from shopwatch.api.schema import build_schema
from shopwatch.incidents.models import Incident, IncidentKind
from shopwatch.offenders.models import Offender, OffenderLink
from shopwatch.settings import DEFAULT_QUERY_TIME_LIMIT
from tests.api.test_query_cost import reviewers_query
from tests.faults.servers import Server, server_env
from tests.support.world import World

OFFENDERS = 100  # as many as the largest page the budget allows
INCIDENTS_EACH = 4
EXPENSIVE_CLIENTS = 3
EXPENSIVE_EACH = 3
ME_REQUESTS = 40
ME_QUERY = "{ me { email memberships { role } } }"
# Offenders, their incidents, and those incidents' shops and offenders, with as many offenders (the
# outer page) as the budget allows.
EXPENSIVE = """query Expensive($bid: ID!) { offenders(bidId: $bid, first: OUTER) { edges { node {
  id displayName status incidentCount thumbnailUrl
  incidents(first: 4) { edges { node { id kind description occurredAt shop { name address }
    offenders { id displayName status } photos { thumbnailUrl } } } } } } } }"""


async def seed_gallery(world: World) -> None:
    start = datetime(2026, 10, 1, tzinfo=UTC)
    incidents = [
        await Incident.create(
            client_id=uuid.uuid4(),
            bid=world.home.bid,
            shop=world.home.shops[n % 2],
            kind=IncidentKind.THEFT,
            occurred_at=start + timedelta(hours=n),
            reported_at=start + timedelta(hours=n),
            description=f"incident {n}",
        )
        for n in range(OFFENDERS)
    ]
    offenders = [
        await Offender.create(bid=world.home.bid, display_name=f"Offender {n}") for n in range(OFFENDERS)
    ]
    await OffenderLink.bulk_create(
        [
            OffenderLink(offender=offender, incident=incidents[(n + k) % OFFENDERS])
            for n, offender in enumerate(offenders)
            for k in range(INCIDENTS_EACH)
        ]
    )


async def test_expensive_queries_are_answered_or_refused_and_me_is_answered_throughout(
    tmp_path: Path, database: str, world: World
) -> None:
    schema = graphql_schema(build_schema(production=True))
    variables = {"bid": world.home.bid_id}
    costs = {
        outer: query_cost(schema, parse(EXPENSIVE.replace("OUTER", str(outer))), None, variables)
        for outer in range(1, 101)
    }
    outer = max(first for first, cost in costs.items() if cost <= QUERY_BUDGET)
    expensive = EXPENSIVE.replace("OUTER", str(outer))
    await seed_gallery(world)
    manager = world.token(Role.BID_MANAGER) or ""
    server = Server(server_env(tmp_path / "var", database), tmp_path / "server.log", "--no-worker")
    await server.start()
    try:
        async with httpx.AsyncClient(
            base_url=server.base_url, headers={"Authorization": f"Bearer {manager}"}, timeout=60
        ) as client:

            async def post(query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
                response = await client.post("/graphql", json={"query": query, "variables": variables or {}})
                assert response.status_code == 200, response.text
                body: dict[str, Any] = response.json()
                return body

            async def expensive_client() -> list[dict[str, Any]]:
                return [await post(expensive, variables) for _ in range(EXPENSIVE_EACH)]

            async def me_client() -> list[dict[str, Any]]:
                answers = []
                for _ in range(ME_REQUESTS):
                    answers.append(await post(ME_QUERY))
                    await asyncio.sleep(0.01)
                return answers

            refused, *results = await asyncio.gather(
                post(reviewers_query(world.home.bid_id)),
                me_client(),
                *(expensive_client() for _ in range(EXPENSIVE_CLIENTS)),
            )
    finally:
        server.stop()

    assert refused["data"] is None
    assert [error["extensions"]["budget"] for error in refused["errors"]] == [QUERY_BUDGET]
    me_answers, *expensive = results
    expected_me = {"me": {"email": "bid_manager@home.example.org", "memberships": [{"role": "BID_MANAGER"}]}}
    assert me_answers == [{"data": expected_me}] * ME_REQUESTS
    answers = [answer for batch in expensive for answer in batch]
    assert len(answers) == EXPENSIVE_CLIENTS * EXPENSIVE_EACH
    whole = [answer for answer in answers if "errors" not in answer]
    stopped = [answer for answer in answers if "errors" in answer]
    stopped_error = [{"message": time_limit_message(DEFAULT_QUERY_TIME_LIMIT)}]
    assert all(answer["errors"] == stopped_error for answer in stopped), stopped
    for answer in whole:
        edges = answer["data"]["offenders"]["edges"]
        assert len(edges) == outer
        assert all(len(edge["node"]["incidents"]["edges"]) == INCIDENTS_EACH for edge in edges)
    assert "Traceback" not in server.log()
