"""Every piece of tortoise that is not its public API, in one place.

Each is here for a reason the public API does not serve (README, "Library internals"), and
tests/test_library_internals.py checks each assumption, so an upgrade that changes one fails there
by name instead of somewhere downstream.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from tortoise import Tortoise
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model

M = TypeVar("M", bound=Model)


async def init_shared_by_every_task(config: dict[str, Any]) -> None:
    """Tortoise.init whose connections every task sees. tortoise keeps them in a context variable,
    and uvicorn starts the app (its lifespan) in one task and serves each request in others that do
    not inherit it: the global fallback, a private flag, is how its own Starlette and FastAPI
    integrations share them."""
    await Tortoise.init(config=config, _enable_global_fallback=True)


async def models_from_sql(
    model: type[M], db: BaseDBAsyncClient, sql: str, params: Sequence[Any], extra_columns: list[str]
) -> list[M]:
    """Rows of `model` selected by our own SQL with parameters, made into models as tortoise makes
    a query's, each with `extra_columns` as attributes. `Model.raw` takes no parameters."""
    executor = db.executor_class(model=model, db=db)
    return await executor.execute_select(sql, list(params), custom_fields=extra_columns)
