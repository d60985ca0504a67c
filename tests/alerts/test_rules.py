"""The pattern rules on a real database: each at, below and above its threshold, their windows,
joining an open alert, alerting again after 7 days, and a BID's own settings."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta

import pytest
from tortoise.transactions import in_transaction

from shopwatch.accounts.models import Role
from shopwatch.alerts.models import Alert, AlertRule, AlertRuleSetting
from shopwatch.alerts.rules import DEFAULT_RULES, RuleSettings, rule_settings, update_rule_setting
from shopwatch.alerts.services import acknowledge_alert, evaluate_rules
from shopwatch.core import db
from shopwatch.core.clock import clock_at, now
from shopwatch.core.errors import InvalidInput
from shopwatch.core.mail.models import OutboxEmail
from shopwatch.incidents.models import IncidentKind
from shopwatch.offenders.models import Exclusion, OffenderLink
from shopwatch.settings import Settings
from tests.alerts import days_ago, incident_ids, link, make_incident, make_offender, of_rule, report
from tests.support.world import World

ASSAULT = IncidentKind.ASSAULT
THREATS = IncidentKind.THREATS_AND_ABUSE


def noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=UTC)


# REPEAT_OFFENDER: 3 incidents in 30 days


async def test_repeat_offender_fires_at_the_third_incident_in_30_days(
    world: World, settings: Settings
) -> None:
    dave = await make_offender(world.home)
    first, alerts = await report(world.home, settings, days_ago(20), offenders=[dave])
    assert alerts == []
    second, alerts = await report(world.home, settings, days_ago(10), offenders=[dave])
    assert alerts == []  # below the threshold

    third, alerts = await report(world.home, settings, days_ago(0.1), offenders=[dave])

    [alert] = alerts
    assert alert.rule == AlertRule.REPEAT_OFFENDER
    assert alert.offender_id == dave.id and alert.shop_id is None and alert.vehicle_registration is None
    assert alert.bid_id == world.home.bid.id
    assert alert.summary == "Seen in 3 incidents in the last 30 days (the rule: 3 in 30 days)."
    assert await incident_ids(alert) == {first.id, second.id, third.id}
    assert alert.open_until - alert.created_at == timedelta(days=7)


async def test_repeat_offender_window_is_counted_from_when_the_incidents_occurred(
    world: World, settings: Settings
) -> None:
    dave = await make_offender(world.home)
    old, _ = await report(world.home, settings, days_ago(31), offenders=[dave])  # outside the 30 days
    await report(world.home, settings, days_ago(1.5), offenders=[dave])
    _, alerts = await report(world.home, settings, days_ago(0.1), offenders=[dave])
    assert alerts == []

    # Counted from when the incidents occurred, not from now: 31 days ago is within 30 days of 32.
    older, alerts = await report(world.home, settings, days_ago(32), offenders=[dave])
    assert alerts == []  # 1.5 days ago is 30.5 days after 32
    middle, alerts = await report(world.home, settings, days_ago(29.9), offenders=[dave])
    [alert] = alerts
    # 29.9, 1.5 and 0.1 days ago are 3 within 30 days as well: the earliest such window is kept.
    assert await incident_ids(alert) == {older.id, old.id, middle.id}


async def test_repeat_offender_fires_when_a_backlog_is_linked_newest_first(
    world: World, settings: Settings
) -> None:
    dave = await make_offender(world.home)
    latest = now()
    # Reported without an offender on days 1, 5 and 10, then linked by a manager newest first.
    a, _ = await report(world.home, settings, days_ago(29, at=latest))
    b, _ = await report(world.home, settings, days_ago(25, at=latest))
    c, _ = await report(world.home, settings, days_ago(20, at=latest))
    assert await link(c, dave, settings) == []
    assert await link(b, dave, settings) == []  # 2 so far

    [alert] = await link(a, dave, settings)  # the oldest completes the pattern

    assert alert.rule == AlertRule.REPEAT_OFFENDER and alert.offender_id == dave.id
    assert alert.summary == "Seen in 3 incidents in the last 30 days (the rule: 3 in 30 days)."
    assert await incident_ids(alert) == {a.id, b.id, c.id}
    assert await Alert.all().count() == 1


async def test_repeat_offender_needs_all_of_them_within_one_window(world: World, settings: Settings) -> None:
    dave = await make_offender(world.home)
    latest = now()
    # Days 1, 30 and 59: each 29 days from the next, but never 3 within 30 days.
    a, _ = await report(world.home, settings, days_ago(58, at=latest))
    b, _ = await report(world.home, settings, days_ago(29, at=latest))
    c, _ = await report(world.home, settings, days_ago(0, at=latest))
    assert await link(c, dave, settings) == []
    assert await link(a, dave, settings) == []
    # The middle one last: 30 days either side of it holds all three, yet no 30 days do.
    assert await link(b, dave, settings) == []
    assert await Alert.all().count() == 0


async def test_other_offenders_and_other_bids_do_not_count(world: World, settings: Settings) -> None:
    dave, erin = await make_offender(world.home), await make_offender(world.home, "Erin")
    away_dave = await make_offender(world.away)
    await report(world.home, settings, days_ago(3), offenders=[dave])
    await report(world.home, settings, days_ago(2), offenders=[erin])
    await report(world.away, settings, days_ago(2), offenders=[away_dave])
    _, alerts = await report(world.home, settings, days_ago(1), offenders=[dave])
    assert of_rule(alerts, AlertRule.REPEAT_OFFENDER) == []


async def test_reported_then_linked_is_evaluated_on_the_link(world: World, settings: Settings) -> None:
    dave, erin = await make_offender(world.home), await make_offender(world.home, "Erin")
    for days in (5, 4):
        await report(world.home, settings, days_ago(days), offenders=[dave])
    await report(world.home, settings, days_ago(3), offenders=[erin])
    incident, alerts = await report(world.home, settings, days_ago(1))
    assert alerts == []  # no offender yet

    [alert] = await link(incident, dave, settings)
    assert alert.rule == AlertRule.REPEAT_OFFENDER and alert.offender_id == dave.id

    # A second offender linked later is evaluated on its own; Dave's alert is not raised again.
    assert await link(incident, erin, settings) == []
    assert await Alert.all().count() == 1


# MULTI_SHOP_OFFENDER: 2 different shops in 7 days


async def test_multi_shop_fires_at_the_second_shop_within_7_days(world: World, settings: Settings) -> None:
    dave = await make_offender(world.home)
    first, _ = await report(world.home, settings, days_ago(6), offenders=[dave], shop=0)
    _, alerts = await report(world.home, settings, days_ago(5), offenders=[dave], shop=0)
    assert alerts == []  # two incidents, one shop

    third, alerts = await report(world.home, settings, days_ago(0.5), offenders=[dave], shop=1)

    multi = of_rule(alerts, AlertRule.MULTI_SHOP_OFFENDER)
    assert len(multi) == 1
    assert multi[0].summary == "Seen at 2 different shops in the last 7 days (the rule: 2 shops in 7 days)."
    assert third.id in await incident_ids(multi[0]) and first.id in await incident_ids(multi[0])


async def test_multi_shop_ignores_a_shop_visited_more_than_7_days_before(
    world: World, settings: Settings
) -> None:
    dave = await make_offender(world.home)
    await report(world.home, settings, days_ago(8), offenders=[dave], shop=0)
    _, alerts = await report(world.home, settings, days_ago(0.5), offenders=[dave], shop=1)
    assert alerts == []


async def test_multi_shop_fires_when_the_older_shop_is_linked_last(world: World, settings: Settings) -> None:
    dave = await make_offender(world.home)
    await report(world.home, settings, days_ago(40), offenders=[dave], shop=0)  # long before
    older, _ = await report(world.home, settings, days_ago(5), shop=0)
    newer, _ = await report(world.home, settings, days_ago(1), shop=1)
    assert await link(newer, dave, settings) == []  # one shop within 7 days

    alerts = await link(older, dave, settings)

    [alert] = of_rule(alerts, AlertRule.MULTI_SHOP_OFFENDER)
    assert alert.summary == "Seen at 2 different shops in the last 7 days (the rule: 2 shops in 7 days)."
    assert await incident_ids(alert) == {older.id, newer.id}


# VIOLENCE_BY_KNOWN_OFFENDER: assault or threats by an offender with an earlier incident


async def test_violence_needs_an_earlier_incident(world: World, settings: Settings) -> None:
    dave = await make_offender(world.home)
    _, alerts = await report(world.home, settings, days_ago(5), offenders=[dave], kind=ASSAULT)
    assert alerts == []  # a first incident: not yet a known offender

    _, alerts = await report(world.home, settings, days_ago(4), offenders=[dave], kind=IncidentKind.THEFT)
    assert alerts == []  # known, but not violent

    violent, alerts = await report(world.home, settings, days_ago(1), offenders=[dave], kind=THREATS)
    [alert] = of_rule(alerts, AlertRule.VIOLENCE_BY_KNOWN_OFFENDER)
    assert alert.offender_id == dave.id
    assert alert.summary.startswith(
        "Threats or abuse by an offender seen in 2 incidents in the 365 days before"
    )
    assert violent.id in await incident_ids(alert)
    assert len(await incident_ids(alert)) == 3


async def test_violence_always_alerts_again(world: World, settings: Settings) -> None:
    dave = await make_offender(world.home)
    await report(world.home, settings, days_ago(100), offenders=[dave])
    _, first = await report(world.home, settings, days_ago(2), offenders=[dave], kind=ASSAULT)
    _, second = await report(world.home, settings, days_ago(1), offenders=[dave], kind=ASSAULT)
    [a] = of_rule(first, AlertRule.VIOLENCE_BY_KNOWN_OFFENDER)
    [b] = of_rule(second, AlertRule.VIOLENCE_BY_KNOWN_OFFENDER)
    assert a.id != b.id
    assert await OutboxEmail.all().count() == 2  # one email to the home team for each


async def test_violence_window_is_365_days(world: World, settings: Settings) -> None:
    dave = await make_offender(world.home)
    await report(world.home, settings, days_ago(366), offenders=[dave])
    _, alerts = await report(world.home, settings, days_ago(0.5), offenders=[dave], kind=ASSAULT)
    assert alerts == []


# EXCLUSION_BREACH: an incident on a day an exclusion of a linked offender covers


async def test_exclusion_breach_from_first_to_last_day_and_every_time(
    world: World, settings: Settings
) -> None:
    dave = await make_offender(world.home)
    starts, ends = date.today() - timedelta(days=60), date.today() - timedelta(days=20)
    await Exclusion.create(offender=dave, starts_on=starts, ends_on=ends, reason="Shoplifting")

    _, before = await report(world.home, settings, noon(starts - timedelta(days=1)), offenders=[dave])
    _, on_first = await report(world.home, settings, noon(starts), offenders=[dave])
    _, on_last = await report(world.home, settings, noon(ends), offenders=[dave])
    _, after = await report(world.home, settings, noon(ends + timedelta(days=1)), offenders=[dave])

    assert of_rule(before, AlertRule.EXCLUSION_BREACH) == []
    assert of_rule(after, AlertRule.EXCLUSION_BREACH) == []
    [first] = of_rule(on_first, AlertRule.EXCLUSION_BREACH)
    [last] = of_rule(on_last, AlertRule.EXCLUSION_BREACH)
    assert first.id != last.id  # always alerts, even within 7 days
    assert first.summary.startswith(f"Seen on {starts.day} {starts:%B %Y}, during an exclusion from")
    assert len(await incident_ids(first)) == 1


async def test_exclusion_days_are_uk_days(world: World, settings: Settings) -> None:
    dave = await make_offender(world.home)
    await Exclusion.create(
        offender=dave, starts_on=date(2025, 7, 1), ends_on=date(2025, 7, 10), reason="Shoplifting"
    )
    # 23:30 UTC on 10 July is 00:30 BST on 11 July: the exclusion has ended.
    _, alerts = await report(
        world.home, settings, datetime(2025, 7, 10, 23, 30, tzinfo=UTC), offenders=[dave]
    )
    assert alerts == []
    # 23:30 UTC on 30 June is 00:30 BST on 1 July: it has begun.
    _, alerts = await report(
        world.home, settings, datetime(2025, 6, 30, 23, 30, tzinfo=UTC), offenders=[dave]
    )
    assert [alert.rule for alert in alerts] == [AlertRule.EXCLUSION_BREACH]


# REPEAT_VEHICLE: the same registration twice in 30 days, within the BID


async def test_repeat_vehicle_fires_at_the_second_sighting_in_the_bid(
    world: World, settings: Settings
) -> None:
    _, alerts = await report(world.home, settings, days_ago(20), vehicle="AB12CDE", shop=0)
    assert alerts == []
    _, alerts = await report(world.away, settings, days_ago(10), vehicle="AB12CDE")
    assert alerts == []  # another BID's sighting does not count
    _, alerts = await report(world.home, settings, days_ago(55), vehicle="AB12CDE")
    assert alerts == []  # reported late, but 35 days before the first
    _, alerts = await report(world.home, settings, days_ago(9), vehicle="ZZ99ZZZ")
    assert alerts == []

    _, alerts = await report(world.home, settings, days_ago(1), vehicle="AB12CDE", shop=1)

    [alert] = alerts
    assert alert.rule == AlertRule.REPEAT_VEHICLE and alert.vehicle_registration == "AB12CDE"
    assert alert.offender_id is None and alert.shop_id is None
    assert (
        alert.summary == "Vehicle AB12CDE seen in 2 incidents in the last 30 days (the rule: 2 in 30 days)."
    )
    assert len(await incident_ids(alert)) == 2


async def test_repeat_vehicle_fires_on_an_older_sighting_reported_late(
    world: World, settings: Settings
) -> None:
    latest = now()
    await report(world.home, settings, days_ago(60, at=latest), vehicle="AB12CDE")
    recent, alerts = await report(world.home, settings, days_ago(1, at=latest), vehicle="AB12CDE")
    assert alerts == []  # 59 days apart

    late, alerts = await report(world.home, settings, days_ago(20, at=latest), vehicle="AB12CDE")

    [alert] = alerts
    assert alert.rule == AlertRule.REPEAT_VEHICLE and alert.vehicle_registration == "AB12CDE"
    assert (
        alert.summary == "Vehicle AB12CDE seen in 2 incidents in the last 30 days (the rule: 2 in 30 days)."
    )
    assert await incident_ids(alert) == {late.id, recent.id}


async def test_repeat_vehicle_needs_all_of_them_within_one_window(world: World, settings: Settings) -> None:
    await update_rule_setting(
        world.home.bid.id, AlertRule.REPEAT_VEHICLE, enabled=True, threshold=3, window_days=30
    )
    latest = now()
    # Days 1 and 59, then day 30 reported late: 30 days either side of it hold all three.
    await report(world.home, settings, days_ago(58, at=latest), vehicle="AB12CDE")
    await report(world.home, settings, days_ago(0, at=latest), vehicle="AB12CDE")
    _, alerts = await report(world.home, settings, days_ago(29, at=latest), vehicle="AB12CDE")
    assert alerts == []

    _, alerts = await report(world.home, settings, days_ago(10, at=latest), vehicle="AB12CDE")
    [alert] = alerts  # days 30, 49 and 59
    assert len(await incident_ids(alert)) == 3


# SHOP_HOTSPOT: 5+ in 7 days and at least twice the weekly average over the previous 8 weeks


async def test_hotspot_fires_at_the_fifth_incident_in_7_days(world: World, settings: Settings) -> None:
    # As at yesterday's midday: the seven UK days ending on a report's day then hold "150 hours
    # ago", which before 06:00 they would not (the rule counts whole days).
    midday = datetime.combine((now() - timedelta(days=1)).date(), time(12), tzinfo=UTC)
    with clock_at(midday):
        for hours in (150, 100, 50, 20):
            _, alerts = await report(world.home, settings, days_ago(hours / 24), shop=1)
            assert alerts == []
        await report(world.home, settings, days_ago(0.5), shop=0)  # another shop does not count

        _, alerts = await report(world.home, settings, days_ago(0.1), shop=1)

    [alert] = alerts
    assert alert.rule == AlertRule.SHOP_HOTSPOT and alert.shop_id == world.home.shops[1].id
    assert alert.summary.startswith(
        "5 incidents at this shop in the last 7 days, against a weekly average of 0.0"
    )
    assert len(await incident_ids(alert)) == 5


async def test_hotspot_needs_twice_the_shop_average(world: World, settings: Settings) -> None:
    latest = now()
    # 24 incidents in the 8 weeks before the last 7 days: an average of 3 a week, so 6 are needed.
    for n in range(24):
        await make_incident(world.home, days_ago(10 + n * 2, at=latest))
    for days in (3.0, 2.8, 2.6, 2.4):
        _, alerts = await report(world.home, settings, days_ago(days, at=latest))
        assert alerts == []
    _, alerts = await report(world.home, settings, days_ago(2.2, at=latest))
    assert alerts == []  # 5 in 7 days, but fewer than twice 3

    _, alerts = await report(world.home, settings, days_ago(2.0, at=latest))

    [alert] = alerts
    assert alert.rule == AlertRule.SHOP_HOTSPOT
    assert alert.summary == (
        "6 incidents at this shop in the last 7 days, against a weekly average of 3.0 over the previous "
        "8 weeks (the rule: at least 5 in 7 days and at least 2 times the average)."
    )
    assert len(await incident_ids(alert)) == 6


# Joining an open alert, and alerting again once it has closed


async def test_later_incidents_join_the_open_alert_without_an_email(world: World, settings: Settings) -> None:
    dave = await make_offender(world.home)
    for days in (5, 4, 3):
        _, alerts = await report(world.home, settings, days_ago(days), offenders=[dave])
    [alert] = alerts
    assert await OutboxEmail.all().count() == 1

    fourth, alerts = await report(world.home, settings, days_ago(2), offenders=[dave])

    assert alerts == []
    assert await Alert.all().count() == 1
    assert fourth.id in await incident_ids(alert)
    assert await OutboxEmail.all().count() == 1


async def test_after_7_days_the_same_pattern_alerts_again(world: World, settings: Settings) -> None:
    dave = await make_offender(world.home)
    for days in (5, 4, 3):
        _, alerts = await report(world.home, settings, days_ago(days), offenders=[dave])
    [first] = alerts
    # A week passes: the alert is no longer open.
    await Alert.filter(id=first.id).update(
        created_at=now() - timedelta(days=7, minutes=1), open_until=now() - timedelta(minutes=1)
    )

    fourth, alerts = await report(world.home, settings, days_ago(2), offenders=[dave])

    [second] = alerts
    assert second.id != first.id and second.rule == AlertRule.REPEAT_OFFENDER
    assert len(await incident_ids(second)) == 4
    assert fourth.id not in await incident_ids(first)
    assert await OutboxEmail.all().count() == 2


async def test_an_incident_evaluated_again_raises_nothing_new(world: World, settings: Settings) -> None:
    dave = await make_offender(world.home)
    await report(world.home, settings, days_ago(9), offenders=[dave])
    await report(world.home, settings, days_ago(8), offenders=[dave])
    incident, alerts = await report(world.home, settings, days_ago(1), offenders=[dave], kind=ASSAULT)
    assert sorted(alert.rule for alert in alerts) == [
        AlertRule.REPEAT_OFFENDER,
        AlertRule.VIOLENCE_BY_KNOWN_OFFENDER,
    ]
    emails = await OutboxEmail.all().count()

    assert await evaluate_rules(incident, settings) == []
    # Even once the alerts have closed, the incident is already in them.
    await Alert.all().update(open_until=now() - timedelta(minutes=1))
    assert await evaluate_rules(incident, settings) == []

    assert await Alert.all().count() == 2
    assert await OutboxEmail.all().count() == emails


async def test_two_reports_at_once_raise_one_alert(world: World, settings: Settings, database: str) -> None:
    if not db.is_postgres(database):
        pytest.skip("SQLite lets one transaction write at a time")
    dave = await make_offender(world.home)
    for days in (5, 4):
        await report(world.home, settings, days_ago(days), offenders=[dave])
    both_stored = asyncio.Barrier(2)

    async def report_in_a_transaction(days: float) -> list[Alert]:
        async with in_transaction():
            # Numbered by hand: taking the BID's next number would make the second wait for the first.
            incident = await make_incident(world.home, days_ago(days), reference=f"HOM-TEST-{days}")
            await OffenderLink.create(incident=incident, offender=dave)
            await both_stored.wait()  # neither transaction can see the other's incident
            return await evaluate_rules(incident, settings)

    raised = await asyncio.gather(report_in_a_transaction(2), report_in_a_transaction(1))

    assert sorted(len(alerts) for alerts in raised) == [0, 1]
    [alert] = await Alert.all()
    assert len(await incident_ids(alert)) == 4  # the second joined the first's alert
    assert await OutboxEmail.all().count() == 1


# A BID's own settings


async def test_a_bid_can_lower_a_threshold_without_changing_another_bid(
    world: World, settings: Settings
) -> None:
    manager = world.home.users[Role.BID_MANAGER]
    changed = await update_rule_setting(
        world.home.bid.id,
        AlertRule.REPEAT_OFFENDER,
        enabled=True,
        threshold=2,
        window_days=10,
        updated_by=manager,
    )
    assert changed == RuleSettings(AlertRule.REPEAT_OFFENDER, enabled=True, threshold=2, window_days=10)
    assert (await rule_settings(world.home.bid.id))[AlertRule.REPEAT_OFFENDER] == changed
    assert await rule_settings(world.away.bid.id) == DEFAULT_RULES
    row = await AlertRuleSetting.get(bid_id=world.home.bid.id, rule=AlertRule.REPEAT_OFFENDER)
    assert row.updated_by_id == manager.id

    home_dave, away_dave = await make_offender(world.home), await make_offender(world.away)
    await report(world.home, settings, days_ago(11), offenders=[home_dave])
    _, alerts = await report(world.home, settings, days_ago(0.5), offenders=[home_dave])
    assert alerts == []  # 2, but not within 10 days
    _, alerts = await report(world.home, settings, days_ago(0.4), offenders=[home_dave])
    [alert] = alerts
    assert alert.summary == "Seen in 2 incidents in the last 10 days (the rule: 2 in 10 days)."

    await report(world.away, settings, days_ago(2), offenders=[away_dave])
    _, alerts = await report(world.away, settings, days_ago(1), offenders=[away_dave])
    assert alerts == []  # the away BID keeps 3 in 30 days


async def test_a_disabled_rule_never_fires(world: World, settings: Settings) -> None:
    await update_rule_setting(
        world.home.bid.id, AlertRule.REPEAT_VEHICLE, enabled=False, threshold=2, window_days=30
    )
    await report(world.home, settings, days_ago(2), vehicle="AB12CDE")
    _, alerts = await report(world.home, settings, days_ago(1), vehicle="AB12CDE")
    assert alerts == []

    # Turned back on, leaving the threshold and window as they were.
    on = await update_rule_setting(world.home.bid.id, AlertRule.REPEAT_VEHICLE, enabled=True)
    assert on == DEFAULT_RULES[AlertRule.REPEAT_VEHICLE]
    _, alerts = await report(world.home, settings, days_ago(0.5), vehicle="AB12CDE")
    assert [alert.rule for alert in alerts] == [AlertRule.REPEAT_VEHICLE]


async def test_every_rule_disabled_evaluates_to_nothing(world: World, settings: Settings) -> None:
    for rule in AlertRule:
        await update_rule_setting(world.home.bid.id, rule, enabled=False)
    dave = await make_offender(world.home)
    await Exclusion.create(
        offender=dave, starts_on=date.today() - timedelta(days=5), ends_on=date.today(), reason="x"
    )
    for days in (4, 3, 2, 1):
        _, alerts = await report(world.home, settings, days_ago(days), offenders=[dave], kind=ASSAULT)
        assert alerts == []


@pytest.mark.parametrize(
    ("threshold", "window_days", "field"),
    [(0, 30, "threshold"), (101, 30, "threshold"), (3, 0, "windowDays"), (3, 366, "windowDays")],
)
async def test_update_rule_setting_refuses_out_of_range_values(
    world: World, threshold: int, window_days: int, field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        await update_rule_setting(
            world.home.bid.id,
            AlertRule.SHOP_HOTSPOT,
            enabled=True,
            threshold=threshold,
            window_days=window_days,
        )
    assert refused.value.field == field
    assert await AlertRuleSetting.all().count() == 0


async def test_update_rule_setting_accepts_the_bounds(world: World) -> None:
    low = await update_rule_setting(
        world.home.bid.id, AlertRule.SHOP_HOTSPOT, enabled=True, threshold=1, window_days=1
    )
    high = await update_rule_setting(
        world.home.bid.id, AlertRule.SHOP_HOTSPOT, enabled=True, threshold=100, window_days=365
    )
    assert (low.threshold, low.window_days, high.threshold, high.window_days) == (1, 1, 100, 365)
    assert await AlertRuleSetting.all().count() == 1


async def test_exclusion_breach_has_no_threshold_to_change(world: World) -> None:
    changed = await update_rule_setting(
        world.home.bid.id, AlertRule.EXCLUSION_BREACH, enabled=False, threshold=0, window_days=0
    )
    assert changed == RuleSettings(AlertRule.EXCLUSION_BREACH, enabled=False, threshold=1, window_days=0)
    assert (await rule_settings(world.home.bid.id))[AlertRule.EXCLUSION_BREACH] == changed


async def test_the_first_acknowledgement_stands(world: World, settings: Settings) -> None:
    police, manager = world.home.users[Role.POLICE], world.home.users[Role.BID_MANAGER]
    await report(world.home, settings, days_ago(2), vehicle="AB12CDE")
    _, [alert] = await report(world.home, settings, days_ago(1), vehicle="AB12CDE")

    first = await acknowledge_alert(alert, police)
    again = await acknowledge_alert(alert, manager)

    assert first.acknowledged_by_id == police.id and first.acknowledged_at is not None
    assert again.acknowledged_by_id == police.id and again.acknowledged_at == first.acknowledged_at
