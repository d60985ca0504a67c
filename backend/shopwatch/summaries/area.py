"""A BID's figures for a period, each one aggregated by the database.

Every statement reads the incident table through its (bid_id, occurred_at, ...) index; the
incident rows themselves never come to Python, only their counts and sums.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from shopwatch.incidents.models import IncidentKind
from shopwatch.summaries.periods import HOTSPOT_BASELINE_WEEKS, Period
from shopwatch.summaries.sql import Statement, as_date, dialect, fetch, planned_for_their_values

TOP_OFFENDERS = 10
# An offender with this many incidents in the period makes their incidents "repeat-offender" ones.
REPEAT_OFFENDER_INCIDENTS = 3
# A hotspot: at least this many incidents in the last 7 days ...
HOTSPOT_MIN_INCIDENTS = 5
# ... and at least this many times the shop's weekly average over the 8 weeks before.
HOTSPOT_FACTOR = 2


@dataclass(frozen=True)
class KindFigure:
    kind: IncidentKind
    count: int
    value_stolen_pence: int


@dataclass(frozen=True)
class ShopFigure:
    shop_id: int
    count: int
    value_stolen_pence: int


@dataclass(frozen=True)
class WeekFigure:
    week_start: date
    count: int


@dataclass(frozen=True)
class HourOfWeekFigure:
    day_of_week: int  # 1 Monday to 7 Sunday
    hour: int
    count: int


@dataclass(frozen=True)
class OffenderFigure:
    offender_id: int
    count: int


@dataclass(frozen=True)
class Hotspot:
    shop_id: int
    last_seven_days: int
    weekly_average: float


@dataclass(frozen=True)
class AreaFigures:
    bid_id: int
    period: Period
    total: int
    value_stolen_pence: int
    previous_total: int
    previous_value_stolen_pence: int
    by_kind: list[KindFigure]
    by_shop: list[ShopFigure]
    by_week: list[WeekFigure]
    by_hour_of_week: list[HourOfWeekFigure]
    repeat_offender_incidents: int
    top_offenders: list[OffenderFigure]
    hotspots: list[Hotspot]

    @property
    def change(self) -> float | None:
        """The change on the previous period as a fraction (-0.28 is 28% down); None from zero."""
        if self.previous_total == 0:
            return None
        return (self.total - self.previous_total) / self.previous_total

    @property
    def repeat_offender_share(self) -> float:
        return self.repeat_offender_incidents / self.total if self.total else 0.0


async def area_figures(bid_id: int, period: Period) -> AreaFigures:
    """Every figure of the area summary: seven aggregate statements. Inside a transaction on
    PostgreSQL only, to plan them for their values (`planned_for_their_values`)."""
    async with planned_for_their_values():
        return await _figures(bid_id, period)


async def _figures(bid_id: int, period: Period) -> AreaFigures:
    current, previous = await _by_kind(bid_id, period)
    return AreaFigures(
        bid_id=bid_id,
        period=period,
        total=sum(figure.count for figure in current),
        value_stolen_pence=sum(figure.value_stolen_pence for figure in current),
        previous_total=sum(figure.count for figure in previous),
        previous_value_stolen_pence=sum(figure.value_stolen_pence for figure in previous),
        by_kind=current,
        by_shop=await _by_shop(bid_id, period),
        by_week=await _by_week(bid_id, period),
        by_hour_of_week=await _by_hour_of_week(bid_id, period),
        repeat_offender_incidents=await _repeat_offender_incidents(bid_id, period),
        top_offenders=await _top_offenders(bid_id, period),
        hotspots=await _hotspots(bid_id, period),
    )


def _in_bid(sql: Statement, bid_id: int, period: Period, table: str = "incident") -> str:
    return (
        f"{table}.bid_id = {sql.param(bid_id)} AND {table}.occurred_at >= {sql.param(period.start)} "
        f"AND {table}.occurred_at < {sql.param(period.end)}"
    )


async def _by_kind(bid_id: int, period: Period) -> tuple[list[KindFigure], list[KindFigure]]:
    """Counts and losses by kind in the period and in the one before, from one index range."""
    sql = Statement(dialect())
    span = Period(period.previous().first, period.last)
    rows = await fetch(
        sql,
        f"SELECT kind, CASE WHEN occurred_at >= {sql.param(period.start)} THEN 1 ELSE 0 END, "
        f"COUNT(*), COALESCE(SUM(value_stolen_pence), 0) FROM incident "
        f"WHERE {_in_bid(sql, bid_id, span)} GROUP BY 1, 2",
    )
    found = {(row[0], int(row[1])): (int(row[2]), int(row[3])) for row in rows}

    def figures(in_period: int) -> list[KindFigure]:
        return [KindFigure(kind, *found.get((kind.value, in_period), (0, 0))) for kind in IncidentKind]

    return figures(1), figures(0)


async def _by_shop(bid_id: int, period: Period) -> list[ShopFigure]:
    """Every shop of the BID, those with nothing reported included; busiest first."""
    sql = Statement(dialect())
    # Counted from the BID's index range (which holds shop and value), then joined to the shops:
    # joining first would read each shop's rows from the table through the shop index.
    counts = (
        "SELECT incident.shop_id, COUNT(*) AS n, COALESCE(SUM(incident.value_stolen_pence), 0) AS pence "
        f"FROM incident WHERE {_in_bid(sql, bid_id, period)} GROUP BY incident.shop_id"
    )
    rows = await fetch(
        sql,
        "SELECT shop.id, COALESCE(counts.n, 0), COALESCE(counts.pence, 0) "
        f"FROM shop LEFT JOIN ({counts}) AS counts ON counts.shop_id = shop.id "
        f"WHERE shop.bid_id = {sql.param(bid_id)} ORDER BY 2 DESC, shop.name, shop.id",
    )
    return [ShopFigure(int(row[0]), int(row[1]), int(row[2])) for row in rows]


async def _by_week(bid_id: int, period: Period) -> list[WeekFigure]:
    """Every Monday-start local week the period touches, counting only the period's days."""
    sql = Statement(dialect())
    local = sql.local("occurred_at", period.start, period.end)
    rows = await fetch(
        sql,
        f"SELECT {local.week_start}, COUNT(*) FROM incident WHERE {_in_bid(sql, bid_id, period)} GROUP BY 1",
    )
    found = {as_date(row[0]): int(row[1]) for row in rows}
    return [WeekFigure(monday, found.get(monday, 0)) for monday in period.weeks()]


async def _by_hour_of_week(bid_id: int, period: Period) -> list[HourOfWeekFigure]:
    """All 168 hours of the local week, Monday 00:00 first."""
    sql = Statement(dialect())
    local = sql.local("occurred_at", period.start, period.end)
    rows = await fetch(
        sql,
        f"SELECT {local.iso_weekday}, {local.hour}, COUNT(*) FROM incident "
        f"WHERE {_in_bid(sql, bid_id, period)} GROUP BY 1, 2",
    )
    found = {(int(row[0]), int(row[1])): int(row[2]) for row in rows}
    return [
        HourOfWeekFigure(day, hour, found.get((day, hour), 0)) for day in range(1, 8) for hour in range(24)
    ]


def _period_links(sql: Statement, bid_id: int, period: Period) -> str:
    """The offender links of the period's incidents, as a FROM clause."""
    return (
        "offender_link JOIN incident ON incident.id = offender_link.incident_id "
        f"WHERE {_in_bid(sql, bid_id, period)}"
    )


async def _repeat_offender_incidents(bid_id: int, period: Period) -> int:
    """Incidents linked to an offender who has 3 or more incidents in the period."""
    sql = Statement(dialect())
    # The period's links read once, each with its offender's count in the period beside it. With
    # `offender_id IN (subquery)` instead, SQLite could probe the link index once per incident
    # and repeat offender (0.5 s for a BID with 10k incidents a year).
    rows = await fetch(
        sql,
        "SELECT COUNT(DISTINCT incident_id) FROM (SELECT offender_link.incident_id, "
        "COUNT(*) OVER (PARTITION BY offender_link.offender_id) AS incidents "
        f"FROM {_period_links(sql, bid_id, period)}) AS links "
        f"WHERE incidents >= {sql.param(REPEAT_OFFENDER_INCIDENTS)}",
    )
    return int(rows[0][0])


async def _top_offenders(bid_id: int, period: Period) -> list[OffenderFigure]:
    """The offenders in most of the period's incidents; ties to the longest-known record."""
    sql = Statement(dialect())
    rows = await fetch(
        sql,
        f"SELECT offender_link.offender_id, COUNT(*) FROM {_period_links(sql, bid_id, period)} "
        f"GROUP BY offender_link.offender_id ORDER BY 2 DESC, 1 LIMIT {sql.param(TOP_OFFENDERS)}",
    )
    return [OffenderFigure(int(row[0]), int(row[1])) for row in rows]


async def _hotspots(bid_id: int, period: Period) -> list[Hotspot]:
    """Shops with 5+ incidents in the period's last 7 days and twice their usual weekly count."""
    sql = Statement(dialect())
    recent, baseline = period.hotspot_window(), period.hotspot_baseline()
    since = sql.param(recent.start)
    recent_count = f"SUM(CASE WHEN occurred_at >= {since} THEN 1 ELSE 0 END)"
    baseline_count = f"SUM(CASE WHEN occurred_at < {since} THEN 1 ELSE 0 END)"
    rows = await fetch(
        sql,
        f"SELECT shop_id, {recent_count}, {baseline_count} FROM incident "
        f"WHERE {_in_bid(sql, bid_id, Period(baseline.first, recent.last))} GROUP BY shop_id "
        f"HAVING {recent_count} >= {sql.param(HOTSPOT_MIN_INCIDENTS)} "
        f"AND {recent_count} * {sql.param(HOTSPOT_BASELINE_WEEKS)} "
        f">= {sql.param(HOTSPOT_FACTOR)} * {baseline_count} ORDER BY 2 DESC, 1",
    )
    return [Hotspot(int(row[0]), int(row[1]), int(row[2]) / HOTSPOT_BASELINE_WEEKS) for row in rows]
