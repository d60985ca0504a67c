"""The cost limit: a query's cost is worked out before it runs and one over the budget is refused;
a query running past the time limit is stopped; long work hands the event loop to others."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import re
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from graphql import GraphQLList, GraphQLNonNull, get_named_type, parse, validate

from shopwatch.accounts.models import Role
from shopwatch.api import slices
from shopwatch.api.cost import (
    COSTLY,
    LIST_SIZES,
    OWN_STATEMENTS,
    QUERY_BUDGET,
    STATEMENT_COST,
    cheap_requests_running,
    costly_query_slots,
    query_cost,
)
from shopwatch.api.schema import build_schema
from shopwatch.incidents.models import Incident, IncidentKind
from shopwatch.offenders.models import Offender, OffenderLink
from shopwatch.settings import DEVELOPMENT, PRODUCTION, Settings
from tests.api.conftest import client, mode_settings
from tests.api.test_abuse import refusal
from tests.support.graphql import GraphQLClient
from tests.support.world import World

FRONTEND_JS = Path(__file__).resolve().parents[2] / "frontend" / "js"
SCHEMA = build_schema(production=False)
GRAPHQL_SCHEMA = SCHEMA._schema


def reviewers_query(bid_id: str, aliases: int = 30) -> str:
    """The outside review's query: offenders, their incidents, those incidents' offenders and
    theirs, 100 to a page, under as many aliases as allowed."""
    block = (
        'offenders(bidId: "{bid}", first: 100) {{ edges {{ node {{ id displayName '
        "incidents(first: 100) {{ edges {{ node {{ id description offenders {{ id "
        "incidents(first: 100) {{ edges {{ node {{ id description }} }} }} }} }} }} }} }} }} }}"
    )
    return "{ " + " ".join(f"a{n}: " + block.format(bid=bid_id) for n in range(aliases)) + " }"


def cost_of(query: str, variables: dict[str, object] | None = None) -> int:
    document = parse(query)
    assert validate(GRAPHQL_SCHEMA, document) == []
    return query_cost(GRAPHQL_SCHEMA, document, None, variables)


# --- refusals --------------------------------------------------------------------------------------


async def test_the_reviewers_query_is_refused_naming_the_budget_and_its_cost(
    any_mode: GraphQLClient, world: World
) -> None:
    query = reviewers_query(world.home.bid_id)
    # Within the depth, alias and token limits: only its cost is refused.
    messages = refusal(await any_mode.post(query, token=world.admin_token))
    cost = cost_of(query)
    assert messages == [
        f"This query would cost {cost:,} against the budget of {QUERY_BUDGET:,} per request; "
        "ask for smaller pages (`first`) or fewer nested lists."
    ]
    assert cost > 1_000 * QUERY_BUDGET


async def test_one_alias_of_it_is_refused_too(any_mode: GraphQLClient, world: World) -> None:
    messages = refusal(
        await any_mode.post(reviewers_query(world.home.bid_id, aliases=1), token=world.admin_token)
    )
    assert f"budget of {QUERY_BUDGET:,}" in messages[0]


async def test_first_given_by_a_variable_counts_by_its_value(gql: GraphQLClient, world: World) -> None:
    query = """query Nested($outer: Int, $inner: Int) {
      offenders(bidId: "BID", first: $outer) { edges { node { id
        incidents(first: $inner) { edges { node { id kind } } } } } }
    }""".replace("BID", world.home.bid_id)
    small = {"outer": 5, "inner": 5}
    large = {"outer": 100, "inner": 100}
    assert cost_of(query, small) < QUERY_BUDGET < cost_of(query, large)
    assert await gql.execute(query, small, token=world.admin_token) == {"offenders": {"edges": []}}
    messages = await gql.errors(query, large, token=world.admin_token)
    assert messages == [
        f"This query would cost {cost_of(query, large):,} against the budget of {QUERY_BUDGET:,} per "
        "request; ask for smaller pages (`first`) or fewer nested lists."
    ]


def test_a_variable_left_out_counts_as_its_default_or_the_default_page() -> None:
    query = "query($n: Int = %s) { incidents(first: $n) { edges { node { id } } } }"
    assert cost_of(query % 100) == cost_of("{ incidents(first: 100) { edges { node { id } } } }")
    assert cost_of("query($n: Int) { incidents(first: $n) { edges { node { id } } } }") == cost_of(
        "{ incidents { edges { node { id } } } }"
    )
    # `first` the resolver refuses (out of range, not a number) counts as the largest page.
    assert cost_of(query % 100) == cost_of("{ incidents(first: 100) { edges { node { id } } } }", None)
    huge = cost_of("query($n: Int) { incidents(first: $n) { edges { node { id } } } }", {"n": 10**9})
    assert huge == cost_of(query % 100)


def test_fragments_and_inline_fragments_cost_what_the_fields_they_hold_cost() -> None:
    plain = "{ incidents(first: 50) { edges { node { id kind shop { name } offenders { id } } } } }"
    with_fragments = """
      { incidents(first: 50) { edges { node { ...Parts } } } }
      fragment Parts on Incident { id ... on Incident { kind shop { ...ShopName } } offenders { id } }
      fragment ShopName on Shop { name }
    """
    assert cost_of(with_fragments) == cost_of(plain)
    assert cost_of(plain) > 50 * 5


def test_a_fragment_spread_twice_counts_twice() -> None:
    once = "{ incidents(first: 40) { edges { node { ...F } } } } fragment F on Incident { id kind }"
    twice = "{ a: incidents(first: 40) { edges { node { ...F } } } b: incidents(first: 40) { edges { node { ...F } } } } fragment F on Incident { id kind }"  # noqa: E501
    assert cost_of(twice) == 2 * cost_of(once)


def test_an_area_summary_per_bid_queues_one_summary_at_a_time() -> None:
    fields = "totalIncidents byKind { kind count }"
    period = 'from: "2026-01-01", to: "2026-12-31"'
    one = cost_of(f'{{ areaSummary(bidId: "x", {period}) {{ {fields} }} }}')
    twenty = cost_of(f"{{ areaSummaries(bidIds: [], {period}) {{ {fields} }} }}")
    assert twenty < 2 * one < QUERY_BUDGET
    aliased = (
        "{ "
        + " ".join(
            f'a{n}: areaSummary(bidId: "x", from: "2026-01-01", to: "2026-12-31") {{ {fields} }}'
            for n in range(4)
        )
        + " }"
    )
    assert cost_of(aliased) > QUERY_BUDGET  # at once, their statements would queue together


def test_nested_pages_multiply() -> None:
    outer = '{ offenders(bidId: "x", first: 10) { edges { node { id } } } }'
    nested = '{ offenders(bidId: "x", first: 10) { edges { node { id incidents(first: 10) { edges { node { id } } } } } } }'  # noqa: E501
    assert cost_of(nested) > 10 * 10 * 2 + cost_of(outer)


def test_a_page_below_a_list_is_one_statement_for_all_its_parents() -> None:
    # The request's loader answers every offender's page in one statement (api/loaders.py).
    def added_by_their_incidents(outer: int) -> int:
        listing = '{ offenders(bidId: "x", first: %d) { edges { node { id %s } } } }'
        incidents = "incidents(first: 3) { edges { node { id } } }"
        return cost_of(listing % (outer, incidents)) - cost_of(listing % (outer, ""))

    assert added_by_their_incidents(5) >= STATEMENT_COST
    assert added_by_their_incidents(50) - added_by_their_incidents(5) < STATEMENT_COST


# --- what the app itself asks ----------------------------------------------------------------------


def pwa_operations() -> dict[str, str]:
    """Every GraphQL document in the PWA's modules, with `${NAME}` filled in from the module's
    string constants or those another module exports, named by file and position."""
    found: dict[str, str] = {}
    sources = {path: path.read_text() for path in sorted(FRONTEND_JS.rglob("*.js"))}
    exported = {
        name: backticked or quoted
        for source in sources.values()
        for name, backticked, quoted in re.findall(r'export const (\w+) = (?:`([^`]*)`|"([^"]*)")', source)
    }
    for path, source in sources.items():
        constants = {**exported, **dict(re.findall(r"const (\w+) = `([^`]*)`", source))}
        literals = re.findall(r"`([^`]*)`|\"((?:query|mutation|\{)[^\"]*)\"", source)
        for index, (template, quoted) in enumerate(literals):
            text = template or quoted
            if "{" not in text or not re.match(r"\s*(query\b|mutation\b|\{\s*\w+\s*[({])", text):
                continue
            filled = re.sub(r"\$\{(\w+)\}", lambda match, known=constants: known[match.group(1)], text)
            found[f"{path.relative_to(FRONTEND_JS)}#{index}"] = filled
    return found


def test_every_query_the_app_sends_is_within_the_budget() -> None:
    operations = pwa_operations()
    assert len(operations) >= 12, sorted(operations)  # login, me, reports, incident, gallery, dashboard...
    costs = {}
    for name, text in operations.items():
        document = parse(text)
        assert validate(GRAPHQL_SCHEMA, document) == [], (name, text)
        costs[name] = query_cost(GRAPHQL_SCHEMA, document)
    over = {name: cost for name, cost in costs.items() if cost > QUERY_BUDGET}
    assert not over, over


# The shapes the API contract names for its clients (README, schema.graphql), at full page size.
CONTRACT_QUERIES = {
    "bids": "{ bids { id name slug shops { id name } } }",
    "me": "{ me { id email name memberships { role bid { id name } shop { id name } } } }",
    "incidents": """{ incidents(first: 100) { edges { cursor node { id clientId kind occurredAt reportedAt
        shop { id name } description valueStolenPence policeReference vehicleRegistration
        offenders { id displayName } photos { id url thumbnailUrl originalUrl width height sha256 } } }
        pageInfo { hasNextPage endCursor } } }""",
    "offenders": """{ offenders(bidId: "x", first: 100) { edges { node { id displayName description status
        incidentCount lastSeenAt exclusion { startsOn endsOn } } } pageInfo { hasNextPage endCursor } } }""",
    "alerts": """{ alerts(first: 100) { edges { node { id rule createdAt summary offender { id displayName }
        shop { id name } emailedTo } } pageInfo { hasNextPage endCursor } } }""",
    # The offender page.
    "offender": """{ offender(id: "x") { id displayName description status lastSeenAt incidentCount
        photos { id url thumbnailUrl originalUrl }
        exclusions { id startsOn endsOn reason inForce endedAt endReason }
        incidents(first: 20) { edges { node { id kind occurredAt shop { id name } } }
            pageInfo { hasNextPage endCursor } }
        alerts(first: 20) { edges { node { id rule createdAt summary } } pageInfo { hasNextPage endCursor } }
        possibleDuplicates { id displayName status thumbnailUrl } } }""",
    # The incident page a manager works a case from.
    "incident": """{ incident(id: "x") { id kind status occurredAt description policeReference
        shop { id name } reporter { id name } photos { id thumbnailUrl url originalUrl }
        offenders { id displayName thumbnailUrl }
        possibleOffenders { reason offender { id displayName thumbnailUrl } }
        history { previousStatus status note changedAt changedBy { id name } } } }""",
    "members": """{ members(bidId: "x", first: 100) { edges { node { id role createdAt
        user { id name email active memberships { role bid { id name } shop { id name } } }
        shop { id name closedAt } team { id name } } } pageInfo { hasNextPage endCursor } } }""",
    "invitations": """{ invitations(bidId: "x", first: 100) { edges { node { id email role expiresAt
        shop { id name } } } pageInfo { hasNextPage endCursor } } }""",
    "users": """{ users(first: 100, search: "a") { edges { node { id name email active
        memberships { id role createdAt bid { id name } shop { id name } team { id name } } } }
        pageInfo { hasNextPage endCursor } } }""",
    "auditEntries": """{ auditEntries(filter: {action: "shop.update"}, first: 100) { edges { node { id at
        actor action subject detail address actorUser { id name email } bid { id name } } }
        pageInfo { hasNextPage endCursor } } }""",
    "neighbourhoodTeams": "{ neighbourhoodTeams { id name email bids { id name slug } } }",
    "auditChain": "{ auditChain { intact entries firstBrokenId head message } }",
}


@pytest.mark.parametrize("name", sorted(CONTRACT_QUERIES))
def test_the_contracts_own_queries_are_within_the_budget(name: str) -> None:
    document = parse(CONTRACT_QUERIES[name])
    assert validate(GRAPHQL_SCHEMA, document) == []
    assert query_cost(GRAPHQL_SCHEMA, document) <= QUERY_BUDGET


def test_every_list_in_the_schema_has_a_size() -> None:
    """Each list is a connection's page (sized by `first`) or has a known or assumed size here."""
    unsized = []
    for type_name, named in GRAPHQL_SCHEMA.type_map.items():
        fields = getattr(named, "fields", None)
        if type_name.startswith("__") or not fields or not hasattr(named, "interfaces"):
            continue
        for field_name, field in fields.items():
            output = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
            if not isinstance(output, GraphQLList):
                continue
            is_page = type_name.endswith("Connection") and get_named_type(output).name.endswith("Edge")
            if not is_page and f"{type_name}.{field_name}" not in LIST_SIZES:
                unsized.append(f"{type_name}.{field_name}")
    assert unsized == []


def test_every_size_and_statement_count_names_a_field_of_the_schema() -> None:
    missing = []
    for key in [*LIST_SIZES, *OWN_STATEMENTS]:
        type_name, field_name = key.split(".")
        if field_name not in getattr(GRAPHQL_SCHEMA.type_map.get(type_name), "fields", {}):
            missing.append(key)
    assert missing == []


async def test_a_query_within_the_budget_is_answered(gql: GraphQLClient, world: World) -> None:
    offender = await Offender.create(bid=world.home.bid, display_name="Ann Example")
    for n in range(3):
        incident = await Incident.create(
            client_id=uuid.uuid4(),
            shop=world.home.shops[0],
            bid=world.home.bid,
            kind=IncidentKind.THEFT,
            occurred_at=datetime(2026, 11, n + 1, 10, tzinfo=UTC),
            reported_at=datetime(2026, 11, n + 1, 10, tzinfo=UTC),
            description=f"incident {n}",
        )
        await OffenderLink.create(incident=incident, offender=offender)
    query = (
        '{ offenders(bidId: "BID", first: 5) { edges { node { id displayName '
        "incidents(first: 2) { edges { node { id description offenders { id } } } } } } } }"
    ).replace("BID", world.home.bid_id)
    assert cost_of(query) <= QUERY_BUDGET
    data = await gql.execute(query, token=world.admin_token)
    offenders = data["offenders"]["edges"]
    assert [edge["node"]["displayName"] for edge in offenders] == ["Ann Example"]
    assert len(offenders[0]["node"]["incidents"]["edges"]) == 2


async def test_costly_queries_take_turns_and_cheap_ones_never_wait(gql: GraphQLClient, world: World) -> None:
    costly = (
        '{ offenders(bidId: "BID", first: 60) { edges { node { id '
        "incidents(first: 4) { edges { node { id shop { name } } } } } } } }"
    ).replace("BID", world.home.bid_id)
    me = "{ me { email } }"
    assert cost_of(me) < COSTLY <= cost_of(costly) <= QUERY_BUDGET
    token = world.token(Role.BID_MANAGER)
    async with costly_query_slots():  # another costly query is running
        waiting = asyncio.create_task(gql.execute(costly, token=token))
        assert (await gql.execute(me, token=token))["me"]["email"] == "bid_manager@home.example.org"
        await asyncio.sleep(0.05)
        assert not waiting.done()
    assert (await waiting)["offenders"]["edges"] == []


# --- time limit and pauses -------------------------------------------------------------------------


@pytest.mark.parametrize("mode", [DEVELOPMENT, PRODUCTION])
async def test_a_query_past_the_time_limit_is_stopped_and_the_next_request_is_answered(
    settings: Settings, world: World, mode: str
) -> None:
    query = "{ bids { name } incidents(first: 10) { edges { node { id shop { name } } } } }"
    # A limit already past when the query starts waiting: stopped at its first wait, whatever the
    # machine's speed (at 1 ms, a fast machine could finish first).
    no_time = dataclasses.replace(mode_settings(settings, mode), query_time_limit_seconds=1e-6)
    async with client(no_time) as gql:
        messages = refusal(await gql.post(query, token=world.admin_token))
    assert messages == ["This query ran past the time limit of 1e-06 s and was stopped; ask for less."]
    async with client(mode_settings(settings, mode)) as gql:
        data = await gql.execute(query, token=world.admin_token)
    assert sorted(bid["name"] for bid in data["bids"]) == ["Away BID", "Home BID"]


async def test_mutations_are_not_cut_by_the_time_limit(settings: Settings, world: World) -> None:
    # Stopping a change halfway could leave part of it done; mutations are bounded by their cost.
    async with client(dataclasses.replace(settings, query_time_limit_seconds=1e-6)) as gql:
        data = await gql.execute(
            'mutation { createShop(input: {bidId: "BID", name: "New Shop", address: "3 High Street", '
            'postcode: "MH1 1AA", latitude: 52.19, longitude: -1.70}) { __typename } }'.replace(
                "BID", world.home.bid_id
            ),
            token=world.admin_token,
        )
    assert data == {"createShop": {"__typename": "CreateShopSuccess"}}


async def test_long_work_hands_the_loop_to_others_and_answers_the_same(
    gql: GraphQLClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    query = "{ bids { name slug teams { name } } me { email memberships { role bid { name } } } }"
    expected = await gql.execute(query, token=world.admin_token)

    turns = 0
    stop = asyncio.Event()

    async def count_turns() -> None:
        nonlocal turns
        while not stop.is_set():
            turns += 1
            await asyncio.sleep(0)

    monkeypatch.setattr(slices, "YIELD_AFTER", 0.0)  # pause before every object
    ticker = asyncio.create_task(count_turns())
    before = turns
    paused = await gql.execute(query, token=world.admin_token)
    stop.set()
    await ticker
    assert paused == expected
    # Two BIDs and their teams, me, its membership and its BID: each object's fields waited a turn.
    assert turns - before >= 2 + 2 + 1 + 1 + 1


async def test_cheap_queries_are_counted_while_they_run_and_costly_ones_are_not(
    gql: GraphQLClient, world: World
) -> None:
    costly = (
        '{ offenders(bidId: "BID", first: 60) { edges { node { id '
        "incidents(first: 4) { edges { node { id shop { name } } } } } } } }"
    ).replace("BID", world.home.bid_id)
    token = world.token(Role.BID_MANAGER)
    async with costly_query_slots():  # the costly query waits for its turn, counted as costly
        waiting = asyncio.create_task(gql.execute(costly, token=token))
        await asyncio.sleep(0.01)
        assert not waiting.done()
        assert not cheap_requests_running()
        cheap = asyncio.create_task(gql.execute("{ bids { name } }", token=token))
        seen_running = False
        while not cheap.done():
            seen_running = seen_running or cheap_requests_running()
            await asyncio.sleep(0)
        assert seen_running
        assert not cheap_requests_running()
    await waiting


async def test_a_request_counts_as_in_flight_once_its_body_is_in_and_not_while_it_is_sent(
    gql: GraphQLClient, world: World
) -> None:
    # A client sending slowly must not hold a costly query back: only work is given way to.
    body = json.dumps({"query": "{ me { memberships { bid { name } } } }"}).encode()
    first_part_sent = asyncio.Event()
    rest_may_come = asyncio.Event()

    async def slowly() -> AsyncIterator[bytes]:
        yield body[:10]
        first_part_sent.set()
        await rest_may_come.wait()
        yield body[10:]

    headers = {"Authorization": f"Bearer {world.token(Role.BID_MANAGER)}", "Content-Type": "application/json"}
    sending = asyncio.create_task(gql.http.post("/graphql", content=slowly(), headers=headers))
    await asyncio.wait_for(first_part_sent.wait(), timeout=5)
    for _ in range(20):
        await asyncio.sleep(0)
    assert not sending.done()
    assert not cheap_requests_running()  # its body is still arriving
    rest_may_come.set()
    seen_running = False
    while not sending.done():
        seen_running = seen_running or cheap_requests_running()
        await asyncio.sleep(0)
    assert seen_running  # while its bid was loaded
    assert not cheap_requests_running()
    response = await sending
    assert response.json()["data"]["me"]["memberships"][0]["bid"]["name"]
