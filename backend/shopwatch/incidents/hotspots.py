"""What a hotspot is: one definition for the SHOP_HOTSPOT alert and the dashboard's hotspot table,
so both name the same shops.

A shop is a hotspot on a day when, in the `days` UK days ending that day (the whole day, midnight
to midnight on the shop wall's clock), it had at least `threshold` incidents, and at least
`FACTOR` times its average for that many days over the `BASELINE_WINDOWS` such windows before.
A BID sets `threshold` and `days` with its SHOP_HOTSPOT rule (5 in 7 days unless changed); the
alert asks about the day of the incident it evaluates, the dashboard about the last day of its
period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from tortoise.expressions import Q
from tortoise.functions import Count
from tortoise.queryset import QuerySet

from shopwatch.core.clock import local_midnight
from shopwatch.incidents.models import Incident

# A shop is compared with its own average over this many earlier windows (8 weeks for 7 days) ...
BASELINE_WINDOWS = 8
# ... and is a hotspot with at least this many times that average in the latest window.
FACTOR = 2


def _days(days: int) -> str:
    return "1 day" if days == 1 else f"{days} days"


@dataclass(frozen=True)
class Bounds:
    """The instants the windows run between: [baseline_start, recent_start) and [recent_start, end)."""

    baseline_start: datetime
    recent_start: datetime
    end: datetime


@dataclass(frozen=True)
class HotspotTest:
    threshold: int = 5
    days: int = 7

    def bounds(self, day: date) -> Bounds:
        """The windows for a shop on `day`: the `days` days ending on it, and the ones before."""
        recent_first = day - timedelta(days=self.days - 1)
        return Bounds(
            baseline_start=local_midnight(recent_first - timedelta(days=self.days * BASELINE_WINDOWS)),
            recent_start=local_midnight(recent_first),
            end=local_midnight(day + timedelta(days=1)),
        )

    def holds(self, recent: int, before: int) -> bool:
        """`recent` at least the threshold and FACTOR times the average of `before`, in whole numbers."""
        return recent >= self.threshold and recent * BASELINE_WINDOWS >= FACTOR * before

    @staticmethod
    def average(before: int) -> float:
        return before / BASELINE_WINDOWS

    def describe(self) -> str:
        """In words, as the rules screen, the alert email and the dashboard show it."""
        days = _days(self.days)
        count = "1 incident" if self.threshold == 1 else f"{self.threshold} incidents"
        return (
            f"at least {count} at one shop within {days} (whole UK days, up to and including the day "
            f"in question), and at least {FACTOR} times the shop's "
            f"average for {days} over the {BASELINE_WINDOWS} periods before"
        )

    def window(self, shop_id: int, day: date) -> QuerySet[Incident]:
        """The shop's incidents in the days that make it a hotspot on `day`."""
        at = self.bounds(day)
        return Incident.filter(shop_id=shop_id, occurred_at__gte=at.recent_start, occurred_at__lt=at.end)

    async def counts(self, shop_id: int, day: date) -> tuple[int, int]:
        """The shop's incidents in the latest window and in the windows before it (one query)."""
        at = self.bounds(day)
        [row] = (
            await Incident.filter(shop_id=shop_id, occurred_at__gte=at.baseline_start, occurred_at__lt=at.end)
            .annotate(
                recent=Count("id", _filter=Q(occurred_at__gte=at.recent_start)),
                before=Count("id", _filter=Q(occurred_at__lt=at.recent_start)),
            )
            .values("recent", "before")
        )
        return int(row["recent"] or 0), int(row["before"] or 0)
