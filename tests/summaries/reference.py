"""The area figures recomputed in plain Python from the raw rows, to check the SQL against."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from shopwatch.incidents.models import IncidentKind
from shopwatch.summaries.periods import Period

LONDON = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class Row:
    id: int
    shop_id: int
    kind: IncidentKind
    occurred_at: datetime
    value_stolen_pence: int | None

    @property
    def local(self) -> datetime:
        return self.occurred_at.astimezone(LONDON)


def _within(row: Row, first: date, last: date) -> bool:
    return first <= row.local.date() <= last


def expected_figures(
    rows: list[Row], links: list[tuple[int, int]], shops: list[tuple[int, str]], period: Period
) -> dict[str, Any]:
    current = [row for row in rows if _within(row, period.first, period.last)]
    before = period.previous()
    previous = [row for row in rows if _within(row, before.first, before.last)]
    current_ids = {row.id for row in current}

    def value(of: list[Row]) -> int:
        return sum(row.value_stolen_pence or 0 for row in of)

    by_shop = [
        (shop_id, len(mine := [r for r in current if r.shop_id == shop_id]), value(mine), name)
        for shop_id, name in shops
    ]
    by_shop.sort(key=lambda item: (-item[1], item[3], item[0]))

    mondays = []
    monday = period.first - timedelta(days=period.first.weekday())
    while monday <= period.last:
        mondays.append(monday)
        monday += timedelta(days=7)
    week_counts = Counter(row.local.date() - timedelta(days=row.local.weekday()) for row in current)
    hour_counts = Counter((row.local.isoweekday(), row.local.hour) for row in current)

    period_links = [(incident, offender) for incident, offender in links if incident in current_ids]
    per_offender = Counter(offender for _, offender in period_links)
    repeaters = {offender for offender, n in per_offender.items() if n >= 3}
    repeat_incidents = {incident for incident, offender in period_links if offender in repeaters}
    top = sorted(per_offender.items(), key=lambda item: (-item[1], item[0]))[:10]

    hotspots = []
    for shop_id, _ in shops:
        mine = [row for row in rows if row.shop_id == shop_id]
        recent = sum(_within(r, period.last - timedelta(days=6), period.last) for r in mine)
        baseline = sum(
            _within(r, period.last - timedelta(days=62), period.last - timedelta(days=7)) for r in mine
        )
        if recent >= 5 and recent >= 2 * baseline / 8:
            hotspots.append((shop_id, recent, baseline / 8))
    hotspots.sort(key=lambda item: (-item[1], item[0]))

    return {
        "total": len(current),
        "value_stolen_pence": value(current),
        "previous_total": len(previous),
        "previous_value_stolen_pence": value(previous),
        "by_kind": [
            (kind, len(of := [r for r in current if r.kind == kind]), value(of)) for kind in IncidentKind
        ],
        "by_shop": [item[:3] for item in by_shop],
        "by_week": [(monday, week_counts[monday]) for monday in mondays],
        "by_hour_of_week": [
            (day, hour, hour_counts[(day, hour)]) for day in range(1, 8) for hour in range(24)
        ],
        "repeat_offender_incidents": len(repeat_incidents),
        "top_offenders": top,
        "hotspots": hotspots,
    }


def actual_figures(figures: Any) -> dict[str, Any]:
    """The same shape, from what `area_figures` returned."""
    return {
        "total": figures.total,
        "value_stolen_pence": figures.value_stolen_pence,
        "previous_total": figures.previous_total,
        "previous_value_stolen_pence": figures.previous_value_stolen_pence,
        "by_kind": [(f.kind, f.count, f.value_stolen_pence) for f in figures.by_kind],
        "by_shop": [(f.shop_id, f.count, f.value_stolen_pence) for f in figures.by_shop],
        "by_week": [(f.week_start, f.count) for f in figures.by_week],
        "by_hour_of_week": [(f.day_of_week, f.hour, f.count) for f in figures.by_hour_of_week],
        "repeat_offender_incidents": figures.repeat_offender_incidents,
        "top_offenders": [(f.offender_id, f.count) for f in figures.top_offenders],
        "hotspots": [(f.shop_id, f.last_seven_days, f.weekly_average) for f in figures.hotspots],
    }
