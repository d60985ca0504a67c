"""Every text value the database holds, found by reading its schema: what a stolen copy would show.

Tables and columns come from the database itself (`sqlite_master` and `PRAGMA table_info` on SQLite,
`information_schema.columns` on PostgreSQL), so a table or column added later is scanned too.
"""

from __future__ import annotations

from dataclasses import dataclass

from tortoise import connections

from shopwatch.core import db

SQLITE_TEXT_TYPES = ("CHAR", "CLOB", "TEXT", "BLOB", "JSON")
POSTGRES_TEXT_TYPES = ("character varying", "character", "text", "bytea", "json", "jsonb")


@dataclass(frozen=True)
class StoredText:
    table: str
    column: str
    value: str


async def text_columns(database: str) -> list[tuple[str, str]]:
    """(table, column) for every text, varchar, blob and JSON column of every table."""
    connection = connections.get("default")
    if db.is_postgres(database):
        rows = await connection.execute_query_dict(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position"
        )
        return [(r["table_name"], r["column_name"]) for r in rows if r["data_type"] in POSTGRES_TEXT_TYPES]
    tables = await connection.execute_query_dict(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    )
    found = []
    for table in tables:
        name = table["name"]
        for column in await connection.execute_query_dict(f'PRAGMA table_info("{name}")'):
            declared = str(column["type"]).upper()
            # A column declared with no type has no affinity and may hold text too.
            if not declared or any(kind in declared for kind in SQLITE_TEXT_TYPES):
                found.append((name, column["name"]))
    return found


async def stored_text(database: str) -> list[StoredText]:
    """Every non-empty value of every text column, as text (blobs decoded leniently)."""
    connection = connections.get("default")
    values = []
    for table, column in await text_columns(database):
        rows = await connection.execute_query_dict(
            f'SELECT "{column}" AS value FROM "{table}" WHERE "{column}" IS NOT NULL'
        )
        for row in rows:
            value = row["value"]
            if isinstance(value, bytes | bytearray | memoryview):
                value = bytes(value).decode("utf-8", errors="replace")
            if str(value):
                values.append(StoredText(table, column, str(value)))
    return values


async def places_holding(database: str, secret: str) -> list[tuple[str, str]]:
    """(table, column) of every stored value that contains `secret`."""
    return sorted(
        {(found.table, found.column) for found in await stored_text(database) if secret in found.value}
    )
