"""A BID's figures for a period, each one aggregated by the database.

The statements (`area_sql`) read the incident table through its (bid_id, occurred_at, ...) index;
the incident rows themselves never come to Python, only their counts and sums, which are put in
order here, with the zeros for kinds, shops, weeks and hours that had nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from shopwatch.core.sql import Statement, dialect, fetch, fetch_models
from shopwatch.incidents.hotspots import HotspotTest
from shopwatch.incidents.models import IncidentKind
from shopwatch.offenders.models import Offender
from shopwatch.places.models import Shop
from shopwatch.summaries.area_sql import (
    COVERED,
    KIND,
    PERIOD_INCIDENTS,
    REPEAT_INCIDENTS,
    SHOP,
    WEEK,
    incident_statement,
    offender_statement,
)
from shopwatch.summaries.periods import Period

EPOCH = date(1970, 1, 1)

TOP_OFFENDERS = 10
# An offender with this many incidents in the period makes their incidents "repeat-offender" ones.
REPEAT_OFFENDER_INCIDENTS = 3


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
    # Whether the BID has incidents from before the previous period began: if not, its records may
    # start inside it, and a change against it would mislead.
    previous_covered: bool
    by_kind: list[KindFigure]
    by_shop: list[ShopFigure]
    by_week: list[WeekFigure]
    by_hour_of_week: list[HourOfWeekFigure]
    repeat_offender_incidents: int
    top_offenders: list[OffenderFigure]
    hotspots: list[Hotspot]
    # The definition the hotspots were found by (the BID's SHOP_HOTSPOT rule), and whether it alerts.
    hotspot_test: HotspotTest = field(default_factory=HotspotTest)
    hotspot_alerts: bool = True
    # The BID's shops and the top offenders by id, as read for the figures, so what shows them need
    # not read them again.
    shops: dict[int, Shop] = field(default_factory=dict, compare=False, repr=False)
    offenders: dict[int, Offender] = field(default_factory=dict, compare=False, repr=False)

    @property
    def change(self) -> float | None:
        """The change on the previous period as a fraction (-0.28 is 28% down); None from zero, or
        when the records do not cover the whole previous period."""
        if self.previous_total == 0 or not self.previous_covered:
            return None
        return (self.total - self.previous_total) / self.previous_total

    @property
    def repeat_offender_share(self) -> float:
        return self.repeat_offender_incidents / self.total if self.total else 0.0


async def area_figures(
    bid_id: int, period: Period, hotspot: HotspotTest | None = None, *, hotspot_alerts: bool = True
) -> AreaFigures:
    """Every figure of the area summary: two aggregate statements and the BID's shops. `hotspot`
    is the BID's definition (alerts.rules.bid_hotspot_test), the defaults when not given."""
    hotspot = hotspot or HotspotTest()
    incident_sql, offender_sql = Statement(dialect()), Statement(dialect())
    incident_rows = await fetch(incident_sql, incident_statement(incident_sql, bid_id, period, hotspot))
    top_offenders = await fetch_models(
        Offender,
        offender_sql,
        offender_statement(offender_sql, bid_id, period, REPEAT_OFFENDER_INCIDENTS, TOP_OFFENDERS),
        [PERIOD_INCIDENTS, REPEAT_INCIDENTS],
    )
    shops = {shop.id: shop for shop in await Shop.filter(bid_id=bid_id)}
    return _assemble(bid_id, period, incident_rows, top_offenders, shops, hotspot, hotspot_alerts)


def _assemble(
    bid_id: int,
    period: Period,
    incident_rows: list[Any],
    top_offenders: list[Offender],
    shops: dict[int, Shop],
    hotspot: HotspotTest,
    hotspot_alerts: bool,
) -> AreaFigures:
    kinds: dict[tuple[str, int], tuple[int, int]] = {}
    by_shop: dict[int, tuple[int, int, int, int]] = {}
    weeks: dict[date, int] = {}
    hours: dict[tuple[int, int], int] = {}
    covered = False
    for tag, kind, in_period, shop_id, a, b, count, value, recent, baseline in incident_rows:
        if tag == KIND:
            kinds[(kind, int(in_period))] = (int(count), int(value))
        elif tag == SHOP:
            by_shop[int(shop_id)] = (int(count), int(value), int(recent), int(baseline))
        elif tag == WEEK:
            weeks[EPOCH + timedelta(days=int(a))] = int(count)
        elif tag == COVERED:
            covered = bool(count)
        else:
            hours[(int(a), int(b))] = int(count)

    def by_kind(in_period: int) -> list[KindFigure]:
        return [KindFigure(kind, *kinds.get((kind.value, in_period), (0, 0))) for kind in IncidentKind]

    current, previous = by_kind(1), by_kind(0)
    counts = {pk: by_shop.get(pk, (0, 0, 0, 0)) for pk in shops}
    busiest = sorted(counts, key=lambda pk: (-counts[pk][0], shops[pk].name, pk))
    hotspots = sorted(
        (
            Hotspot(pk, recent, hotspot.average(baseline))
            for pk, (_, _, recent, baseline) in counts.items()
            if hotspot.holds(recent, baseline)
        ),
        key=lambda spot: (-spot.last_seven_days, spot.shop_id),
    )
    top = sorted(
        (OffenderFigure(offender.id, int(getattr(offender, PERIOD_INCIDENTS))) for offender in top_offenders),
        key=lambda figure: (-figure.count, figure.offender_id),
    )
    # Every row carries the repeat count; no row means no incident linked to anyone.
    repeat = int(getattr(top_offenders[0], REPEAT_INCIDENTS)) if top_offenders else 0
    return AreaFigures(
        bid_id=bid_id,
        period=period,
        total=sum(figure.count for figure in current),
        value_stolen_pence=sum(figure.value_stolen_pence for figure in current),
        previous_total=sum(figure.count for figure in previous),
        previous_value_stolen_pence=sum(figure.value_stolen_pence for figure in previous),
        previous_covered=covered,
        by_kind=current,
        by_shop=[ShopFigure(pk, counts[pk][0], counts[pk][1]) for pk in busiest],
        by_week=[WeekFigure(monday, weeks.get(monday, 0)) for monday in period.weeks()],
        by_hour_of_week=[
            HourOfWeekFigure(day, hour, hours.get((day, hour), 0))
            for day in range(1, 8)
            for hour in range(24)
        ],
        repeat_offender_incidents=repeat,
        top_offenders=top,
        hotspots=hotspots,
        hotspot_test=hotspot,
        hotspot_alerts=hotspot_alerts,
        shops=shops,
        offenders={offender.id: offender for offender in top_offenders},
    )
