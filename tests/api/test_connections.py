"""Every list the API pages through is a Relay connection built the same way, and its `after` takes
only a cursor that this list gave out: anything else is refused with one clear error, never a
server error."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest
import pytest_asyncio

from shopwatch.accounts.models import Invite, Role
from shopwatch.api.ids import encode_id
from tests.api.alerts.test_alerts_api import make_alert
from tests.api.offenders.helpers import NOW, link, make_incident, make_offender
from tests.support.graphql import GraphQLClient
from tests.support.world import World

NOT_A_CURSOR = "`after` is not a cursor from this list."
PAGE_INFO = "pageInfo { hasNextPage hasPreviousPage startCursor endCursor }"


@dataclass(frozen=True)
class Listing:
    """One connection of the API: the document that pages through it and where its page is."""

    name: str
    kind: str  # what its cursors name: incidents are one kind wherever they are listed
    query: str
    path: tuple[str, ...]

    async def fetch(self, gql: GraphQLClient, token: str | None, **variables: Any) -> dict[str, Any]:
        """The page, given the variables of every listing (those this one does not take are left out)."""
        taken = {name: value for name, value in variables.items() if f"${name}:" in self.query}
        return self.page(await gql.execute(self.query, taken, token))

    async def post(self, gql: GraphQLClient, token: str | None, **variables: Any) -> httpx.Response:
        taken = {name: value for name, value in variables.items() if f"${name}:" in self.query}
        return await gql.post(self.query, taken, token)

    def page(self, data: dict[str, Any]) -> dict[str, Any]:
        for key in self.path:
            data = data[key]
        return data


LISTINGS = [
    Listing(
        "incidents",
        "Incident",
        f"query ($first: Int, $after: String) {{ incidents(first: $first, "
        f"after: $after) {{ edges {{ cursor node {{ id }} }} {PAGE_INFO} }} }}",
        ("incidents",),
    ),
    Listing(
        "alerts",
        "Alert",
        f"query ($first: Int, $after: String) {{ alerts(first: $first, "
        f"after: $after) {{ edges {{ cursor node {{ id }} }} {PAGE_INFO} }} }}",
        ("alerts",),
    ),
    Listing(
        "offenders",
        "Offender",
        f"query ($first: Int, $after: String, $bidId: ID!) {{ offenders(bidId: $bidId, "
        f"first: $first, after: $after) {{ edges {{ cursor node {{ id }} }} {PAGE_INFO} }} }}",
        ("offenders",),
    ),
    Listing(
        "offender.incidents",
        "Incident",
        f"query ($first: Int, $after: String, $offenderId: ID!) {{ offender(id: $offenderId) {{ "
        f"incidents(first: $first, after: $after) {{ edges {{ cursor node {{ id }} }} {PAGE_INFO} }} }} }}",
        ("offender", "incidents"),
    ),
    Listing(
        "members",
        "Membership",
        f"query ($first: Int, $after: String, $bidId: ID!) {{ members(bidId: $bidId, "
        f"first: $first, after: $after) {{ edges {{ cursor node {{ id }} }} {PAGE_INFO} }} }}",
        ("members",),
    ),
    Listing(
        "invitations",
        "Invitation",
        f"query ($first: Int, $after: String, $bidId: ID!) {{ invitations(bidId: $bidId, "
        f"first: $first, after: $after) {{ edges {{ cursor node {{ id }} }} {PAGE_INFO} }} }}",
        ("invitations",),
    ),
]


def b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


@pytest_asyncio.fixture
async def three_of_each(world: World) -> dict[str, Any]:
    """Three items in every listing, for the BID's manager; the variables every listing takes."""
    offender = await make_offender(world.home, last_seen_at=NOW)
    for hours in (1, 2, 3):
        incident = await make_incident(world.home, hours_ago=hours)
        await link(incident, offender)
        await make_alert(world.home, f"alert {hours}", [incident], minutes_ago=hours)
    for name in ("Blue coat", "Green hat"):
        await make_offender(world.home, name, last_seen_at=NOW)
    for n in (1, 2, 3):  # the town's three members are there already
        await Invite.create(
            token_hash=f"{n}" * 64,
            email=f"invited.{n}@example.org",
            role=Role.SHOP_STAFF,
            bid=world.home.bid,
            shop=world.home.shops[1],
            expires_at=NOW + timedelta(days=7),
        )
    return {"offenderId": encode_id("Offender", offender.id), "bidId": world.home.bid_id}


@pytest.mark.parametrize("listing", LISTINGS, ids=lambda listing: listing.name)
async def test_page_info_is_relays(
    gql: GraphQLClient, world: World, three_of_each: dict[str, Any], listing: Listing
) -> None:
    """Forward pagination only: `hasPreviousPage` is false, as Relay allows when paging forwards."""
    variables, token = three_of_each, world.token(Role.BID_MANAGER)
    first = await listing.fetch(gql, token, **variables, first=2)
    cursors = [edge["cursor"] for edge in first["edges"]]
    assert first["pageInfo"] == {
        "hasNextPage": True,
        "hasPreviousPage": False,
        "startCursor": cursors[0],
        "endCursor": cursors[1],
    }
    rest = await listing.fetch(gql, token, **variables, after=cursors[1])
    assert len(rest["edges"]) == 1
    assert rest["pageInfo"] == {
        "hasNextPage": False,
        "hasPreviousPage": False,
        "startCursor": rest["edges"][0]["cursor"],
        "endCursor": rest["edges"][0]["cursor"],
    }
    empty = await listing.fetch(gql, token, **variables, after=rest["pageInfo"]["endCursor"])
    assert empty == {
        "edges": [],
        "pageInfo": {"hasNextPage": False, "hasPreviousPage": False, "startCursor": None, "endCursor": None},
    }


def without_padding(kind: str) -> str:
    for pk in (1, 12, 123):
        cursor = b64(f"{kind}|2024-01-01T00:00:00+00:00|{pk}")
        if cursor.endswith("="):
            return cursor.rstrip("=")
    raise AssertionError("one of three lengths in a row needs padding")


def malformed_cursors(kind: str) -> dict[str, str]:
    return {
        "an id": encode_id(kind, 1),
        "not base64": "!!!",
        "empty": "",
        "base64 of bytes that are not text": base64.urlsafe_b64encode(b"\xff\xfe|1").decode(),
        "base64 of words": b64("nonsense"),
        "too few fields": b64("2024-01-01T00:00:00+00:00|1"),
        "too many fields": b64(f"{kind}|{kind}|2024-01-01T00:00:00+00:00|1"),
        "a key too large for the database": b64(f"{kind}|2024-01-01T00:00:00+00:00|99999999999999999999999"),
        "a negative key": b64(f"{kind}|2024-01-01T00:00:00+00:00|-5"),
        "a key with leading zeros": b64(f"{kind}|2024-01-01T00:00:00+00:00|007"),
        "a key in other digits": b64(f"{kind}|2024-01-01T00:00:00+00:00|\u0663"),
        "year 1 an hour ahead of UTC": b64(f"{kind}|0001-01-01T00:00:00+01:00|1"),
        "year 9999 an hour behind UTC": b64(f"{kind}|9999-12-31T23:59:59-01:00|1"),
        "a time without a zone": b64(f"{kind}|2024-01-01T00:00:00|1"),
        "a date alone": b64(f"{kind}|2024-01-01|1"),
        "no time where the list needs one": b64(f"{kind}||1" if kind != "Offender" else f"{kind}|x|1"),
        "padding cut": without_padding(kind),
    }


@pytest.mark.parametrize("listing", LISTINGS, ids=lambda listing: listing.name)
async def test_malformed_and_foreign_cursors_are_refused(
    gql: GraphQLClient, world: World, three_of_each: dict[str, Any], listing: Listing
) -> None:
    variables, token, kind = three_of_each, world.token(Role.BID_MANAGER), listing.kind
    cursors = malformed_cursors(kind)
    for other in LISTINGS:
        if other.kind != kind:
            page = await other.fetch(gql, token, **variables, first=1)
            cursors[f"a cursor of {other.name}"] = page["edges"][0]["cursor"]
    for name, cursor in cursors.items():
        response = await listing.post(gql, token, **variables, after=cursor)
        assert response.status_code == 200, (name, response.text)
        messages = [error["message"] for error in response.json().get("errors", [])]
        assert messages == [NOT_A_CURSOR], (name, messages)


# Lists whose cursors carry a time: the gallery's name the record alone
# (tests/api/offenders/test_gallery_scope.py).
TIMED_LISTINGS = [listing for listing in LISTINGS if listing.kind != "Offender"]


@pytest.mark.parametrize("listing", TIMED_LISTINGS, ids=lambda listing: listing.name)
async def test_cursors_at_the_ends_of_time_give_pages(
    gql: GraphQLClient, world: World, three_of_each: dict[str, Any], listing: Listing
) -> None:
    # A time at either end of what dates can hold, in UTC as cursors are written, is a valid place
    # to continue from: after year 1 nothing is older; after year 9999 everything is.
    variables, token, kind = three_of_each, world.token(Role.BID_MANAGER), listing.kind
    oldest = b64(f"{kind}|0001-01-01T00:00:00+00:00|1")
    newest = b64(f"{kind}|9999-12-31T23:59:59.999999+00:00|1")
    assert (await listing.fetch(gql, token, **variables, after=oldest))["edges"] == []
    after_newest = await listing.fetch(gql, token, **variables, after=newest)
    assert len(after_newest["edges"]) == 3
