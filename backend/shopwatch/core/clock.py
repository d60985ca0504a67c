"""The one place that says what time it is, so tests and services agree.

`clock_at(moment)` sets the time for the code inside it (its task and the tasks it starts): the demo
replays months of history through the real actions, each at the moment it happened, so the alerts
those actions raise carry the times they would have had.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

# Town centres count days on the clock on the shop wall.
LOCAL_ZONE_NAME = "Europe/London"
LOCAL_ZONE = ZoneInfo(LOCAL_ZONE_NAME)

_fixed: ContextVar[datetime | None] = ContextVar("shopwatch_clock", default=None)


def now() -> datetime:
    fixed = _fixed.get()
    return fixed if fixed is not None else datetime.now(UTC)


@contextmanager
def clock_at(moment: datetime) -> Iterator[None]:
    """Within the block, `now()` is `moment` (an aware datetime)."""
    if moment.tzinfo is None:
        raise ValueError("clock_at needs an aware datetime")
    token = _fixed.set(moment)
    try:
        yield
    finally:
        _fixed.reset(token)


def local_midnight(day: date) -> datetime:
    """The UTC instant at which `day` begins in the town centre."""
    return datetime.combine(day, time(0), tzinfo=LOCAL_ZONE).astimezone(UTC)


def local_date(moment: datetime) -> date:
    """The town centre's date at an instant."""
    return moment.astimezone(LOCAL_ZONE).date()
