"""Periods of local days in Europe/London, and the UTC instants that bound them.

Town centres count days, weeks and hours on the clock on the shop wall, so a period from one date
to another runs from local midnight to local midnight, and the clock changes move those instants.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from shopwatch.core.clock import LOCAL_ZONE, LOCAL_ZONE_NAME, local_midnight
from shopwatch.core.errors import InvalidInput

__all__ = ["LOCAL_ZONE", "LOCAL_ZONE_NAME", "Period", "local_midnight"]
MAX_PERIOD_DAYS = 3 * 366
EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class Period:
    """Local days `first` to `last`, both included."""

    first: date
    last: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def start(self) -> datetime:
        return local_midnight(self.first)

    @property
    def end(self) -> datetime:
        """The instant just after the period: the next day's local midnight."""
        return local_midnight(self.last + timedelta(days=1))

    def previous(self) -> Period:
        """The period of the same length just before this one."""
        return Period(self.first - timedelta(days=self.days), self.first - timedelta(days=1))

    def weeks(self) -> list[date]:
        """The Mondays of every week the period touches."""
        monday, mondays = monday_of(self.first), []
        while monday <= self.last:
            mondays.append(monday)
            monday += timedelta(days=7)
        return mondays

    def months(self) -> list[date]:
        """The first day of every month the period touches."""
        month, months = self.first.replace(day=1), []
        while month <= self.last:
            months.append(month)
            month = (month + timedelta(days=32)).replace(day=1)
        return months


def period_between(first: date, last: date) -> Period:
    """A period a user asked for, or InvalidInput saying what is wrong with it."""
    if last < first:
        raise InvalidInput("to", "The period ends before it starts.")
    if first < EARLIEST or last > LATEST:
        raise InvalidInput("from", f"Choose dates between {EARLIEST:%Y} and {LATEST:%Y}.")
    if (last - first).days + 1 > MAX_PERIOD_DAYS:
        raise InvalidInput("to", f"Choose a period of at most {MAX_PERIOD_DAYS} days.")
    return Period(first, last)


def last_day_of_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def whole_months_between(first: date, last: date, today: date) -> Period:
    """A period of whole calendar months that have all ended by `today`, or InvalidInput saying
    what is wrong with it: figures for any other period could be subtracted from each other."""
    period = period_between(first, last)
    if first.day != 1:
        raise InvalidInput("from", "Public figures are for whole months: start on the first day of a month.")
    if last != last_day_of_month(last):
        raise InvalidInput("to", "Public figures are for whole months: end on the last day of a month.")
    this_month = today.replace(day=1)
    if last >= this_month:
        ended = this_month - timedelta(days=1)
        raise InvalidInput("to", f"Public figures are for months that have ended: end by {ended:%Y-%m-%d}.")
    return period


@lru_cache(maxsize=256)
def utc_offsets(start: datetime, end: datetime) -> tuple[tuple[datetime, timedelta], ...]:
    """The local zone's UTC offset from `start`, then each change before `end`: (from when, offset).

    For databases without time zones: with these, SQL can turn a UTC time into local time with a
    CASE over a handful of instants. The clock changes on the hour, so stepping by hours finds them.
    """
    offsets = [(start, _offset_at(start))]
    day = start
    while day < end:
        following = min(day + timedelta(days=1), end)
        if _offset_at(following) != offsets[-1][1]:
            moment = day.replace(minute=0, second=0, microsecond=0)
            while _offset_at(moment) == offsets[-1][1]:
                moment += timedelta(hours=1)
            offsets.append((moment, _offset_at(moment)))
        day = following
    return tuple(offsets)


def _offset_at(moment: datetime) -> timedelta:
    offset = moment.astimezone(LOCAL_ZONE).utcoffset()
    assert offset is not None
    return offset
