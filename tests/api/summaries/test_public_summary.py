"""publicSummary: anyone may ask, only for whole months that have ended, and no small number that
could point at a person comes back, however the answers to different periods are combined."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from shopwatch.incidents.models import IncidentKind
from tests.api.offenders.helpers import NOW, make_incident
from tests.api.summaries.test_area_summary import TODAY
from tests.support.graphql import GraphQLClient
from tests.support.world import World

PUBLIC = """
query Public($slug: String!, $from: Date!, $to: Date!) {
  publicSummary(bidSlug: $slug, from: $from, to: $to) {
    bidName from to suppressedBelow
    total { count suppressed }
    byKind { kind count suppressed }
    byMonth { month count suppressed byKind { kind count suppressed } }
  }
}
"""

JUNE = {"from": "2026-06-01", "to": "2026-06-30"}


async def _incidents(world: World, kind: IncidentKind, count: int, day: int = 15) -> None:
    """`count` incidents of `kind` at noon UK time (11:00 UTC) on `day` June 2026."""
    moment = datetime(2026, 6, day, 11, tzinfo=UTC)
    for n in range(count):
        await make_incident(world.home, shop=n % 2, hours_ago=(NOW - moment) / timedelta(hours=1), kind=kind)


async def public(gql: GraphQLClient, **period: str) -> dict[str, Any]:
    data: dict[str, Any] = (await gql.execute(PUBLIC, {"slug": "home", **period}))["publicSummary"]
    return data


def kinds(rows: list[dict[str, Any]]) -> dict[str, int | None]:
    return {row["kind"]: row["count"] for row in rows}


async def test_anyone_sees_a_months_counts_of_five_or_more(gql: GraphQLClient, world: World) -> None:
    await _incidents(world, IncidentKind.THEFT, 7)
    await _incidents(world, IncidentKind.ASSAULT, 5)
    await _incidents(world, IncidentKind.FRAUD, 6)
    data = await public(gql, **JUNE)
    assert data["bidName"] == "Home BID" and data["suppressedBelow"] == 5
    [june] = data["byMonth"]
    assert (june["month"], june["count"], june["suppressed"]) == ("2026-06-01", 18, False)
    cells = kinds(june["byKind"])
    # The five other kinds hold nothing, which the total would give away, so the smallest published
    # kind (ASSAULT) is withheld with them: the withheld kinds add up to 5.
    assert (cells["THEFT"], cells["FRAUD"], cells["ASSAULT"], cells["BURGLARY"]) == (7, 6, None, None)
    assert data["total"] == {"count": 18, "suppressed": False}
    # A kind's total for the period is published only when each of its months is.
    assert kinds(data["byKind"]) == cells


async def test_a_withheld_day_cannot_be_had_by_subtracting_two_periods(
    gql: GraphQLClient, world: World
) -> None:
    await _incidents(world, IncidentKind.ASSAULT, 2, day=1)
    await _incidents(world, IncidentKind.THEFT, 10, day=20)

    # Every period but whole months is refused, so "1-30 June minus 2-30 June" cannot be asked.
    for period, field in (
        ({"from": "2026-06-02", "to": "2026-06-30"}, "from"),
        ({"from": "2026-06-01", "to": "2026-06-01"}, "to"),
        ({"from": "2026-05-15", "to": "2026-06-30"}, "from"),
    ):
        body = (await gql.post(PUBLIC, {"slug": "home", **period})).json()
        assert body["data"] == {"publicSummary": None}
        [error] = body["errors"]
        assert error["extensions"] == {"code": "VALIDATION_ERROR", "field": field}
        assert "whole months" in error["message"]

    june = (await public(gql, **JUNE))["byMonth"][0]
    assert june["count"] == 12
    # ASSAULT (2) is withheld, and THEFT with it, so the total does not give ASSAULT away.
    assert set(kinds(june["byKind"]).values()) == {None}
    # The month reads the same in any period that holds it.
    for period in ({"from": "2026-05-01", "to": "2026-06-30"}, {"from": "2026-06-01", "to": "2026-08-31"}):
        [same] = [
            month for month in (await public(gql, **period))["byMonth"] if month["month"] == "2026-06-01"
        ]
        assert same == june


async def test_totals_of_several_months_only_add_up_published_figures(
    gql: GraphQLClient, world: World
) -> None:
    await _incidents(world, IncidentKind.THEFT, 12)
    await _incidents(world, IncidentKind.FRAUD, 8)
    data = await public(gql, **{"from": "2026-05-01", "to": "2026-06-30"})
    may, june = data["byMonth"]
    assert (may["count"], june["count"]) == (None, 20)  # May had nothing: withheld
    assert kinds(june["byKind"])["THEFT"] == 12
    # THEFT was withheld in May, so the two months' THEFT total would be May's count plus 12.
    assert data["total"] == {"count": None, "suppressed": True}
    assert set(kinds(data["byKind"]).values()) == {None}


async def test_a_quiet_town_publishes_nothing_countable(gql: GraphQLClient, world: World) -> None:
    await _incidents(world, IncidentKind.THEFT, 3)
    data = await public(gql, **JUNE)
    assert data["total"] == {"count": None, "suppressed": True}
    [june] = data["byMonth"]
    assert {row["count"] for row in data["byKind"] + data["byMonth"] + june["byKind"]} == {None}


async def test_a_month_not_yet_over_is_refused(gql: GraphQLClient, world: World) -> None:
    this_month = TODAY.replace(day=1)
    last_day = (this_month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    body = (
        await gql.post(PUBLIC, {"slug": "home", "from": this_month.isoformat(), "to": last_day.isoformat()})
    ).json()
    [error] = body["errors"]
    assert error["extensions"]["field"] == "to"
    assert error["message"].startswith("Public figures are for months that have ended")


async def test_nothing_identifies_a_shop_or_a_person(gql: GraphQLClient, world: World) -> None:
    await _incidents(world, IncidentKind.THEFT, 12)
    response = await gql.post(PUBLIC, {"slug": "home", **JUNE})
    text = response.text
    for private in (
        world.home.shops[0].name,
        "Took razor blades",
        world.home.users[next(iter(world.home.users))].name,
    ):
        assert private not in text
    errors = await gql.errors(
        'query { publicSummary(bidSlug: "home", from: "2026-01-01", to: "2026-01-31") { byShop } }'
    )
    assert "Cannot query field 'byShop'" in errors[0]


async def test_an_unknown_town_is_null(gql: GraphQLClient, world: World) -> None:
    data = await gql.execute(PUBLIC, {"slug": "nowhere", **JUNE})
    assert data["publicSummary"] is None


async def test_a_bad_period_is_refused_plainly(gql: GraphQLClient, world: World) -> None:
    errors = await gql.errors(PUBLIC, {"slug": "home", "from": "2026-02-01", "to": "2026-01-01"})
    assert errors == ["The period ends before it starts."]
