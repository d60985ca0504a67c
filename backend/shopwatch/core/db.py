"""Database configuration and lifecycle: one tortoise app, migrations applied by `shopwatch migrate`."""

from __future__ import annotations

from typing import Any

import asyncpg
from tortoise import Tortoise, connections
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.migrations.api import migrate as run_migrations

from shopwatch.core.orm_internals import init_shared_by_every_task

APP_LABEL = "shopwatch"

MODEL_MODULES = [
    "shopwatch.core.mail.models",
    "shopwatch.core.audit.models",
    "shopwatch.accounts.models",
    "shopwatch.places.models",
    "shopwatch.incidents.models",
    "shopwatch.offenders.models",
    "shopwatch.alerts.models",
    "shopwatch.evidence.models",
    "shopwatch.live.models",
]


# Every statement is planned for its own values. asyncpg prepares statements, and after five runs
# PostgreSQL may switch to a generic plan made without the values, which guesses a BID's period at a
# handful of rows: the area summary's offender links then took 2-5x longer (bench/README.md).
POSTGRES_SERVER_SETTINGS = {"plan_cache_mode": "force_custom_plan"}
# Connections each process's pool may open (`?maxsize=` in DATABASE_URL overrides it). A transaction
# waiting for a lock (the alert rules take one per shop) keeps its connection meanwhile: with
# tortoise's five, five reports at one busy shop left every other request waiting for a connection.
POSTGRES_POOL_SIZE = 20


# tortoise's SQLite client with reads outside a transaction on their own connection (core/sqlite.py).
SQLITE_ENGINE = "shopwatch.core.sqlite"


def connection_config(database_url: str) -> dict[str, Any]:
    config = expand_db_url(database_url)
    if not is_postgres(database_url):
        config["engine"] = SQLITE_ENGINE
        return config
    credentials = config["credentials"]
    credentials.setdefault("maxsize", POSTGRES_POOL_SIZE)
    credentials["server_settings"] = {**credentials.get("server_settings", {}), **POSTGRES_SERVER_SETTINGS}
    credentials["reset"] = _keep_session_state
    return config


async def _keep_session_state(connection: asyncpg.Connection) -> None:
    """What a connection needs on its way back to the pool beyond asyncpg's own rollback of an open
    transaction: nothing. asyncpg's default also sends `RESET ALL`, `UNLISTEN *`, `CLOSE ALL` and
    `pg_advisory_unlock_all()`, one more round trip for every query outside a transaction (about
    1 ms of an area summary's 5 queries), undoing what the app never does: it sets no session
    settings beyond the pool's own, listens to nothing, keeps no cursors open and takes only
    transaction advisory locks (`pg_advisory_xact_lock`)."""


def tortoise_config(database_url: str) -> dict[str, Any]:
    return {
        "connections": {"default": connection_config(database_url)},
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
    await init_shared_by_every_task(tortoise_config(database_url))


async def close_database() -> None:
    await Tortoise.close_connections()


async def database_answers() -> bool:
    try:
        await connections.get("default").execute_query("SELECT 1")
    except Exception:  # any failure to reach the database means "not healthy"
        return False
    return True


# What a database that is down, restarting or cutting connections raises: connections refused or
# reset, PostgreSQL's connection failures (SQLSTATE 08) and its shutdown notices (57P01-57P03), and
# asyncpg's complaint about a connection left mid-operation when the server went away.
_UNAVAILABLE: tuple[type[BaseException], ...] = (
    ConnectionError,  # includes tortoise's DBConnectionError
    asyncpg.PostgresConnectionError,
    asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError,
    asyncpg.CannotConnectNowError,
    asyncpg.InternalClientError,
)


def _is_closed_connection(error: BaseException) -> bool:
    """asyncpg's InterfaceError also means misuse (a bug); only "connection is closed" is an outage."""
    return isinstance(error, asyncpg.InterfaceError) and "connection is closed" in str(error)


def is_unavailable_error(error: BaseException | None) -> bool:
    """Whether `error`, or an error it was raised from, says the database cannot be reached now
    (as opposed to a query that is wrong, which is a bug and not the database's absence)."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, _UNAVAILABLE) or _is_closed_connection(error):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False
