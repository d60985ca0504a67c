"""Fill a Shopwatch database with a country's worth of incidents, fast: straight SQL, not the ORM.

`add_country(database, bids)` adds BIDs with shops (the demo BID stays, so ~300 BIDs in all), and
`add_incidents(database, count)` adds incidents spread over all the shops, occurred over the past
year, reported by the demo shop staff: SQLite through the sqlite3 module (executemany in one
transaction, `synchronous=OFF` while loading), PostgreSQL with asyncpg's COPY
(`copy_records_to_table`). `analyze(database)` brings the planner's statistics up to date.

The values are stored as tortoise stores them (checked against rows the app wrote): on SQLite,
`client_id` is the UUID's text and a timestamp is `datetime.isoformat(" ")` of the UTC time
("2026-11-22 03:58:50.764761+00:00"); on PostgreSQL, `uuid` and `timestamptz` columns.
"""

from __future__ import annotations

import asyncio
import itertools
import random
import sqlite3
import time
import uuid
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
from common import STAFF_EMAIL, Database, admin_dsn, asyncpg_dsn, is_postgres

KINDS = [
    # Weighted roughly as shops report them: mostly theft.
    *["THEFT"] * 12,
    *["THREATS_AND_ABUSE"] * 3,
    *["ANTISOCIAL_BEHAVIOUR"] * 3,
    "ASSAULT",
    "ASSAULT",
    "CRIMINAL_DAMAGE",
    "BURGLARY",
    "FRAUD",
    "OTHER",
]
DESCRIPTIONS = [
    "Man filled a rucksack with meat from the chiller and walked out past the tills.",
    "Two women took razor blades and cosmetics, left towards the bus station.",
    "Customer became abusive when refused alcohol, threatened staff, left before police arrived.",
    "Group of teenagers throwing food around the aisles and swearing at staff.",
    "Shoplifter pushed a member of staff aside at the door; staff member shaken but unhurt.",
    "Bottles of spirits taken from the display behind the counter while staff were distracted.",
    "Window smashed overnight; nothing taken as far as we can tell.",
    "Counterfeit £20 note passed at the till, noticed when cashing up.",
    "Known male returned and took coffee jars again; same clothes as last week.",
    "Phone cases and chargers taken from the stand by the door.",
]
INCIDENT_COLUMNS = (
    "client_id",
    "kind",
    "status",
    "occurred_at",
    "reported_at",
    "description",
    "value_stolen_pence",
    "police_reference",
    "injury",
    "vehicle_registration",
    "created_at",
    "updated_at",
    "bid_id",
    "reporter_id",
    "shop_id",
    "reference",
)
YEAR_SECONDS = 365 * 24 * 3600
LETTERS = "ABCDEFGHJKLMNOPRSTUVWXYZ"


def sqlite_time(moment: datetime) -> str:
    """A naive UTC datetime as tortoise writes an aware one to SQLite."""
    return moment.isoformat(" ") + "+00:00"


def incident_rows(
    count: int,
    shops: list[tuple[int, int]],
    reporter_id: int,
    *,
    sqlite: bool,
    seed: int,
    span_seconds: float = YEAR_SECONDS,
) -> Iterator[tuple[Any, ...]]:
    """`count` incidents as tuples in INCIDENT_COLUMNS order, for SQLite (text) or asyncpg (objects),
    occurred in the `span_seconds` before an hour ago.

    The times are naive UTC while generating (a third faster); asyncpg is given aware ones."""
    rng = random.Random(seed)
    end = datetime.now(UTC).replace(tzinfo=None) - timedelta(hours=1)
    for _ in range(count):
        shop_id, bid_id = rng.choice(shops)
        kind = rng.choice(KINDS)
        client_id = uuid.UUID(int=rng.getrandbits(128), version=4)
        occurred = end - timedelta(seconds=rng.random() * span_seconds)
        reported = occurred + timedelta(seconds=rng.randrange(60, 6 * 3600))
        value = rng.randrange(199, 25_000) if kind == "THEFT" else None
        reference = f"MH-{rng.randrange(10**7):07d}-{occurred.year % 100}" if rng.random() < 0.2 else None
        injury = (rng.random() < 0.3) if kind == "ASSAULT" else None
        registration = None
        if rng.random() < 0.03:
            registration = (
                rng.choice(LETTERS) + rng.choice(LETTERS) + f"{rng.randrange(10, 99)}"
                f"{rng.choice(LETTERS)}{rng.choice(LETTERS)}{rng.choice(LETTERS)}"
            )
        description = rng.choice(DESCRIPTIONS)
        # Unique within the BID without its counter, and never of the app's own shape.
        readable = f"BULK-{client_id.hex[:16]}"
        if sqlite:
            reported_text = sqlite_time(reported)
            yield (
                str(client_id),
                kind,
                "NEW",
                sqlite_time(occurred),
                reported_text,
                description,
                value,
                reference,
                None if injury is None else int(injury),
                registration,
                reported_text,
                reported_text,
                bid_id,
                reporter_id,
                shop_id,
                readable,
            )
        else:
            reported_at = reported.replace(tzinfo=UTC)
            yield (
                client_id,
                kind,
                "NEW",
                occurred.replace(tzinfo=UTC),
                reported_at,
                description,
                value,
                reference,
                injury,
                registration,
                reported_at,
                reported_at,
                bid_id,
                reporter_id,
                shop_id,
                readable,
            )


def country_rows(bids: int, seed: int) -> tuple[list[tuple[str, str]], list[tuple[int, int, str]]]:
    """`bids` BIDs (name, slug) and their shops (bid number, shop number, postcode): 10-50 each."""
    rng = random.Random(seed)
    bid_rows = [(f"Bench Town {number} BID", f"bench-town-{number}") for number in range(1, bids + 1)]
    shop_rows = [
        (number, shop, f"BT{number % 100} {shop % 10}{rng.choice(LETTERS)}{rng.choice(LETTERS)}")
        for number in range(1, bids + 1)
        for shop in range(1, rng.randrange(10, 51))
    ]
    return bid_rows, shop_rows


def staff_rows(shops: list[tuple[int, int]], per_shop: int) -> Iterator[tuple[str, str, int, int]]:
    """(email, name, shop id, BID id) of `per_shop` staff accounts at each shop (that cannot log in)."""
    for shop_id, bid_id in shops:
        for number in range(1, per_shop + 1):
            yield (
                f"staff{number}.shop{shop_id}@shops.example",
                f"Staff {number} of shop {shop_id}",
                shop_id,
                bid_id,
            )


# --- SQLite ------------------------------------------------------------------------------------


def _sqlite(database: Database) -> sqlite3.Connection:
    connection = sqlite3.connect(database.sqlite_path, isolation_level=None)
    connection.execute("PRAGMA synchronous=OFF")
    connection.execute("PRAGMA cache_size=-524288")  # 512 MB, for the unique client_id index
    return connection


def _sqlite_add_country(database: Database, bids: int, seed: int) -> None:
    bid_rows, shop_rows = country_rows(bids, seed)
    created = sqlite_time(datetime.now(UTC).replace(tzinfo=None))
    with _sqlite(database) as connection:
        connection.execute("BEGIN")
        connection.executemany(
            'INSERT INTO "bid" ("name", "slug", "created_at") VALUES (?, ?, ?)',
            [(name, slug, created) for name, slug in bid_rows],
        )
        connection.executemany(
            'INSERT INTO "shop" ("bid_id", "name", "address", "postcode", "latitude", "longitude",'
            ' "created_at") SELECT "id", ?, ?, ?, ?, ?, ? FROM "bid" WHERE "slug" = ?',
            [
                (f"Shop {shop}", f"{shop} High Street", postcode, 52.0 + shop / 1000, -1.5, created, slug)
                for (number, shop, postcode) in shop_rows
                for slug in [bid_rows[number - 1][1]]
            ],
        )
        connection.execute("COMMIT")
    connection.close()


def _sqlite_add_staff(database: Database, per_shop: int) -> None:
    created = sqlite_time(datetime.now(UTC).replace(tzinfo=None))
    with _sqlite(database) as connection:
        connection.execute("BEGIN")
        shops = connection.execute('SELECT "id", "bid_id" FROM "shop" ORDER BY "id"').fetchall()
        people = list(staff_rows(shops, per_shop))
        connection.executemany(
            'INSERT INTO "user_account" ("email", "name", "password_hash", "is_active", "created_at")'
            " VALUES (?, ?, '!', 1, ?)",
            [(email, name, created) for email, name, _, _ in people],
        )
        connection.executemany(
            'INSERT INTO "membership" ("role", "created_at", "bid_id", "shop_id", "user_id")'
            ' SELECT \'SHOP_STAFF\', ?, ?, ?, "id" FROM "user_account" WHERE "email" = ?',
            [(created, bid_id, shop_id, email) for email, _, shop_id, bid_id in people],
        )
        connection.execute("COMMIT")
    connection.close()


def _sqlite_shops_and_reporter(database: Database) -> tuple[list[tuple[int, int]], int]:
    connection = sqlite3.connect(database.sqlite_path)
    try:
        shops = connection.execute('SELECT "id", "bid_id" FROM "shop" ORDER BY "id"').fetchall()
        (reporter_id,) = connection.execute(
            'SELECT "id" FROM "user_account" WHERE "email" = ?', (STAFF_EMAIL,)
        ).fetchone()
    finally:
        connection.close()
    return shops, reporter_id


def _sqlite_add_incidents(database: Database, count: int, seed: int) -> None:
    shops, reporter_id = _sqlite_shops_and_reporter(database)
    sqlite_insert_incidents(database, incident_rows(count, shops, reporter_id, sqlite=True, seed=seed))


def sqlite_insert_incidents(database: Database, rows: Iterable[tuple[Any, ...]]) -> None:
    """Insert rows made by `incident_rows(..., sqlite=True)` in one transaction."""
    placeholders = ", ".join("?" * len(INCIDENT_COLUMNS))
    columns = ", ".join(f'"{column}"' for column in INCIDENT_COLUMNS)
    connection = _sqlite(database)
    try:
        connection.execute("BEGIN")
        connection.executemany(
            f'INSERT INTO "incident" ({columns}) VALUES ({placeholders})',  # noqa: S608 - constants
            rows,
        )
        connection.execute("COMMIT")
        # Fold the write-ahead log back into the database file, so the server starts from a clean one.
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()


def _sqlite_analyze(database: Database) -> None:
    connection = sqlite3.connect(database.sqlite_path, isolation_level=None)
    try:
        connection.execute("ANALYZE")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()


def sqlite_copy(database: Database, target: str) -> None:
    """A consistent copy of the SQLite database at `target` (the backup API)."""
    source = sqlite3.connect(database.sqlite_path)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()


# --- PostgreSQL --------------------------------------------------------------------------------


async def _pg_add_country(database: Database, bids: int, seed: int) -> None:
    bid_rows, shop_rows = country_rows(bids, seed)
    connection = await asyncpg.connect(asyncpg_dsn(database.url))
    try:
        async with connection.transaction():
            await connection.executemany(
                'INSERT INTO "bid" ("name", "slug", "created_at") VALUES ($1, $2, now())', bid_rows
            )
            await connection.executemany(
                'INSERT INTO "shop" ("bid_id", "name", "address", "postcode", "latitude", "longitude",'
                ' "created_at") SELECT "id", $1, $2, $3, $4, -1.5, now() FROM "bid" WHERE "slug" = $5',
                [
                    (f"Shop {shop}", f"{shop} High Street", postcode, 52.0 + shop / 1000, slug)
                    for (number, shop, postcode) in shop_rows
                    for slug in [bid_rows[number - 1][1]]
                ],
            )
    finally:
        await connection.close()


async def _pg_add_staff(database: Database, per_shop: int) -> None:
    connection = await asyncpg.connect(asyncpg_dsn(database.url))
    try:
        async with connection.transaction():
            shops = [
                (row["id"], row["bid_id"]) for row in await connection.fetch('SELECT id, bid_id FROM "shop"')
            ]
            people = list(staff_rows(shops, per_shop))
            await connection.executemany(
                'INSERT INTO "user_account" ("email", "name", "password_hash", "is_active", "created_at")'
                " VALUES ($1, $2, '!', true, now())",
                [(email, name) for email, name, _, _ in people],
            )
            await connection.executemany(
                'INSERT INTO "membership" ("role", "created_at", "bid_id", "shop_id", "user_id")'
                ' SELECT \'SHOP_STAFF\', now(), $1, $2, "id" FROM "user_account" WHERE "email" = $3',
                [(bid_id, shop_id, email) for email, _, shop_id, bid_id in people],
            )
    finally:
        await connection.close()


async def _pg_add_incidents(database: Database, count: int, seed: int) -> None:
    connection = await asyncpg.connect(asyncpg_dsn(database.url))
    try:
        shops = [
            (row["id"], row["bid_id"]) for row in await connection.fetch('SELECT id, bid_id FROM "shop"')
        ]
        reporter_id = await connection.fetchval('SELECT id FROM "user_account" WHERE email = $1', STAFF_EMAIL)
    finally:
        await connection.close()
    await pg_insert_incidents(database, incident_rows(count, shops, reporter_id, sqlite=False, seed=seed))


async def pg_insert_incidents(database: Database, rows: Iterator[tuple[Any, ...]]) -> None:
    """COPY rows made by `incident_rows(..., sqlite=False)` in one transaction."""
    connection = await asyncpg.connect(asyncpg_dsn(database.url))
    try:
        await connection.execute("SET synchronous_commit = off")
        batch = 100_000
        async with connection.transaction():
            while chunk := list(itertools.islice(rows, batch)):
                await connection.copy_records_to_table("incident", records=chunk, columns=INCIDENT_COLUMNS)
    finally:
        await connection.close()


async def _pg_analyze(database: Database) -> None:
    connection = await asyncpg.connect(asyncpg_dsn(database.url))
    try:
        # VACUUM too, as autovacuum would have by the time a real table had grown this big: it sets
        # the visibility map that index-only scans rely on. CHECKPOINT so that writing the load's
        # pages out does not happen in the middle of the measurement.
        await connection.execute("VACUUM (ANALYZE)")
        await connection.execute("CHECKPOINT")
    finally:
        await connection.close()


async def pg_copy(database: Database, name: str) -> None:
    """A copy of the PostgreSQL database named `name` (CREATE DATABASE ... TEMPLATE)."""
    source = database.url.rsplit("/", 1)[1]
    admin = await asyncpg.connect(admin_dsn(database.url))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
    finally:
        await admin.close()


# --- either ------------------------------------------------------------------------------------


def add_country(database: Database, bids: int, seed: int = 1) -> None:
    if is_postgres(database.url):
        asyncio.run(_pg_add_country(database, bids, seed))
    else:
        _sqlite_add_country(database, bids, seed)


def add_staff(database: Database, per_shop: int) -> None:
    """`per_shop` SHOP_STAFF accounts (that cannot log in) with their memberships at every shop."""
    if per_shop <= 0:
        return
    if is_postgres(database.url):
        asyncio.run(_pg_add_staff(database, per_shop))
    else:
        _sqlite_add_staff(database, per_shop)


def add_incidents(database: Database, count: int, seed: int) -> float:
    """Add `count` incidents; the seconds it took."""
    started = time.perf_counter()
    if count > 0:
        if is_postgres(database.url):
            asyncio.run(_pg_add_incidents(database, count, seed))
        else:
            _sqlite_add_incidents(database, count, seed)
    return time.perf_counter() - started


def analyze(database: Database) -> float:
    started = time.perf_counter()
    if is_postgres(database.url):
        asyncio.run(_pg_analyze(database))
    else:
        _sqlite_analyze(database)
    return time.perf_counter() - started
