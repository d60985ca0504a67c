"""A NUL character or a lone UTF-16 surrogate, in any string a request gives (variables or literals
in the query), refuses the request with 400 and the place it was found, before anything runs.

Neither is text: PostgreSQL stores no NUL, and a lone surrogate cannot be encoded as UTF-8, so
either one reached the database as a server error (a text filter, a BID's slug, an email at login).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from shopwatch.accounts.models import Role
from shopwatch.api.ids import encode_id
from shopwatch.incidents.models import Incident
from shopwatch.offenders.models import Offender
from shopwatch.places.models import Bid, NeighbourhoodTeam
from tests.api.incidents.helpers import REPORT, report_input
from tests.api.offenders.helpers import make_incident
from tests.support.world import World

NUL = "`{path}` contains a NUL character, which no text here may hold."
SURROGATE = "`{path}` contains a lone UTF-16 surrogate, which is not text."
IN_THE_QUERY = "A string in the query contains a NUL character, which no text here may hold."


async def post_raw(http: httpx.AsyncClient, body: dict[str, Any], token: str | None) -> httpx.Response:
    """JSON with every non-ASCII character escaped, so a lone surrogate can be sent at all."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return await http.post("/graphql", content=json.dumps(body), headers=headers)


def mutation(field: str, input_type: str) -> str:
    return f"mutation ($input: {input_type}!) {{ {field}(input: $input) {{ __typename }} }}"


LOGIN = (
    "mutation ($email: String!, $password: String!) { login(email: $email, password: $password) "
    "{ __typename } }"
)
Variables = Callable[[World, str], dict[str, Any]]


@dataclass(frozen=True)
class Site:
    """A string argument of the API: who asks, the document, and its variables with `bad` placed in
    the string at `path`."""

    name: str
    role: Role | None
    query: str
    path: str
    variables: Variables


SITES = [
    Site(
        "incidents-text-filter",
        Role.BID_MANAGER,
        "query ($filter: IncidentFilter) { incidents(filter: $filter) { edges { cursor } } }",
        "$filter.text",
        lambda world, bad: {"filter": {"text": f"razor{bad}"}},
    ),
    Site(
        "public-summary-slug",
        None,
        'query ($slug: String!) { publicSummary(bidSlug: $slug, from: "2026-01-01", to: "2026-01-31") '
        "{ __typename } }",
        "$slug",
        lambda world, bad: {"slug": f"{world.home.bid.slug}{bad}"},
    ),
    Site(
        "incident-id",
        Role.ADMIN,
        "query ($id: ID!) { incident(id: $id) { id } }",
        "$id",
        lambda world, bad: {"id": f"{encode_id('Incident', 1)}{bad}"},
    ),
    Site(
        "offenders-bid-id",
        Role.BID_MANAGER,
        "query ($bidId: ID!) { offenders(bidId: $bidId) { edges { cursor } } }",
        "$bidId",
        lambda world, bad: {"bidId": f"{world.home.bid_id}{bad}"},
    ),
    Site(
        "incidents-after",
        Role.BID_MANAGER,
        "query ($after: String) { incidents(after: $after) { edges { cursor } } }",
        "$after",
        lambda world, bad: {"after": f"abc{bad}"},
    ),
    Site(
        "login-email",
        None,
        LOGIN,
        "$email",
        lambda world, bad: {"email": f"shop_staff{bad}@home.example.org", "password": "x"},
    ),
    Site(
        "login-password",
        None,
        LOGIN,
        "$password",
        lambda world, bad: {"email": "shop_staff@home.example.org", "password": f"pass{bad}"},
    ),
    Site(
        "password-reset-email",
        None,
        "mutation ($email: String!) { requestPasswordReset(email: $email) }",
        "$email",
        lambda world, bad: {"email": f"a{bad}@example.org"},
    ),
    Site(
        "report-description",
        Role.SHOP_STAFF,
        REPORT,
        "$input.description",
        lambda world, bad: {"input": report_input(world.home.shop_id(), description=f"Took{bad}")},
    ),
    Site(
        "report-police-reference",
        Role.SHOP_STAFF,
        REPORT,
        "$input.policeReference",
        lambda world, bad: {"input": report_input(world.home.shop_id(), policeReference=f"CAD{bad} 1")},
    ),
    Site(
        "report-offender-ids",
        Role.SHOP_STAFF,
        REPORT,
        "$input.offenderIds.1",
        lambda world, bad: {
            "input": report_input(world.home.shop_id(), offenderIds=[world.home.bid_id, f"x{bad}"])
        },
    ),
    Site(
        "bid-name",
        Role.ADMIN,
        mutation("createBid", "CreateBidInput"),
        "$input.name",
        lambda world, bad: {"input": {"name": f"Nul{bad}BID", "slug": "nul"}},
    ),
    Site(
        "shop-address",
        Role.ADMIN,
        mutation("createShop", "CreateShopInput"),
        "$input.address",
        lambda world, bad: {
            "input": {
                "bidId": world.home.bid_id,
                "name": "Corner Chemist",
                "address": f"12{bad} Market Place",
                "postcode": "MH1 2AB",
                "latitude": 52.191,
                "longitude": -1.707,
            }
        },
    ),
    Site(
        "team-email",
        Role.ADMIN,
        mutation("createNeighbourhoodTeam", "CreateTeamInput"),
        "$input.email",
        lambda world, bad: {
            "input": {"name": "NPT", "email": f"npt{bad}@police.example.org", "bidIds": [world.home.bid_id]}
        },
    ),
    Site(
        "offender-display-name",
        Role.BID_MANAGER,
        mutation("createOffender", "CreateOffenderInput"),
        "$input.displayName",
        lambda world, bad: {"input": {"bidId": world.home.bid_id, "displayName": f"Red{bad}cap"}},
    ),
    Site(
        "exclusion-reason",
        Role.BID_MANAGER,
        mutation("issueExclusion", "IssueExclusionInput"),
        "$input.reason",
        lambda world, bad: {
            "input": {"offenderId": encode_id("Offender", 1), "startsOn": "2026-01-01", "reason": f"bad{bad}"}
        },
    ),
]


@pytest.mark.parametrize("site", SITES, ids=lambda site: site.name)
@pytest.mark.parametrize(
    ("bad", "message"),
    [("\x00", NUL), ("\ud800", SURROGATE), ("\udfff", SURROGATE)],
    ids=["nul", "high", "low"],
)
async def test_unusable_text_in_a_variable_is_refused(
    http: httpx.AsyncClient, world: World, site: Site, bad: str, message: str
) -> None:
    body = {"query": site.query, "variables": site.variables(world, bad)}
    response = await post_raw(http, body, world.token(site.role))
    assert response.status_code == 400, response.text
    assert response.json() == {"data": None, "errors": [{"message": message.format(path=site.path)}]}
    assert await Incident.all().count() == 0
    assert await Offender.all().count() == 0
    assert await Bid.all().count() == 2  # the world's two towns
    assert await NeighbourhoodTeam.all().count() == 2


@pytest.mark.parametrize("escape", ["\\u0000", "\\u{0}", "\\u{000000}"])
async def test_a_nul_in_a_string_literal_is_refused(
    http: httpx.AsyncClient, world: World, escape: str
) -> None:
    query = f'{{ incidents(filter: {{text: "razor{escape}"}}) {{ edges {{ cursor }} }} }}'
    response = await post_raw(http, {"query": query}, world.token(Role.BID_MANAGER))
    assert response.status_code == 400, response.text
    errors = response.json()["errors"]
    assert [error["message"] for error in errors] == [IN_THE_QUERY]
    assert errors[0]["locations"] == [{"line": 1, "column": 28}]


async def test_text_that_only_looks_unusable_is_searched(http: httpx.AsyncClient, world: World) -> None:
    # A surrogate pair is one character (here an emoji), and an escaped backslash before "u0000" is
    # the six characters `\u0000`: both are text.
    await make_incident(world.home, description="Took 😀 and \\u0000 razors.")
    token = world.token(Role.BID_MANAGER)
    for query in (
        '{ incidents(filter: {text: "\\ud83d\\ude00"}) { edges { cursor } } }',
        '{ incidents(filter: {text: "\\\\u0000"}) { edges { cursor } } }',
    ):
        response = await post_raw(http, {"query": query}, token)
        assert response.status_code == 200, response.text
        assert len(response.json()["data"]["incidents"]["edges"]) == 1
    variables = {"filter": {"text": "😀"}}
    response = await post_raw(http, {"query": SITES[0].query, "variables": variables}, token)
    assert len(response.json()["data"]["incidents"]["edges"]) == 1
