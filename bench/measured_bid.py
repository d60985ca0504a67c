"""A country of incidents in which one BID, the demo's, is the one measured: its size is set exactly.

`build_country(database, total, bids, measured)` adds `bids - 1` BIDs with shops to the demo one
(`bulk_incidents.add_country`), then `total` incidents in all: `measured.per_year` a year at the demo
BID's 12 shops over `measured.years` years (so the previous period has figures too), plus a burst in
the last six days at a few of its shops (so there are hotspots), and the rest spread over the other
BIDs' shops over the past year. The demo BID's rows are interleaved at random among the others, as
a real table holds them, so reading one BID's incidents touches pages all over the table.

The demo BID also gets `measured.offenders` offenders and links from `measured.linked_share` of its
incidents to one of them, skewed (offender k is picked with weight 1/k) so a few have hundreds of
incidents and most have a handful: `repeatOffenderShare`, `topOffenders` and the CSV's offender
names have real work. Rows are stored as tortoise stores them (see `bulk_incidents`): SQLite through
sqlite3's executemany, PostgreSQL through asyncpg's COPY; then ANALYZE (VACUUM too on PostgreSQL).
"""

from __future__ import annotations

import asyncio
import itertools
import random
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import bulk_incidents
from common import STAFF_EMAIL, Database, asyncpg_dsn, is_postgres

DEMO_BID_SLUG = "market-harcombe"
DAY_SECONDS = 24 * 3600
BURST_DAYS = 6
OFFENDER_COLUMNS = ("bid_id", "display_name", "description", "status", "created_at", "created_by_id")
LINK_COLUMNS = ("incident_id", "offender_id", "linked_by_id", "linked_at")
# The demo's own history already links some of its incidents; those are left as they are.
UNLINKED_INCIDENTS = (
    'SELECT id, occurred_at FROM "incident" WHERE bid_id = $1'
    ' AND id NOT IN (SELECT incident_id FROM "offender_link") ORDER BY id'
)
FIRST_NAMES = ["Dean", "Kyle", "Shaun", "Lee", "Wayne", "Jade", "Kelly", "Stacey", "Carl", "Gemma"]
LOOKS = ["grey hoodie", "red cap", "black puffer jacket", "tattoo on neck", "blue tracksuit", "rucksack"]


@dataclass(frozen=True)
class MeasuredBid:
    """What the demo BID holds."""

    per_year: int = 10_000  # incidents a year, spread over its shops
    years: int = 2  # how far back they go: 2 gives the previous period its figures
    burst_shops: int = 2  # shops with a burst in the last six days (hotspots)
    burst_incidents: int = 30  # extra incidents at each of them
    offenders: int = 300
    linked_share: float = 0.3  # of its incidents, linked to one offender each

    @property
    def incidents(self) -> int:
        return self.per_year * self.years + self.burst_shops * self.burst_incidents


@dataclass(frozen=True)
class Places:
    """The ids the rows refer to."""

    bid_id: int
    bid_shops: list[tuple[int, int]]  # (shop id, BID id) of the measured BID
    other_shops: list[tuple[int, int]]
    reporter_id: int
    manager_id: int


# --- rows ----------------------------------------------------------------------------------------


def measured_rows(measured: MeasuredBid, places: Places, *, sqlite: bool, seed: int) -> Iterator[Any]:
    """The measured BID's incidents: the years' spread, then each burst (in time order it is random)."""
    yield from bulk_incidents.incident_rows(
        measured.per_year * measured.years,
        places.bid_shops,
        places.reporter_id,
        sqlite=sqlite,
        seed=seed,
        span_seconds=measured.years * bulk_incidents.YEAR_SECONDS,
    )
    for number, shop in enumerate(places.bid_shops[: measured.burst_shops], start=1):
        yield from bulk_incidents.incident_rows(
            measured.burst_incidents,
            [shop],
            places.reporter_id,
            sqlite=sqlite,
            seed=seed * 1000 + number,
            span_seconds=BURST_DAYS * DAY_SECONDS,
        )


def interleaved(first: Iterator[Any], first_count: int, second: Iterator[Any], second_count: int, seed: int):
    """Both streams' rows, each next row from one or the other at random in proportion to what is
    left, so the second's rows end up scattered evenly through the first's."""
    rng = random.Random(seed)
    left_first, left_second = first_count, second_count
    while left_first + left_second > 0:
        if rng.random() * (left_first + left_second) < left_second:
            left_second -= 1
            yield next(second)
        else:
            left_first -= 1
            yield next(first)


def country_incidents(total: int, measured: MeasuredBid, places: Places, *, sqlite: bool, seed: int):
    others = total - measured.incidents
    if others < 0:
        raise ValueError(f"{total:,} incidents cannot hold the measured BID's {measured.incidents:,}")
    rest = bulk_incidents.incident_rows(
        others, places.other_shops, places.reporter_id, sqlite=sqlite, seed=seed + 1
    )
    mine = measured_rows(measured, places, sqlite=sqlite, seed=seed + 2)
    return interleaved(rest, others, mine, measured.incidents, seed + 3)


def offender_rows(measured: MeasuredBid, places: Places, created: Any) -> list[tuple[Any, ...]]:
    rng = random.Random(measured.offenders)
    return [
        (
            places.bid_id,
            f"{rng.choice(FIRST_NAMES)} {number} ({rng.choice(LOOKS)})",
            "Seen in several shops in the town centre.",
            "ACTIVE",
            created,
            places.manager_id,
        )
        for number in range(1, measured.offenders + 1)
    ]


def link_rows(
    incidents: list[tuple[int, Any]], offender_ids: list[int], share: float, manager_id: int, seed: int
) -> list[tuple[Any, ...]]:
    """Links from `share` of the incidents (id, occurred_at) to one offender each, offender k (in
    id order) picked with weight 1/k; linked when the incident occurred."""
    rng = random.Random(seed)
    weights = list(itertools.accumulate(1 / rank for rank in range(1, len(offender_ids) + 1)))
    chosen = rng.sample(incidents, round(len(incidents) * share))
    picks = rng.choices(offender_ids, cum_weights=weights, k=len(chosen))
    return [
        (incident_id, offender_id, manager_id, occurred)
        for (incident_id, occurred), offender_id in zip(chosen, picks, strict=True)
    ]


# --- SQLite --------------------------------------------------------------------------------------


def _sqlite_places(connection: sqlite3.Connection) -> Places:
    (bid_id,) = connection.execute('SELECT id FROM "bid" WHERE slug = ?', (DEMO_BID_SLUG,)).fetchone()
    shops = connection.execute('SELECT id, bid_id FROM "shop" ORDER BY id').fetchall()
    (reporter_id,) = connection.execute(
        'SELECT id FROM "user_account" WHERE email = ?', (STAFF_EMAIL,)
    ).fetchone()
    (manager_id,) = connection.execute(
        "SELECT user_id FROM membership WHERE role = 'BID_MANAGER' AND bid_id = ? ORDER BY id", (bid_id,)
    ).fetchone()
    return Places(
        bid_id,
        [shop for shop in shops if shop[1] == bid_id],
        [shop for shop in shops if shop[1] != bid_id],
        reporter_id,
        manager_id,
    )


def _sqlite_insert(connection: sqlite3.Connection, table: str, columns: tuple[str, ...], rows: Any) -> None:
    names = ", ".join(f'"{column}"' for column in columns)
    placeholders = ", ".join("?" * len(columns))
    connection.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({placeholders})', rows)  # noqa: S608


def _sqlite_add_offenders(database: Database, measured: MeasuredBid, places: Places, seed: int) -> None:
    created = bulk_incidents.sqlite_time(datetime.now(UTC).replace(tzinfo=None) - timedelta(days=800))
    connection = sqlite3.connect(database.sqlite_path, isolation_level=None)
    try:
        connection.execute("BEGIN")
        _sqlite_insert(connection, "offender", OFFENDER_COLUMNS, offender_rows(measured, places, created))
        offender_ids = [
            row[0]
            for row in connection.execute(
                'SELECT id FROM "offender" WHERE bid_id = ? ORDER BY id', (places.bid_id,)
            )
        ]
        incidents = connection.execute(UNLINKED_INCIDENTS.replace("$1", "?"), (places.bid_id,)).fetchall()
        links = link_rows(incidents, offender_ids, measured.linked_share, places.manager_id, seed)
        _sqlite_insert(connection, "offender_link", LINK_COLUMNS, links)
        connection.execute(
            'UPDATE "offender" SET last_seen_at = (SELECT max(incident.occurred_at) FROM offender_link'
            " JOIN incident ON incident.id = offender_link.incident_id"
            " WHERE offender_link.offender_id = offender.id) WHERE bid_id = ?",
            (places.bid_id,),
        )
        connection.execute("COMMIT")
    finally:
        connection.close()


def _sqlite_build(database: Database, total: int, measured: MeasuredBid, seed: int) -> None:
    connection = sqlite3.connect(database.sqlite_path)
    try:
        places = _sqlite_places(connection)
    finally:
        connection.close()
    rows = country_incidents(total, measured, places, sqlite=True, seed=seed)
    bulk_incidents.sqlite_insert_incidents(database, rows)
    _sqlite_add_offenders(database, measured, places, seed)


# --- PostgreSQL ----------------------------------------------------------------------------------


async def _pg_places(connection: asyncpg.Connection) -> Places:
    bid_id = await connection.fetchval('SELECT id FROM "bid" WHERE slug = $1', DEMO_BID_SLUG)
    shops = [
        (row["id"], row["bid_id"])
        for row in await connection.fetch('SELECT id, bid_id FROM "shop" ORDER BY id')
    ]
    reporter_id = await connection.fetchval('SELECT id FROM "user_account" WHERE email = $1', STAFF_EMAIL)
    manager_id = await connection.fetchval(
        "SELECT user_id FROM membership WHERE role = 'BID_MANAGER' AND bid_id = $1 ORDER BY id LIMIT 1",
        bid_id,
    )
    return Places(
        bid_id,
        [shop for shop in shops if shop[1] == bid_id],
        [shop for shop in shops if shop[1] != bid_id],
        reporter_id,
        manager_id,
    )


async def _pg_add_offenders(
    connection: asyncpg.Connection, measured: MeasuredBid, places: Places, seed: int
) -> None:
    created = datetime.now(UTC) - timedelta(days=800)
    async with connection.transaction():
        await connection.copy_records_to_table(
            "offender", records=offender_rows(measured, places, created), columns=OFFENDER_COLUMNS
        )
        offender_ids = [
            row["id"]
            for row in await connection.fetch(
                'SELECT id FROM "offender" WHERE bid_id = $1 ORDER BY id', places.bid_id
            )
        ]
        incidents = [
            (row["id"], row["occurred_at"])
            for row in await connection.fetch(UNLINKED_INCIDENTS, places.bid_id)
        ]
        links = link_rows(incidents, offender_ids, measured.linked_share, places.manager_id, seed)
        await connection.copy_records_to_table("offender_link", records=links, columns=LINK_COLUMNS)
        await connection.execute(
            'UPDATE "offender" SET last_seen_at = (SELECT max(incident.occurred_at) FROM offender_link'
            " JOIN incident ON incident.id = offender_link.incident_id"
            " WHERE offender_link.offender_id = offender.id) WHERE bid_id = $1",
            places.bid_id,
        )


async def _pg_build(database: Database, total: int, measured: MeasuredBid, seed: int) -> None:
    connection = await asyncpg.connect(asyncpg_dsn(database.url))
    try:
        places = await _pg_places(connection)
        rows = country_incidents(total, measured, places, sqlite=False, seed=seed)
        await bulk_incidents.pg_insert_incidents(database, rows)
        await _pg_add_offenders(connection, measured, places, seed)
    finally:
        await connection.close()


# --- either --------------------------------------------------------------------------------------


def build_country(
    database: Database, total: int, bids: int, measured: MeasuredBid, seed: int = 1
) -> dict[str, float]:
    """`bids` BIDs in all, `total` incidents with the measured BID's as described; then ANALYZE.
    The seconds each step took."""
    started = time.perf_counter()
    bulk_incidents.add_country(database, bids - 1, seed)
    if is_postgres(database.url):
        asyncio.run(_pg_build(database, total, measured, seed))
    else:
        _sqlite_build(database, total, measured, seed)
    loaded = time.perf_counter()
    bulk_incidents.analyze(database)
    return {
        "load_seconds": round(loaded - started, 1),
        "analyze_seconds": round(time.perf_counter() - loaded, 1),
    }
