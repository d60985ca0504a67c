"""Figures a BID may publish: counts by kind for each whole calendar month that has ended, with small
numbers withheld so that no question, nor any set of questions, can give a small count away.

A cell is one kind in one month. What a month publishes depends on that month's counts alone, so
its cells read the same whatever period is asked, and differencing two periods finds nothing new:
- a cell below 5 is withheld (zero too, so a withheld cell cannot be told from none);
- the month's total is published when it is 5 or more; then, should the withheld cells add up to
  less than 5, the smallest published cell is withheld as well. The withheld cells of a month so
  always number two or more and add up to 5 or more: the total tells only their sum.
A period's totals add up published figures only: a kind's total is published when that kind is
published in every month of the period, and the grand total when every month's total is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from shopwatch.core.sql import Statement, dialect, fetch
from shopwatch.incidents.models import IncidentKind
from shopwatch.summaries.periods import Period
from shopwatch.summaries.sql import as_date, local_month_start

SUPPRESS_BELOW = 5

Cell = tuple[IncidentKind, date]


@dataclass(frozen=True)
class PublishedCount:
    count: int | None  # None when withheld
    suppressed: bool

    @classmethod
    def of(cls, count: int, shown: bool) -> PublishedCount:
        return cls(count, False) if shown else cls(None, True)


@dataclass(frozen=True)
class MonthFigures:
    month: date
    total: PublishedCount
    by_kind: list[tuple[IncidentKind, PublishedCount]]


@dataclass(frozen=True)
class PublicFigures:
    period: Period
    total: PublishedCount
    by_kind: list[tuple[IncidentKind, PublishedCount]]
    by_month: list[MonthFigures]


def publish_month(month: date, counts: Mapping[IncidentKind, int]) -> MonthFigures:
    """One month's figures, decided from that month's counts alone."""
    kinds = list(IncidentKind)
    total = sum(counts.get(kind, 0) for kind in kinds)
    withheld = {kind for kind in kinds if counts.get(kind, 0) < SUPPRESS_BELOW}
    shown = [kind for kind in kinds if kind not in withheld]
    total_shown = total >= SUPPRESS_BELOW
    if total_shown and withheld and sum(counts.get(kind, 0) for kind in withheld) < SUPPRESS_BELOW:
        withheld.add(min(shown, key=lambda kind: (counts.get(kind, 0), kinds.index(kind))))
    return MonthFigures(
        month=month,
        total=PublishedCount.of(total, total_shown),
        by_kind=[(kind, PublishedCount.of(counts.get(kind, 0), kind not in withheld)) for kind in kinds],
    )


def publish(period: Period, counts: Mapping[Cell, int]) -> PublicFigures:
    """The period's figures from its cells' counts: each month on its own, then totals of published
    figures only."""
    months = [
        publish_month(month, {kind: counts.get((kind, month), 0) for kind in IncidentKind})
        for month in period.months()
    ]
    by_kind = []
    for kind in IncidentKind:
        cells = [dict(month.by_kind)[kind] for month in months]
        every_cell_shown = not any(cell.suppressed for cell in cells)
        by_kind.append((kind, PublishedCount.of(sum(cell.count or 0 for cell in cells), every_cell_shown)))
    total = sum(month.total.count or 0 for month in months)
    every_month_shown = not any(month.total.suppressed for month in months)
    return PublicFigures(period, PublishedCount.of(total, every_month_shown), by_kind, months)


async def public_figures(bid_id: int, period: Period) -> PublicFigures:
    """A BID's figures for a period of whole months (see `periods.whole_months_between`)."""
    sql = Statement(dialect())
    month = local_month_start(sql, "occurred_at", period.start, period.end)
    rows = await fetch(
        sql,
        f"SELECT kind, {month}, COUNT(*) FROM incident "
        f"WHERE bid_id = {sql.param(bid_id)} AND occurred_at >= {sql.param(period.start)} "
        f"AND occurred_at < {sql.param(period.end)} GROUP BY 1, 2",
    )
    counts: dict[Cell, int] = {}
    for kind, month_start, count in rows:
        cell = (IncidentKind(kind), as_date(month_start))
        counts[cell] = counts.get(cell, 0) + int(count)
    return publish(period, counts)
