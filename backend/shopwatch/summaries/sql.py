"""Aggregate SQL for both databases: local time on the wall clock.

PostgreSQL knows time zones (`AT TIME ZONE`). SQLite does not, so a UTC time is moved to local time
by a CASE over the few clock changes inside the range being counted (`periods.utc_offsets`).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from shopwatch.core.sql import Statement
from shopwatch.summaries.periods import LOCAL_ZONE_NAME, utc_offsets


def local_month_start(sql: Statement, column: str, start: datetime, end: datetime) -> str:
    """The first day of the month on the town centre's calendar of `column`, a UTC time between
    `start` and `end`."""
    if sql.postgres:
        return f"CAST(date_trunc('month', {column} AT TIME ZONE {sql.param(LOCAL_ZONE_NAME)}) AS date)"
    shift = sqlite_utc_offset(sql, column, start, end)
    return f"date({column}, {shift} || ' seconds', 'start of month')"


def sqlite_utc_offset(sql: Statement, column: str, start: datetime, end: datetime) -> str:
    """The town centre's UTC offset in whole seconds at `column`, a UTC time between `start` and
    `end`, for SQLite, which knows no time zones: a CASE over the clock changes in between."""
    offsets = utc_offsets(start, end)
    seconds = [str(int(offset.total_seconds())) for _, offset in offsets]
    if len(offsets) == 1:
        return seconds[0]
    cases = " ".join(
        f"WHEN {column} < {sql.param(offsets[index + 1][0])} THEN {seconds[index]}"
        for index in range(len(offsets) - 1)
    )
    return f"(CASE {cases} ELSE {seconds[-1]} END)"


def as_date(value: Any) -> date:
    """A date column as both databases give it back: a date (PostgreSQL) or ISO text (SQLite)."""
    return value if isinstance(value, date) else date.fromisoformat(value)
