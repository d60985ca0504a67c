"""Aggregate SQL for both databases: parameters in each one's style, and local time on the wall clock.

PostgreSQL knows time zones (`AT TIME ZONE`). SQLite does not, so a UTC time is moved to local time
by a CASE over the few clock changes inside the range being counted (`periods.utc_offsets`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from typing import Any

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from shopwatch.summaries.periods import LOCAL_ZONE_NAME, utc_offsets


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

    def local(self, column: str, start: datetime, end: datetime) -> LocalTime:
        """`column` (a UTC time between `start` and `end`) as the wall clock in the town centre."""
        return LocalTime(self, column, start, end)


class LocalTime:
    """SQL expressions for the local day, week, month, weekday and hour of a UTC time column."""

    def __init__(self, statement: Statement, column: str, start: datetime, end: datetime) -> None:
        self.statement = statement
        self.column = column
        if statement.postgres:
            self.value = f"({column} AT TIME ZONE {statement.param(LOCAL_ZONE_NAME)})"
        else:
            self.shift = self._sqlite_shift(start, end)

    def _sqlite_shift(self, start: datetime, end: datetime) -> str:
        """A datetime() modifier: the offset in seconds in force at the column's time."""
        offsets = utc_offsets(start, end)
        param = self.statement.param

        def seconds(offset: Any) -> str:
            return param(f"{int(offset.total_seconds()):+d} seconds")

        if len(offsets) == 1:
            return seconds(offsets[0][1])
        cases = " ".join(
            f"WHEN {self.column} < {param(offsets[index + 1][0])} THEN {seconds(offsets[index][1])}"
            for index in range(len(offsets) - 1)
        )
        return f"CASE {cases} ELSE {seconds(offsets[-1][1])} END"

    @property
    def week_start(self) -> str:
        if self.statement.postgres:
            return f"CAST(date_trunc('week', {self.value}) AS date)"
        return f"date({self.column}, {self.shift}, '-6 days', 'weekday 1')"

    @property
    def month_start(self) -> str:
        if self.statement.postgres:
            return f"CAST(date_trunc('month', {self.value}) AS date)"
        return f"date({self.column}, {self.shift}, 'start of month')"

    @property
    def iso_weekday(self) -> str:
        """1 for Monday to 7 for Sunday."""
        if self.statement.postgres:
            return f"CAST(extract(isodow FROM {self.value}) AS integer)"
        return f"((CAST(strftime('%w', {self.column}, {self.shift}) AS integer) + 6) % 7 + 1)"

    @property
    def hour(self) -> str:
        if self.statement.postgres:
            return f"CAST(extract(hour FROM {self.value}) AS integer)"
        return f"CAST(strftime('%H', {self.column}, {self.shift}) AS integer)"


def as_date(value: Any) -> date:
    """A date column as both databases give it back: a date (PostgreSQL) or ISO text (SQLite)."""
    return value if isinstance(value, date) else date.fromisoformat(value)


async def fetch(statement: Statement, sql: str) -> list[Any]:
    _, rows = await database().execute_query(sql, statement.params)
    return list(rows)


def dialect() -> str:
    return str(database().capabilities.dialect)


@asynccontextmanager
async def planned_for_their_values() -> AsyncIterator[None]:
    """Statements inside are planned for the values they are given, on PostgreSQL.

    asyncpg prepares every statement, and after five runs PostgreSQL may switch to a generic plan
    made without the values: it guesses a BID's period at a handful of rows and joins the offender
    links by nested loops, 2-5x slower than the plan for the real range. The setting lasts for one
    transaction; on SQLite, which plans each statement afresh, there is no transaction (it would
    hold the one connection's lock)."""
    if dialect() != "postgres":
        yield
        return
    async with in_transaction():
        await database().execute_script("SET LOCAL plan_cache_mode = force_custom_plan")
        yield
