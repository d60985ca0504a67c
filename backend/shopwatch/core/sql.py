"""Our own SQL for both databases: parameters in each one's style, rows back as values or models."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model

from shopwatch.core.orm_internals import models_from_sql

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


async def fetch(statement: Statement, sql: str) -> list[Any]:
    _, rows = await database().execute_query(sql, statement.params)
    return list(rows)


async def fetch_models(model: type[M], statement: Statement, sql: str, extra_columns: list[str]) -> list[M]:
    """Rows of `model` selected by our own SQL (`model.*` and `extra_columns`), made into models as
    tortoise makes a query's, each with the extra columns as attributes."""
    return await models_from_sql(model, database(), sql, statement.params, extra_columns)


def dialect() -> str:
    return str(database().capabilities.dialect)
