"""The SQLite client: tortoise's, with reads outside a transaction on a second, read-only connection.

tortoise's SQLite client has one connection, and a transaction holds its lock from BEGIN to COMMIT,
across every await in between (each query's hop to aiosqlite's thread and back, the Python between
queries). While photos upload, a request's plain reads (a session lookup) queued behind every open
and waiting transaction. SQLite in WAL mode lets readers and the one writer proceed without waiting
for each other, so a statement that reads (SELECT, WITH) outside a transaction goes to its own
connection and sees what was last committed, as on PostgreSQL with a pool. Everything else (writes,
and every statement of a transaction) keeps the writing connection and its lock. The reading
connection is `query_only`: a write sent to it by mistake fails instead of bypassing the lock.

A costly query's reads (`costly_reads`, set by api/cost.py) go to a reading connection of their
own: a connection runs its statements one after another, and a session lookup queued behind a
costly query's large statements waited for all of them. The reading connections hand TIMESTAMP and
DATE columns back as `datetime` and `date`, as PostgreSQL does: tortoise parses text with a pure
Python parser, which was a sixth of a large page's work (bench/README.md).

Durability is unchanged and explicit: `synchronous=FULL`, so a commit is on disk before it returns.
tortoise's client is used through its public methods only; `tests/core/test_sqlite.py` checks the
behaviour this relies on.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Sequence
from contextvars import ContextVar
from datetime import date, datetime
from typing import Any

import aiosqlite
from tortoise.backends.sqlite.client import SqliteClient, translate_exceptions

__all__ = ["ReadConnectionSqliteClient", "client_class", "costly_reads"]

_READS = ("SELECT", "WITH")

# Whether the running task's reads are a costly query's.
costly_reads: ContextVar[bool] = ContextVar("costly_reads", default=False)


def _timestamp(value: bytes) -> datetime | str:
    text = value.decode()
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return text  # left to tortoise's own parser, as the writing connection's rows are


def _date(value: bytes) -> date | str:
    text = value.decode()
    try:
        return date.fromisoformat(text)
    except ValueError:
        return text


# Used only by connections opened with `detect_types` (the reading ones): tortoise's never asks.
sqlite3.register_converter("TIMESTAMP", _timestamp)
sqlite3.register_converter("DATE", _date)


def _is_read(query: str) -> bool:
    return query.lstrip()[:6].upper().startswith(_READS)


def _is_in_memory(filename: str) -> bool:
    """An in-memory database is private to its connection: a second one would see another database."""
    return filename == ":memory:" or "mode=memory" in filename or filename.startswith("file::memory:")


def _without_nul(query: str) -> str:
    # As tortoise's own client does: SQLite ends a statement's text at a NUL byte.
    return query.replace("\x00", "'||CHAR(0)||'")


class ReadConnectionSqliteClient(SqliteClient):
    def __init__(self, file_path: str, **kwargs: Any) -> None:
        super().__init__(file_path, **kwargs)
        self.pragmas.setdefault("synchronous", "FULL")
        # The reading connections, for everyone's reads (False) and costly queries' (True).
        self._readers: dict[bool, aiosqlite.Connection] = {}
        self._reader_opening = asyncio.Lock()

    async def close(self) -> None:
        readers, self._readers = self._readers, {}
        for reader in readers.values():
            await reader.close()
        await super().close()

    async def _reading_connection(self) -> aiosqlite.Connection | None:
        """The running task's read-only connection, opened on first use; None for an in-memory
        database."""
        costly = costly_reads.get()
        reader = self._readers.get(costly)
        if reader is not None or _is_in_memory(self.filename):
            return reader
        async with self._reader_opening:
            if costly not in self._readers:
                await self.create_connection(with_db=True)  # the writer first: the file, in WAL mode
                reader = await aiosqlite.connect(
                    self.filename, isolation_level=None, detect_types=sqlite3.PARSE_DECLTYPES
                )
                reader.row_factory = sqlite3.Row
                await reader.execute("PRAGMA query_only = ON")
                self._readers[costly] = reader
        return self._readers[costly]

    @translate_exceptions
    async def execute_query(self, query: str, values: list[Any] | None = None) -> tuple[int, Sequence[dict]]:
        reader = await self._reading_connection() if _is_read(query) else None
        if reader is None:
            return await super().execute_query(query, values)
        self.log.debug("%s: %s", query, values)
        rows: Sequence[Any] = list(await reader.execute_fetchall(_without_nul(query), values))
        return len(rows), rows  # sqlite3.Row, which tortoise reads by column name as its own client gives

    @translate_exceptions
    async def execute_query_dict(self, query: str, values: list[Any] | None = None) -> list[dict]:
        reader = await self._reading_connection() if _is_read(query) else None
        if reader is None:
            return await super().execute_query_dict(query, values)
        self.log.debug("%s: %s", query, values)
        return list(map(dict, await reader.execute_fetchall(_without_nul(query), values)))


client_class = ReadConnectionSqliteClient
