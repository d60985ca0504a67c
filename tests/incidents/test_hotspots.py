"""One definition of a hotspot: the shops the SHOP_HOTSPOT alert names are the shops the dashboard's
hotspot table names, whatever the BID's rule settings and wherever the incidents fall in the day."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from shopwatch.accounts.models import Role
from shopwatch.alerts.models import Alert, AlertRule
from shopwatch.alerts.rules import update_rule_setting
from shopwatch.core.clock import clock_at, local_midnight
from shopwatch.incidents.hotspots import HotspotTest
from shopwatch.settings import Settings
from tests.alerts import report
from tests.support.graphql import GraphQLClient
from tests.support.world import Town, World

# A Wednesday in November: UK time is UTC, so the times below are the shop wall's.
DAY = date(2026, 11, 18)

HOTSPOTS = """query($bid: ID!, $from: Date!, $to: Date!) {
  areaSummary(bidId: $bid, from: $from, to: $to) { hotspots { shop { id } } }
}"""


def at(days_before: int, hour: float) -> datetime:
    return datetime.combine(DAY - timedelta(days=days_before), time(0), tzinfo=UTC) + timedelta(hours=hour)


async def reported(
    town: Town, settings: Settings, shop: int, occurred: datetime, clock: datetime
) -> list[Alert]:
    with clock_at(clock):
        _, alerts = await report(town, settings, occurred, shop=shop)
    return [alert for alert in alerts if alert.rule == AlertRule.SHOP_HOTSPOT]


async def test_the_dashboard_names_exactly_the_shops_the_hotspot_alert_names(
    gql: GraphQLClient, world: World, settings: Settings
) -> None:
    # Home shop 1: the BID counts 3 in 7 days as a hotspot; 3 incidents in the last three days.
    await update_rule_setting(
        world.home.bid.id, AlertRule.SHOP_HOTSPOT, enabled=True, threshold=3, window_days=7
    )
    for days_before in (2, 1, 0):
        moment = at(days_before, 10)
        await reported(world.home, settings, 0, moment, moment)
    # Away shop 1 (5 in 7 days): one of the five was 7 days ago at 22:00, before the 7 days ending
    # today, which begin at midnight 6 days ago.
    for days_before, hour in ((7, 22), (3, 10), (2, 10), (1, 10), (0, 9)):
        moment = at(days_before, hour)
        await reported(world.away, settings, 0, moment, moment)
    # Away shop 2: five today, the 20:00 one reported before the morning's backlog.
    evening = at(0, 21)
    for hour in (20, 6, 6.5, 7, 8):
        await reported(world.away, settings, 1, at(0, hour), evening)

    alerted = set(await Alert.filter(rule=AlertRule.SHOP_HOTSPOT).values_list("shop_id", flat=True))
    admin = world.token(Role.ADMIN)
    named = set()
    for town in (world.home, world.away):
        period = {"bid": town.bid_id, "from": (DAY - timedelta(days=27)).isoformat(), "to": DAY.isoformat()}
        summary = (await gql.execute(HOTSPOTS, period, token=admin))["areaSummary"]
        named |= {spot["shop"]["id"] for spot in summary["hotspots"]}

    expected = {world.home.shops[0], world.away.shops[1]}
    assert alerted == {shop.id for shop in expected}
    assert named == {world.home.shop_id(0), world.away.shop_id(1)}


def test_a_hotspot_compares_the_uk_days_ending_that_day_with_the_eight_windows_before() -> None:
    # The last 7 days of March 2026 (the clocks went forward on the 29th) against the 8 weeks before.
    bounds = HotspotTest().bounds(date(2026, 3, 31))
    assert bounds.recent_start == local_midnight(date(2026, 3, 25)) == datetime(2026, 3, 25, tzinfo=UTC)
    assert bounds.baseline_start == local_midnight(date(2026, 1, 28))
    assert bounds.end == datetime(2026, 3, 31, 23, tzinfo=UTC)  # midnight of 1 April, BST
    three_days = HotspotTest(threshold=3, days=3).bounds(date(2026, 3, 31))
    assert three_days.recent_start == local_midnight(date(2026, 3, 29))
    assert three_days.baseline_start == local_midnight(date(2026, 3, 5))


def test_a_hotspot_needs_the_threshold_and_twice_the_average() -> None:
    test = HotspotTest()
    assert test.holds(5, 0) and not test.holds(4, 0)
    assert test.holds(5, 20) and not test.holds(5, 21)  # 2.5 a week is exactly half of 5
    assert test.describe() == (
        "at least 5 incidents at one shop within 7 days (whole UK days, up to and including the day in "
        "question), and at least 2 times the shop's average for 7 days over the 8 periods before"
    )
