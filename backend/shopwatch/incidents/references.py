"""Incident references a person can read out on the phone: "MH-2026-00154".

The BID's code comes from its slug, which never changes once the BID is made: the first letters of
its words ("market-harcombe" is MH, "harcombe-retail-park" HRP), or the first three letters of a
one-word slug ("kingsbridge" is KIN). The year is the UK year the report arrived, and the number
counts up from 1 within the BID and that year, in one `incident_number` row per BID and year.
"""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from tortoise.backends.base.client import BaseDBAsyncClient

from shopwatch.core.sql import database, dialect

LOCAL_ZONE = ZoneInfo("Europe/London")
# A typed reference: code, year, number; spaces around the dashes and leading zeros forgiven.
_TYPED = re.compile(r"^\s*([A-Za-z0-9]{1,4})\s*-\s*(\d{4})\s*-\s*(\d{1,10})\s*$")


_TAKE_NUMBER_POSTGRES = (
    "INSERT INTO incident_number (bid_id, year, last_number) VALUES ($1, $2, 1) ON CONFLICT (bid_id, year) "
    "DO UPDATE SET last_number = incident_number.last_number + 1 RETURNING last_number"
)
_TAKE_NUMBER_SQLITE = _TAKE_NUMBER_POSTGRES.replace("$1", "?").replace("$2", "?")


def bid_code(slug: str) -> str:
    words = [word for word in slug.split("-") if word]
    if not words:
        return "BID"
    code = "".join(word[0] for word in words[:4]) if len(words) > 1 else words[0][:3]
    return code.upper()


def format_reference(code: str, year: int, number: int) -> str:
    return f"{code}-{year}-{number:05d}"


def reference_year(reported_at: datetime) -> int:
    return reported_at.astimezone(LOCAL_ZONE).year


def normalise_reference(text: str) -> str | None:
    """The reference as stored, if the text is one ("mh-2026-154" is MH-2026-00154); else None."""
    match = _TYPED.match(text)
    if match is None:
        return None
    code, year, number = match.groups()
    return format_reference(code.upper(), int(year), int(number))


async def next_number(bid_id: int, year: int) -> int:
    """Take the BID's next number for the year. The counter's row stays locked until the transaction
    commits (PostgreSQL; SQLite has one writer), so a report sent at the same moment waits and takes
    the number after: keep that transaction short (`incidents.services.number_report`)."""
    # execute_query_dict: tortoise's execute_query drops what an INSERT returns on PostgreSQL.
    rows = await database().execute_query_dict(
        _TAKE_NUMBER_POSTGRES if dialect() == "postgres" else _TAKE_NUMBER_SQLITE, [bid_id, year]
    )
    return int(rows[0]["last_number"])


async def number_existing(client: BaseDBAsyncClient) -> None:
    """Give every incident a reference, in the order reported within each BID and year, and set each
    BID's counters to match. For migration 0012, on the rows already there (`client` is its connection)."""
    postgres = client.capabilities.dialect == "postgres"
    _, bids = await client.execute_query("SELECT id, slug FROM bid")
    codes = {int(row["id"]): bid_code(str(row["slug"])) for row in bids}
    _, rows = await client.execute_query(
        "SELECT id, bid_id, reported_at FROM incident ORDER BY reported_at, id"
    )
    counters: dict[tuple[int, int], int] = {}
    numbered = []
    for row in rows:
        reported_at = row["reported_at"]
        if isinstance(reported_at, str):  # SQLite hands times back as text
            reported_at = datetime.fromisoformat(reported_at)
        key = (int(row["bid_id"]), reference_year(reported_at))
        counters[key] = counters.get(key, 0) + 1
        numbered.append([format_reference(codes[key[0]], key[1], counters[key]), int(row["id"])])
    if numbered:
        await client.execute_many(
            "UPDATE incident SET reference = $1 WHERE id = $2"
            if postgres
            else "UPDATE incident SET reference = ? WHERE id = ?",
            numbered,
        )
    if counters:
        await client.execute_many(
            "INSERT INTO incident_number (bid_id, year, last_number) VALUES ($1, $2, $3)"
            if postgres
            else "INSERT INTO incident_number (bid_id, year, last_number) VALUES (?, ?, ?)",
            [[bid_id, year, last] for (bid_id, year), last in counters.items()],
        )
