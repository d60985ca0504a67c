"""Every area figure equals a plain recomputation from the raw rows: random data and hand-made edges."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shopwatch.incidents.models import IncidentKind
from shopwatch.summaries.area import area_figures
from shopwatch.summaries.periods import Period
from tests.summaries.data import add_incidents, make_area, remove_everything
from tests.summaries.reference import actual_figures, expected_figures

THEFT = IncidentKind.THEFT
# The clocks go forward at 01:00 UTC on 29 March 2026 and back at 01:00 UTC on 25 October 2026.
SPRING = datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
AUTUMN = datetime(2026, 10, 25, 1, 0, tzinfo=UTC)
START = datetime(2026, 1, 1, tzinfo=UTC)
END = datetime(2027, 1, 1, tzinfo=UTC)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


async def check(area_slug: str, shops: int, incidents: list, period: Period, offenders: int = 0) -> dict:
    area = await make_area(area_slug, shops, offenders)
    await add_incidents(area, incidents)
    actual = actual_figures(await area_figures(area.bid.id, period))
    assert actual == expected_figures(area.rows, area.links, area.shop_names, period)
    return actual


async def test_an_empty_period_has_every_row_at_zero(database: str) -> None:
    figures = await check("empty", 2, [], Period(date(2026, 6, 1), date(2026, 6, 30)))
    assert figures["total"] == 0
    assert [count for _, count in figures["by_week"]] == [0] * 5
    assert len(figures["by_hour_of_week"]) == 168
    assert {count for *_, count in figures["by_hour_of_week"]} == {0}
    assert [(count, value) for _, count, value in figures["by_shop"]] == [(0, 0), (0, 0)]
    assert figures["top_offenders"] == [] and figures["hotspots"] == []


async def test_a_shop_with_nothing_reported_is_listed_with_zeros(database: str) -> None:
    incidents = [(0, THEFT, utc(2026, 6, 3, 12), 1250, []), (0, THEFT, utc(2026, 6, 4, 12), None, [])]
    figures = await check("zeros", 3, incidents, Period(date(2026, 6, 1), date(2026, 6, 30)))
    assert [(count, value) for _, count, value in figures["by_shop"]] == [(2, 1250), (0, 0), (0, 0)]
    assert figures["value_stolen_pence"] == 1250


async def test_weeks_start_on_monday_at_local_midnight(database: str) -> None:
    # In summer, Sunday 23:30 UTC is already Monday 00:30 in the town centre.
    incidents = [
        (0, THEFT, utc(2026, 6, 7, 22, 30), None, []),  # Sunday 23:30 BST
        (0, THEFT, utc(2026, 6, 7, 23, 30), None, []),  # Monday 00:30 BST
    ]
    figures = await check("weeks", 1, incidents, Period(date(2026, 6, 1), date(2026, 6, 14)))
    assert figures["by_week"] == [(date(2026, 6, 1), 1), (date(2026, 6, 8), 1)]
    assert (7, 23, 1) in figures["by_hour_of_week"] and (1, 0, 1) in figures["by_hour_of_week"]


async def test_hours_follow_the_clock_when_it_goes_forward(database: str) -> None:
    incidents = [
        (0, THEFT, SPRING - timedelta(minutes=30), None, []),  # 00:30 GMT
        (0, THEFT, SPRING + timedelta(minutes=30), None, []),  # 02:30 BST: 01:00-02:00 never happens
    ]
    figures = await check("spring", 1, incidents, Period(date(2026, 3, 29), date(2026, 3, 29)))
    sunday = [(hour, count) for day, hour, count in figures["by_hour_of_week"] if day == 7 and count]
    assert sunday == [(0, 1), (2, 1)]


async def test_hours_follow_the_clock_when_it_goes_back(database: str) -> None:
    incidents = [
        (0, THEFT, AUTUMN - timedelta(minutes=30), None, []),  # 01:30 BST
        (0, THEFT, AUTUMN + timedelta(minutes=30), None, []),  # 01:30 GMT: the hour happens twice
    ]
    figures = await check("autumn", 1, incidents, Period(date(2026, 10, 25), date(2026, 10, 25)))
    sunday = [(hour, count) for day, hour, count in figures["by_hour_of_week"] if day == 7 and count]
    assert sunday == [(1, 2)]
    assert figures["total"] == 2


async def test_a_period_runs_from_local_midnight_to_local_midnight(database: str) -> None:
    incidents = [
        (0, THEFT, utc(2026, 6, 30, 22, 59), None, []),  # 23:59 BST on 30 June: in
        (0, THEFT, utc(2026, 6, 30, 23, 0), None, []),  # 00:00 BST on 1 July: out
        (0, THEFT, utc(2026, 5, 31, 23, 0), None, []),  # 00:00 BST on 1 June: in
        (0, THEFT, utc(2026, 5, 31, 22, 59), None, []),  # 31 May: the previous period
    ]
    figures = await check("edges", 1, incidents, Period(date(2026, 6, 1), date(2026, 6, 30)))
    assert (figures["total"], figures["previous_total"]) == (2, 1)


async def test_repeat_offenders_and_top_offenders(database: str) -> None:
    day = utc(2026, 6, 10, 12)
    incidents = [
        (0, THEFT, day, None, [0]),
        (1, THEFT, day + timedelta(hours=1), None, [0, 1]),
        (0, THEFT, day + timedelta(hours=2), None, [0]),
        (0, THEFT, day + timedelta(hours=3), None, [1]),
        (0, THEFT, day + timedelta(hours=4), None, []),
    ]
    figures = await check("repeat", 2, incidents, Period(date(2026, 6, 1), date(2026, 6, 30)), offenders=2)
    # Offender 0 has three incidents; offender 1 two, one of them shared with offender 0.
    assert figures["repeat_offender_incidents"] == 3
    assert [count for _, count in figures["top_offenders"]] == [3, 2]


async def test_a_hotspot_is_a_busy_week_against_the_eight_before(database: str) -> None:
    def five(shop: int) -> list:
        return [(shop, THEFT, utc(2026, 9, 28, 10 + n), None, []) for n in range(5)]

    def before(shop: int, count: int) -> list:
        return [(shop, THEFT, utc(2026, 8, 10, 12) - timedelta(hours=n), None, []) for n in range(count)]

    weekly = [(1, THEFT, utc(2026, 9, 20, 12) - timedelta(days=7 * n), None, []) for n in range(8)]
    incidents = five(0) + five(1) + weekly + five(2) + before(2, 20) + five(3) + before(3, 21)
    figures = await check("hotspot", 4, incidents, Period(date(2026, 9, 1), date(2026, 9, 30)))
    # 5 in the last week against none, 1 a week, and 2.5 a week (just twice); not 2.625 a week.
    assert [(count, average) for _, count, average in figures["hotspots"]] == [
        (5, 0.0),
        (5, 1.0),
        (5, 2.5),
    ]


KINDS = st.sampled_from(list(IncidentKind))
# Times anywhere in the year, and many within hours of a clock change or of local midnight.
NEAR = st.sampled_from([SPRING, AUTUMN, utc(2026, 6, 7, 23), utc(2026, 12, 31, 0)])
TIMES = st.one_of(
    st.datetimes(START.replace(tzinfo=None), END.replace(tzinfo=None)).map(lambda t: t.replace(tzinfo=UTC)),
    st.builds(lambda at, minutes: at + timedelta(minutes=minutes), NEAR, st.integers(-300, 300)),
)
INCIDENT = st.tuples(
    st.integers(0, 2),
    KINDS,
    TIMES,
    st.one_of(st.none(), st.integers(0, 100_000)),
    st.lists(st.integers(0, 3), max_size=2),
)
PERIODS = st.builds(
    lambda first, days: Period(first, first + timedelta(days=days)),
    st.dates(date(2026, 1, 1), date(2026, 12, 31)),
    st.integers(0, 120),
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(incidents=st.lists(INCIDENT, max_size=60), period=PERIODS)
async def test_random_areas_match_the_recomputation(database: str, incidents: list, period: Period) -> None:
    try:
        await check("random", 4, incidents, period, offenders=4)
    finally:
        await remove_everything()
