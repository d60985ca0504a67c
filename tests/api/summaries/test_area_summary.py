"""areaSummary and areaSummaries through the API: who may see which BID, what comes back, and its cost."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shopwatch.accounts.models import Role
from shopwatch.api.ids import encode_id
from shopwatch.summaries.periods import LOCAL_ZONE
from tests.api.offenders.helpers import EVERY_VIEWER, NOW, link, make_incident, make_offender
from tests.support.graphql import GraphQLClient
from tests.support.queries import counting_queries
from tests.support.world import World

SUMMARY = """
query Summary($bidId: ID!, $from: Date!, $to: Date!) {
  areaSummary(bidId: $bidId, from: $from, to: $to) {
    bid { id name }
    from to totalIncidents valueStolenPence previousPeriodTotal previousPeriodValueStolenPence change
    byKind { kind count valueStolenPence }
    byShop { shop { id name } count valueStolenPence }
    byWeek { weekStart count }
    byHourOfWeek { dayOfWeek hour count }
    repeatOffenderShare repeatOffenderIncidents
    topOffenders { offender { id displayName } count }
    hotspots { shop { id } lastSevenDays weeklyAverage }
  }
}
"""

COMPARE = """
query Compare($bidIds: [ID!]!, $from: Date!, $to: Date!) {
  areaSummaries(bidIds: $bidIds, from: $from, to: $to) { bid { id } totalIncidents }
}
"""

TODAY = NOW.astimezone(LOCAL_ZONE).date()
LAST_30_DAYS = {"from": (TODAY - timedelta(days=29)).isoformat(), "to": TODAY.isoformat()}
# Who sees a BID's summary: its managers, the police covering it, administrators.
ALLOWED = {(Role.BID_MANAGER, "home"), (Role.POLICE, "home"), (Role.ADMIN, "home")}


@pytest.mark.parametrize(("role", "town"), EVERY_VIEWER)
async def test_only_the_bids_managers_police_and_admins_see_its_summary(
    gql: GraphQLClient, world: World, role: Role | None, town: str
) -> None:
    await make_incident(world.home, value_stolen_pence=500)
    variables = {"bidId": world.home.bid_id, **LAST_30_DAYS}
    if (role, town) in ALLOWED:
        data = await gql.execute(SUMMARY, variables, token=world.token(role, town))
        assert data["areaSummary"]["totalIncidents"] == 1
    else:
        errors = await gql.errors(SUMMARY, variables, token=world.token(role, town))
        assert errors == [
            "Area summaries are for the BID's managers, the police covering it and administrators."
        ]


async def test_a_summary_shows_every_figure(gql: GraphQLClient, world: World) -> None:
    home = world.home
    regular = await make_offender(home, "Grey hoodie")
    for hours in (1, 2, 3):
        await link(await make_incident(home, hours_ago=hours, value_stolen_pence=1000), regular)
    await make_incident(home, shop=1, hours_ago=4, kind="ASSAULT")
    await make_incident(home, hours_ago=24 * 40)  # the previous period
    await make_incident(home, hours_ago=24 * 90)  # records from before it, so the change is given
    await make_incident(world.away, hours_ago=1)  # another BID: never counted

    summary = (
        await gql.execute(
            SUMMARY, {"bidId": home.bid_id, **LAST_30_DAYS}, token=world.token(Role.BID_MANAGER)
        )
    )["areaSummary"]
    assert summary["bid"] == {"id": home.bid_id, "name": home.bid.name}
    assert (summary["from"], summary["to"]) == (LAST_30_DAYS["from"], LAST_30_DAYS["to"])
    assert (summary["totalIncidents"], summary["valueStolenPence"]) == (4, 3000)
    assert (summary["previousPeriodTotal"], summary["change"]) == (1, 3.0)
    kinds = {row["kind"]: row["count"] for row in summary["byKind"]}
    assert kinds["THEFT"] == 3 and kinds["ASSAULT"] == 1 and len(kinds) == 8
    assert [(row["shop"]["id"], row["count"]) for row in summary["byShop"]] == [
        (home.shop_id(0), 3),
        (home.shop_id(1), 1),
    ]
    assert sum(row["count"] for row in summary["byWeek"]) == 4
    assert len(summary["byHourOfWeek"]) == 168 and sum(c["count"] for c in summary["byHourOfWeek"]) == 4
    assert (summary["repeatOffenderIncidents"], summary["repeatOffenderShare"]) == (3, 0.75)
    assert summary["topOffenders"] == [
        {"offender": {"id": encode_id("Offender", regular.id), "displayName": "Grey hoodie"}, "count": 3}
    ]
    assert summary["hotspots"] == []


async def test_a_change_is_given_only_when_the_records_cover_the_previous_period(
    gql: GraphQLClient, world: World
) -> None:
    query = (
        "query($b: ID!, $f: Date!, $t: Date!) { areaSummary(bidId: $b, from: $f, to: $t) "
        "{ previousPeriodTotal change previousPeriodCovered } }"
    )
    variables = {"b": world.home.bid_id, "f": LAST_30_DAYS["from"], "t": LAST_30_DAYS["to"]}
    token = world.token(Role.BID_MANAGER)
    for hours in (1, 2, 3, 4):
        await make_incident(world.home, hours_ago=hours)
    # The BID's first report came 40 days ago, inside the 30 days before: they are not all on record.
    await make_incident(world.home, hours_ago=24 * 40)
    summary = (await gql.execute(query, variables, token=token))["areaSummary"]
    assert summary == {"previousPeriodTotal": 1, "change": None, "previousPeriodCovered": False}
    # Another BID's older records say nothing about this one's.
    await make_incident(world.away, hours_ago=24 * 90)
    assert (await gql.execute(query, variables, token=token))["areaSummary"]["change"] is None
    # Records from before the previous period: the change means something.
    await make_incident(world.home, hours_ago=24 * 90)
    summary = (await gql.execute(query, variables, token=token))["areaSummary"]
    assert summary == {"previousPeriodTotal": 1, "change": 3.0, "previousPeriodCovered": True}


async def test_a_summary_costs_the_same_queries_however_many_incidents(
    gql: GraphQLClient, world: World
) -> None:
    token = world.token(Role.BID_MANAGER)
    variables = {"bidId": world.home.bid_id, **LAST_30_DAYS}
    offender = await make_offender(world.home)
    await link(await make_incident(world.home), offender)
    with counting_queries() as few:
        await gql.execute(SUMMARY, variables, token=token)
    for hours in range(2, 40):
        await link(await make_incident(world.home, shop=hours % 2, hours_ago=hours), offender)
    await link(await make_incident(world.home), await make_offender(world.home, "Second"))
    with counting_queries() as many:
        await gql.execute(SUMMARY, variables, token=token)
    assert len(many) == len(few)
    # Session and memberships; the BID's hotspot rule, two aggregates (the second giving the
    # offenders shown) and the shops; the BID.
    assert len(many) == 2 + 4 + 1, many


async def test_change_is_a_fraction_of_the_period_before_and_null_when_it_had_none(
    gql: GraphQLClient, world: World
) -> None:
    variables = {"bidId": world.home.bid_id, **LAST_30_DAYS}
    await make_incident(world.home, hours_ago=1)
    await make_incident(world.home, hours_ago=24 * 90)  # records from before the period before
    summary = (await gql.execute(SUMMARY, variables, token=world.token(Role.BID_MANAGER)))["areaSummary"]
    assert (summary["previousPeriodTotal"], summary["change"]) == (0, None)
    for days_before in (40, 41):
        await make_incident(world.home, hours_ago=24 * days_before)
    summary = (await gql.execute(SUMMARY, variables, token=world.token(Role.BID_MANAGER)))["areaSummary"]
    assert (summary["previousPeriodTotal"], summary["change"]) == (2, -0.5)


@pytest.mark.parametrize(
    ("first", "last", "message"),
    [
        ("2026-06-30", "2026-06-01", "The period ends before it starts."),
        ("2020-01-01", "2026-01-01", "Choose a period of at most 1098 days."),
        ("1999-12-31", "2000-01-01", "Choose dates between 2000 and 2100."),
    ],
)
async def test_a_period_that_cannot_be_summarised_is_refused_plainly(
    gql: GraphQLClient, world: World, first: str, last: str, message: str
) -> None:
    variables = {"bidId": world.home.bid_id, "from": first, "to": last}
    assert await gql.errors(SUMMARY, variables, token=world.token(Role.BID_MANAGER)) == [message]


async def test_police_compare_the_bids_they_cover(gql: GraphQLClient, world: World) -> None:
    await world.away.team.bids.add(world.home.bid)  # the away team covers both town centres
    away_officer = world.token(Role.POLICE, "away")
    await make_incident(world.home)
    for hours in (1, 2):
        await make_incident(world.away, hours_ago=hours)
    data = await gql.execute(
        COMPARE, {"bidIds": [world.away.bid_id, world.home.bid_id], **LAST_30_DAYS}, token=away_officer
    )
    assert data["areaSummaries"] == [
        {"bid": {"id": world.away.bid_id}, "totalIncidents": 2},
        {"bid": {"id": world.home.bid_id}, "totalIncidents": 1},
    ]


async def test_comparing_refuses_a_bid_out_of_reach(gql: GraphQLClient, world: World) -> None:
    variables = {"bidIds": [world.home.bid_id, world.away.bid_id], **LAST_30_DAYS}
    errors = await gql.errors(COMPARE, variables, token=world.token(Role.POLICE))
    assert errors == ["Area summaries are for the BID's managers, the police covering it and administrators."]


async def test_an_id_that_is_not_a_bid_is_refused_like_one_out_of_reach(
    gql: GraphQLClient, world: World
) -> None:
    variables = {"bidId": world.home.shop_id(0), "from": "2026-01-01", "to": "2026-01-31"}
    errors = await gql.errors(SUMMARY, variables, token=world.token(Role.ADMIN))
    assert errors == ["Area summaries are for the BID's managers, the police covering it and administrators."]


async def test_at_most_twenty_bids_are_compared_at_once(gql: GraphQLClient, world: World) -> None:
    token = world.token(Role.ADMIN)
    twenty = {"bidIds": [world.home.bid_id] * 20, **LAST_30_DAYS}
    assert len((await gql.execute(COMPARE, twenty, token=token))["areaSummaries"]) == 20
    twenty_one = {"bidIds": [world.home.bid_id] * 21, **LAST_30_DAYS}
    assert await gql.errors(COMPARE, twenty_one, token=token) == ["Compare at most 20 BIDs at a time."]
