"""Aggregate SQL for both databases: parameters in each one's style, and local time on the wall clock.

PostgreSQL knows time zones (`AT TIME ZONE`). SQLite does not, so a UTC time is moved to local time
by a CASE over the few clock changes inside the range being counted (`periods.utc_offsets`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model

from shopwatch.core.orm_internals import models_from_sql
from shopwatch.summaries.periods import LOCAL_ZONE_NAME, utc_offsets

M = TypeVar("M", bound=Model)


def database() -> BaseDBAsyncClient:
    return connections.get("default")


class Statement:
    """One SQL statement being written, with its parameters in the database's own style."""

    def __init__(self, dialect: str) -> None:
        self.postgres = dialect == "postgres"
        self.params: list[Any] = []

    def param(self, value: Any) -> str:
        if not self.postgres and isinstance(value, datetime):
            # As tortoise stores times in SQLite, so text comparison orders them correctly.
            value = value.astimezone(UTC).isoformat(" ")
        self.params.append(value)
        # Numbered in both, so an expression holding parameters can appear twice in a statement.
        return f"${len(self.params)}" if self.postgres else f"?{len(self.params)}"

    def ids(self, values: Sequence[int]) -> str:
        return ", ".join(self.param(value) for value in values)


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


async def fetch(statement: Statement, sql: str) -> list[Any]:
    _, rows = await database().execute_query(sql, statement.params)
    return list(rows)


async def fetch_models(model: type[M], statement: Statement, sql: str, extra_columns: list[str]) -> list[M]:
    """Rows of `model` selected by our own SQL (`model.*` and `extra_columns`), made into models as
    tortoise makes a query's, each with the extra columns as attributes."""
    return await models_from_sql(model, database(), sql, statement.params, extra_columns)


def dialect() -> str:
    return str(database().capabilities.dialect)
