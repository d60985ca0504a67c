"""Figures a BID may publish: counts by kind and by month, with small numbers suppressed.

A count below 5 could point at a person or a shop, so it is withheld (and zero is withheld too, so a
withheld count cannot be told from nothing). Where a table would then have exactly one withheld
cell beside a published total, subtraction would reveal it, so the next smallest cell is withheld
as well.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from shopwatch.incidents.models import IncidentKind
from shopwatch.summaries.periods import Period
from shopwatch.summaries.sql import Statement, as_date, dialect, fetch, local_month_start

SUPPRESS_BELOW = 5


@dataclass(frozen=True)
class PublishedCount:
    count: int | None  # None when suppressed
    suppressed: bool


@dataclass(frozen=True)
class PublicFigures:
    period: Period
    total: PublishedCount
    by_kind: list[tuple[IncidentKind, PublishedCount]]
    by_month: list[tuple[date, PublishedCount]]


def publish(counts: list[int], total_published: bool) -> list[PublishedCount]:
    """Primary suppression below 5, then the complementary cell where one alone would be exposed."""
    withheld = {index for index, count in enumerate(counts) if count < SUPPRESS_BELOW}
    shown = [index for index in range(len(counts)) if index not in withheld]
    if total_published and len(withheld) == 1 and shown:
        withheld.add(min(shown, key=lambda index: (counts[index], index)))
    return [
        PublishedCount(None, True) if index in withheld else PublishedCount(count, False)
        for index, count in enumerate(counts)
    ]


async def public_figures(bid_id: int, period: Period) -> PublicFigures:
    sql = Statement(dialect())
    month = local_month_start(sql, "occurred_at", period.start, period.end)
    rows = await fetch(
        sql,
        f"SELECT kind, {month}, COUNT(*) FROM incident "
        f"WHERE bid_id = {sql.param(bid_id)} AND occurred_at >= {sql.param(period.start)} "
        f"AND occurred_at < {sql.param(period.end)} GROUP BY 1, 2",
    )
    by_kind = dict.fromkeys(IncidentKind, 0)
    months = period.months()
    by_month = dict.fromkeys(months, 0)
    for kind, month, count in rows:
        by_kind[IncidentKind(kind)] += int(count)
        by_month[as_date(month)] += int(count)
    total = sum(by_kind.values())
    published_total = publish([total], total_published=False)[0]
    kinds = list(by_kind)
    return PublicFigures(
        period=period,
        total=published_total,
        by_kind=list(
            zip(kinds, publish([by_kind[k] for k in kinds], not published_total.suppressed), strict=True)
        ),
        by_month=list(
            zip(months, publish([by_month[m] for m in months], not published_total.suppressed), strict=True)
        ),
    )
