"""Database configuration and lifecycle: one tortoise app, migrations applied by `shopwatch migrate`."""

from __future__ import annotations

from typing import Any

from tortoise import Tortoise, connections
from tortoise.migrations.api import migrate as run_migrations

APP_LABEL = "shopwatch"

MODEL_MODULES = [
    "shopwatch.core.mail.models",
    "shopwatch.core.audit.models",
    "shopwatch.accounts.models",
    "shopwatch.places.models",
    "shopwatch.incidents.models",
    "shopwatch.offenders.models",
    "shopwatch.alerts.models",
]


def tortoise_config(database_url: str) -> dict[str, Any]:
    return {
        "connections": {"default": database_url},
        "apps": {
            APP_LABEL: {
                "models": MODEL_MODULES,
                "default_connection": "default",
                "migrations": "shopwatch.migrations",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


def is_postgres(database_url: str) -> bool:
    return database_url.split(":", 1)[0] in ("postgres", "postgresql", "asyncpg")


async def migrate(database_url: str) -> None:
    """Apply every migration not yet applied; safe to run on every release."""
    try:
        await run_migrations(config=tortoise_config(database_url))
    finally:
        await Tortoise.close_connections()


async def open_database(database_url: str) -> None:
    await Tortoise.init(config=tortoise_config(database_url), _enable_global_fallback=True)


async def close_database() -> None:
    await Tortoise.close_connections()


async def database_answers() -> bool:
    try:
        await connections.get("default").execute_query("SELECT 1")
    except Exception:  # any failure to reach the database means "not healthy"
        return False
    return True
