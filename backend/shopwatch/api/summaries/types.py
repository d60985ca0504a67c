"""GraphQL types for area summaries and public figures."""

from __future__ import annotations

from datetime import date

import strawberry

from shopwatch.api.context import Info
from shopwatch.api.offenders.types import Offender
from shopwatch.api.places import Bid, Shop
from shopwatch.incidents.models import IncidentKind
from shopwatch.summaries import area, public


@strawberry.type
class KindCount:
    kind: IncidentKind
    count: int
    value_stolen_pence: int


@strawberry.type
class ShopCount:
    shop: Shop
    count: int
    value_stolen_pence: int


@strawberry.type(description="A Monday-start week, in UK time.")
class WeekCount:
    week_start: date
    count: int


@strawberry.type(description="One hour of the week in UK time: 168 cells, Monday 00:00 first.")
class HourOfWeekCount:
    day_of_week: int = strawberry.field(description="1 is Monday, 7 is Sunday.")
    hour: int = strawberry.field(description="0 to 23, on the local clock.")
    count: int


@strawberry.type
class OffenderCount:
    offender: Offender
    count: int


@strawberry.type(
    description="A shop that is a hotspot on the period's last day by the BID's SHOP_HOTSPOT rule (5 "
    "or more incidents in the 7 days ending that day and at least twice its average for 7 days over "
    "the 8 periods before, unless the BID changed the threshold or the days): the shops that rule "
    "alerts about."
)
class Hotspot:
    shop: Shop
    last_seven_days: int = strawberry.field(
        description="Incidents in the hotspot window: the last 7 days, or the BID's `hotspotWindowDays`."
    )
    weekly_average: float = strawberry.field(
        description="The shop's average per window over the 8 windows before (weekly for 7 days)."
    )


@strawberry.type(description="A BID's figures for a period of UK dates, `from` and `to` included.")
class AreaSummary:
    from_: date = strawberry.field(name="from")
    to: date
    total_incidents: int
    value_stolen_pence: int
    previous_period_total: int = strawberry.field(
        description="Incidents in the period of the same length just before."
    )
    previous_period_value_stolen_pence: int
    change: float | None = strawberry.field(
        description="(total - previous) / previous: -0.28 is 28% down. Null when the previous is 0 or "
        "not covered by the records (`previousPeriodCovered`)."
    )
    previous_period_covered: bool = strawberry.field(
        description="Whether the BID has incidents from before the previous period began; if not, its "
        "records may begin inside it and a change against it would mislead."
    )
    by_kind: list[KindCount] = strawberry.field(description="Every kind, zeros included.")
    by_shop: list[ShopCount] = strawberry.field(description="Every shop of the BID, busiest first.")
    by_week: list[WeekCount] = strawberry.field(description="Every week the period touches.")
    by_hour_of_week: list[HourOfWeekCount]
    repeat_offender_share: float = strawberry.field(
        description="The share (0 to 1) of the period's incidents linked to an offender with 3 or "
        "more incidents in the period."
    )
    repeat_offender_incidents: int
    top_offenders: list[OffenderCount] = strawberry.field(description="At most 10, most incidents first.")
    hotspots: list[Hotspot]
    hotspot_definition: str = strawberry.field(
        description="What makes a shop a hotspot in this BID, in words (its SHOP_HOTSPOT rule)."
    )
    hotspot_window_days: int
    hotspot_alerts_enabled: bool = strawberry.field(
        description="Whether the BID's SHOP_HOTSPOT alert is on; the table uses its definition either way."
    )
    bid_pk: strawberry.Private[int]

    @strawberry.field
    async def bid(self, info: Info) -> Bid:
        bid = await info.context.loaders.bid.load(self.bid_pk)
        assert bid is not None
        return Bid.from_model(bid)

    @classmethod
    def from_figures(cls, figures: area.AreaFigures) -> AreaSummary:
        """The summary, showing the shops and offenders as its figures read them."""
        shops = {pk: Shop.from_model(shop) for pk, shop in figures.shops.items()}
        return cls(
            bid_pk=figures.bid_id,
            from_=figures.period.first,
            to=figures.period.last,
            total_incidents=figures.total,
            value_stolen_pence=figures.value_stolen_pence,
            previous_period_total=figures.previous_total,
            previous_period_value_stolen_pence=figures.previous_value_stolen_pence,
            change=figures.change,
            previous_period_covered=figures.previous_covered,
            by_kind=[
                KindCount(kind=f.kind, count=f.count, value_stolen_pence=f.value_stolen_pence)
                for f in figures.by_kind
            ],
            by_shop=[
                ShopCount(shop=shops[f.shop_id], count=f.count, value_stolen_pence=f.value_stolen_pence)
                for f in figures.by_shop
            ],
            by_week=[WeekCount(week_start=f.week_start, count=f.count) for f in figures.by_week],
            by_hour_of_week=[
                HourOfWeekCount(day_of_week=f.day_of_week, hour=f.hour, count=f.count)
                for f in figures.by_hour_of_week
            ],
            repeat_offender_share=figures.repeat_offender_share,
            repeat_offender_incidents=figures.repeat_offender_incidents,
            top_offenders=[
                OffenderCount(offender=Offender.from_model(figures.offenders[f.offender_id]), count=f.count)
                for f in figures.top_offenders
            ],
            hotspots=[
                Hotspot(
                    shop=shops[f.shop_id], last_seven_days=f.last_seven_days, weekly_average=f.weekly_average
                )
                for f in figures.hotspots
            ],
            hotspot_definition=figures.hotspot_test.describe(),
            hotspot_window_days=figures.hotspot_test.days,
            hotspot_alerts_enabled=figures.hotspot_alerts,
        )


@strawberry.type(description="A published count: null, with `suppressed: true`, when withheld.")
class PublicCount:
    count: int | None
    suppressed: bool

    @classmethod
    def from_published(cls, published: public.PublishedCount) -> PublicCount:
        return cls(count=published.count, suppressed=published.suppressed)


@strawberry.type
class PublicKindCount:
    kind: IncidentKind
    count: int | None
    suppressed: bool


@strawberry.type(
    description="One month: its total and its count of each kind (the cells), the same whatever period is "
    "asked. Counts below 5 are withheld; when the withheld kinds would add up to less than 5, the "
    "smallest published kind is withheld too, so the total never gives one away."
)
class PublicMonthCount:
    month: date = strawberry.field(description="The first day of the month.")
    count: int | None = strawberry.field(description="The month's total; withheld below 5.")
    suppressed: bool
    by_kind: list[PublicKindCount]


@strawberry.type(
    description="Figures anyone may see, for whole months that have ended: counts by kind for each month, "
    "nothing about a shop or a person. A count below 5 is withheld (null, `suppressed: true`). "
    "`byKind` and `total` add up the period's months and are published only when every figure they "
    "add up is published, so no withheld count can be worked out from them."
)
class PublicSummary:
    bid_name: str
    from_: date = strawberry.field(name="from")
    to: date
    total: PublicCount
    by_kind: list[PublicKindCount]
    by_month: list[PublicMonthCount]
    suppressed_below: int

    @classmethod
    def from_figures(cls, bid_name: str, figures: public.PublicFigures) -> PublicSummary:
        return cls(
            bid_name=bid_name,
            from_=figures.period.first,
            to=figures.period.last,
            total=PublicCount.from_published(figures.total),
            by_kind=_kind_counts(figures.by_kind),
            by_month=[
                PublicMonthCount(
                    month=month.month,
                    count=month.total.count,
                    suppressed=month.total.suppressed,
                    by_kind=_kind_counts(month.by_kind),
                )
                for month in figures.by_month
            ],
            suppressed_below=public.SUPPRESS_BELOW,
        )


def _kind_counts(counts: list[tuple[IncidentKind, public.PublishedCount]]) -> list[PublicKindCount]:
    return [PublicKindCount(kind=kind, count=c.count, suppressed=c.suppressed) for kind, c in counts]
