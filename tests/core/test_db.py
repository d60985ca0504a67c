"""The PostgreSQL pool: what every connection is set to, and what it keeps between uses.

On SQLite there is no pool, so the tests that use one run in the PostgreSQL half of the suite."""

from __future__ import annotations

import pytest
from tortoise import connections

from shopwatch.core import db


def test_postgres_connections_plan_for_their_values_and_skip_the_reset_query() -> None:
    config = db.connection_config("postgres://postgres@127.0.0.1:5432/shopwatch")
    assert isinstance(config, dict)
    credentials = config["credentials"]
    assert credentials["server_settings"]["plan_cache_mode"] == "force_custom_plan"
    assert credentials["reset"] is db._keep_session_state


def test_postgres_pool_has_room_for_transactions_waiting_on_a_lock() -> None:
    credentials = db.connection_config("postgres://postgres@127.0.0.1:5432/shopwatch")["credentials"]
    assert credentials["maxsize"] == db.POSTGRES_POOL_SIZE >= 20
    smaller = db.connection_config("postgres://postgres@127.0.0.1:5432/shopwatch?maxsize=8")
    assert int(smaller["credentials"]["maxsize"]) == 8  # tortoise takes it as int(...)


def _postgres_only(database: str) -> None:
    if not db.is_postgres(database):
        pytest.skip("SQLite has no connection pool")


async def test_a_connection_returned_inside_a_transaction_is_rolled_back(database: str) -> None:
    _postgres_only(database)
    client = connections.get("default")
    async with client.acquire_connection() as connection:
        await connection.execute("BEGIN")
        await connection.execute("CREATE TEMPORARY TABLE left_behind (n integer)")
    # Every connection the pool holds, taken at once, so the one just returned is among them.
    held = [client._pool.acquire() for _ in range(client._pool.get_size())]  # type: ignore[attr-defined]
    taken = [await acquire for acquire in held]
    try:
        for connection in taken:
            assert not connection.is_in_transaction()
            assert await connection.fetchval("SELECT to_regclass('pg_temp.left_behind')") is None
    finally:
        for connection in taken:
            await client._pool.release(connection)  # type: ignore[attr-defined]


async def test_every_pooled_connection_plans_for_its_values(database: str) -> None:
    _postgres_only(database)
    client = connections.get("default")
    for _ in range(3):
        _, rows = await client.execute_query("SHOW plan_cache_mode")
        assert rows[0]["plan_cache_mode"] == "force_custom_plan"


async def test_the_pool_opens_as_many_connections_as_its_size(database: str) -> None:
    _postgres_only(database)
    client = connections.get("default")
    assert client._pool.get_max_size() == db.POSTGRES_POOL_SIZE  # type: ignore[attr-defined]
