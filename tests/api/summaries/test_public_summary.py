"""publicSummary: anyone may ask, and no small number that could point at a person comes back."""

from __future__ import annotations

from datetime import timedelta

from shopwatch.incidents.models import IncidentKind
from tests.api.offenders.helpers import make_incident
from tests.api.summaries.test_area_summary import LAST_30_DAYS, TODAY
from tests.support.graphql import GraphQLClient
from tests.support.world import World

PUBLIC = """
query Public($slug: String!, $from: Date!, $to: Date!) {
  publicSummary(bidSlug: $slug, from: $from, to: $to) {
    bidName from to suppressedBelow
    total { count suppressed }
    byKind { kind count suppressed }
    byMonth { month count suppressed }
  }
}
"""


async def _incidents(world: World, kind: IncidentKind, count: int) -> None:
    for n in range(count):
        await make_incident(world.home, shop=n % 2, hours_ago=1 + n / 10, kind=kind)


async def test_anyone_sees_counts_of_five_or_more(gql: GraphQLClient, world: World) -> None:
    await _incidents(world, IncidentKind.THEFT, 7)
    await _incidents(world, IncidentKind.ASSAULT, 5)
    await _incidents(world, IncidentKind.FRAUD, 6)
    data = (await gql.execute(PUBLIC, {"slug": "home", **LAST_30_DAYS}))["publicSummary"]
    assert data["bidName"] == "Home BID" and data["suppressedBelow"] == 5
    assert data["total"] == {"count": 18, "suppressed": False}
    kinds = {row["kind"]: (row["count"], row["suppressed"]) for row in data["byKind"]}
    assert kinds["THEFT"] == (7, False) and kinds["ASSAULT"] == (5, False) and kinds["FRAUD"] == (6, False)
    # The kinds with nothing are withheld too, so a withheld count cannot be told from none.
    assert kinds["BURGLARY"] == (None, True)


async def test_small_counts_are_withheld_and_cannot_be_worked_out(gql: GraphQLClient, world: World) -> None:
    await _incidents(world, IncidentKind.THEFT, 9)
    await _incidents(world, IncidentKind.ASSAULT, 6)
    await _incidents(world, IncidentKind.THREATS_AND_ABUSE, 2)
    # Make every other kind reach 5, so THREATS_AND_ABUSE would be the only withheld cell.
    for kind in IncidentKind:
        if kind not in (IncidentKind.THEFT, IncidentKind.ASSAULT, IncidentKind.THREATS_AND_ABUSE):
            await _incidents(world, kind, 5)
    data = (await gql.execute(PUBLIC, {"slug": "home", **LAST_30_DAYS}))["publicSummary"]
    kinds = {row["kind"]: row for row in data["byKind"]}
    assert kinds["THREATS_AND_ABUSE"] == {"kind": "THREATS_AND_ABUSE", "count": None, "suppressed": True}
    shown = [row["count"] for row in data["byKind"] if not row["suppressed"]]
    withheld = [row for row in data["byKind"] if row["suppressed"]]
    # Total minus what is shown leaves two withheld cells, so neither can be worked out alone.
    assert len(withheld) == 2 and data["total"]["count"] - sum(shown) == 2 + 5


async def test_a_quiet_town_publishes_nothing_countable(gql: GraphQLClient, world: World) -> None:
    await _incidents(world, IncidentKind.THEFT, 3)
    data = (await gql.execute(PUBLIC, {"slug": "home", **LAST_30_DAYS}))["publicSummary"]
    assert data["total"] == {"count": None, "suppressed": True}
    assert {row["count"] for row in data["byKind"] + data["byMonth"]} == {None}


async def test_months_are_counted_in_uk_time(gql: GraphQLClient, world: World) -> None:
    await _incidents(world, IncidentKind.THEFT, 6)
    first = TODAY.replace(day=1) - timedelta(days=62)
    data = (await gql.execute(PUBLIC, {"slug": "home", "from": first.isoformat(), "to": TODAY.isoformat()}))[
        "publicSummary"
    ]
    months = [row["month"] for row in data["byMonth"]]
    assert months[0] == first.replace(day=1).isoformat() and months[-1] == TODAY.replace(day=1).isoformat()
    assert all(month.endswith("-01") for month in months)


async def test_nothing_identifies_a_shop_or_a_person(gql: GraphQLClient, world: World) -> None:
    await _incidents(world, IncidentKind.THEFT, 12)
    response = await gql.post(PUBLIC, {"slug": "home", **LAST_30_DAYS})
    text = response.text
    for private in (
        world.home.shops[0].name,
        "Took razor blades",
        world.home.users[next(iter(world.home.users))].name,
    ):
        assert private not in text
    errors = await gql.errors(
        'query { publicSummary(bidSlug: "home", from: "2026-01-01", to: "2026-01-02") { byShop } }'
    )
    assert "Cannot query field 'byShop'" in errors[0]


async def test_an_unknown_town_is_null(gql: GraphQLClient, world: World) -> None:
    data = await gql.execute(PUBLIC, {"slug": "nowhere", **LAST_30_DAYS})
    assert data["publicSummary"] is None


async def test_a_bad_period_is_refused_plainly(gql: GraphQLClient, world: World) -> None:
    errors = await gql.errors(PUBLIC, {"slug": "home", "from": "2026-02-01", "to": "2026-01-01"})
    assert errors == ["The period ends before it starts."]
