"""Reads outside a transaction do not queue behind another request's transaction (on SQLite, a
second, read-only connection; on PostgreSQL, the pool), and see only what was committed."""

from __future__ import annotations

import asyncio
from datetime import datetime

import pytest
from tortoise import connections
from tortoise.exceptions import OperationalError
from tortoise.transactions import in_transaction

from shopwatch.core import db
from shopwatch.core.sqlite import ReadConnectionSqliteClient, costly_reads
from shopwatch.places.models import Bid


def _sqlite_only(database: str) -> None:
    if db.is_postgres(database):
        pytest.skip("about the SQLite client")


async def test_a_read_does_not_wait_for_another_tasks_open_transaction(database: str) -> None:
    await Bid.create(name="Before", slug="before")
    events: list[str] = []
    read_done = asyncio.Event()

    async def writer() -> None:
        async with in_transaction():
            await Bid.create(name="Uncommitted", slug="uncommitted")
            events.append("written")
            try:
                # Held open until the read has answered; a read that waits for this transaction
                # would never answer, so the wait is bounded and the order below tells.
                await asyncio.wait_for(read_done.wait(), timeout=10)
            except TimeoutError:
                events.append("gave up waiting for the read")
        events.append("committed")

    async def reader() -> None:
        while "written" not in events:
            await asyncio.sleep(0)
        names = [bid.name async for bid in Bid.all().order_by("id")]
        events.append(f"read {names}")
        read_done.set()

    await asyncio.gather(writer(), reader())

    assert events == ["written", "read ['Before']", "committed"]
    assert await Bid.filter(name="Uncommitted").count() == 1  # once committed, everyone sees it


async def test_a_write_is_seen_by_the_next_read(database: str) -> None:
    for number in range(20):
        await Bid.create(name=f"BID {number}", slug=f"bid-{number}")
        assert await Bid.all().count() == number + 1
        await Bid.filter(slug=f"bid-{number}").update(name=f"Renamed {number}")
        assert await Bid.get(slug=f"bid-{number}").values_list("name", flat=True) == f"Renamed {number}"


async def test_sqlite_commits_are_durable_and_the_reading_connection_cannot_write(database: str) -> None:
    _sqlite_only(database)
    client = connections.get("default")
    assert isinstance(client, ReadConnectionSqliteClient)
    _, rows = await client.execute_query("PRAGMA synchronous")
    assert rows[0][0] == 2  # FULL: a commit is on disk before it returns
    _, rows = await client.execute_query("PRAGMA journal_mode")
    assert rows[0][0] == "wal"
    # A statement that reads goes to the read-only connection: a write disguised as one fails.
    with pytest.raises(OperationalError, match="readonly"):
        await client.execute_query("WITH doomed AS (SELECT 1) DELETE FROM bid")
    await Bid.create(name="Kept", slug="kept")
    assert await Bid.all().count() == 1


async def test_an_in_memory_sqlite_database_keeps_one_connection() -> None:
    client = ReadConnectionSqliteClient(":memory:", connection_name="memory")
    try:
        await client.execute_script("CREATE TABLE t (n integer); INSERT INTO t VALUES (1)")
        _, rows = await client.execute_query("SELECT n FROM t")
        assert [row[0] for row in rows] == [1]
    finally:
        await client.close()


def test_sqlite_urls_get_the_reading_client() -> None:
    config = db.connection_config("sqlite:///srv/shopwatch/db.sqlite3")
    assert config["engine"] == db.SQLITE_ENGINE
    assert config["credentials"]["file_path"] == "/srv/shopwatch/db.sqlite3"


async def test_a_transaction_reads_what_it_has_written(database: str) -> None:
    async with in_transaction():
        await Bid.create(name="Mine", slug="mine")
        assert await Bid.filter(slug="mine").exists()
        assert [name async for name in Bid.all().values_list("name", flat=True)] == ["Mine"]


async def test_a_read_does_not_queue_behind_a_costly_querys_statement(database: str) -> None:
    _sqlite_only(database)
    await Bid.create(name="Town", slug="town")
    # A statement that runs for about a second on SQLite, as a costly query's large one might.
    long_statement = (
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 4000000) "
        "SELECT count(*) FROM n"
    )
    finished: list[str] = []
    started = asyncio.Event()

    async def costly() -> None:
        reads = costly_reads.set(True)
        try:
            await connections.get("default").execute_query("SELECT 1")  # its connection is open
            started.set()
            await connections.get("default").execute_query(long_statement)
        finally:
            costly_reads.reset(reads)
        finished.append("costly")

    async def session_lookup() -> None:
        await started.wait()
        await asyncio.sleep(0.02)  # the long statement is on its way
        assert await Bid.filter(slug="town").count() == 1
        finished.append("lookup")

    await asyncio.gather(costly(), session_lookup())
    assert finished == ["lookup", "costly"]


async def test_reads_give_times_and_dates_as_postgresql_does(database: str) -> None:
    bid = await Bid.create(name="Town", slug="town")
    placeholder = "$1" if db.is_postgres(database) else "?"
    _, rows = await connections.get("default").execute_query(
        f"SELECT created_at FROM bid WHERE id = {placeholder}", [bid.id]
    )
    created_at = rows[0]["created_at"]
    assert isinstance(created_at, datetime)
    assert created_at == bid.created_at
    assert (await Bid.get(id=bid.id)).created_at == bid.created_at
