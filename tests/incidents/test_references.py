"""Incident references: taken (on PostgreSQL) in a moment of their own just before the report's
transaction, unique and counting up within a BID and year, never repeated by reports sent at once
nor taken by a refused report, found by search, and given to reports stored before migration 0012
in the order they were reported."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from tortoise.exceptions import IntegrityError

from shopwatch.accounts.models import Role
from shopwatch.actions.incidents import report_incident
from shopwatch.alerts.patterns import Subject
from shopwatch.alerts.services import subject_lock_key
from shopwatch.api.ids import encode_id
from shopwatch.core import db
from shopwatch.core.clock import clock_at
from shopwatch.core.errors import InvalidInput
from shopwatch.incidents.models import Incident, IncidentKind
from shopwatch.incidents.references import bid_code, normalise_reference
from shopwatch.incidents.services import IncidentReport
from shopwatch.offenders.models import Offender
from shopwatch.places.models import Bid
from shopwatch.settings import Settings
from tests.actions import acting
from tests.api.incidents.helpers import REPORT, report_input
from tests.support.graphql import GraphQLClient
from tests.support.postgres import drop_postgres_database, scratch_postgres_database
from tests.support.world import World


def a_report(moment: datetime | None = None) -> IncidentReport:
    return IncidentReport(
        client_id=uuid.uuid4(),
        kind=IncidentKind.THEFT,
        occurred_at=(moment or datetime.now(UTC)) - timedelta(minutes=5),
        description="Razor blades taken from the shelf by the door.",
    )


def test_a_bids_code_is_made_from_its_slug() -> None:
    assert bid_code("market-harcombe") == "MH"
    assert bid_code("harcombe-retail-park") == "HRP"
    assert bid_code("harcombe") == "HAR"
    assert bid_code("a-b-c-d-e") == "ABCD"
    assert bid_code("x") == "X"


def test_a_typed_reference_is_read_in_any_case_with_or_without_leading_zeros() -> None:
    assert normalise_reference("mh-2026-00154") == "MH-2026-00154"
    assert normalise_reference(" MH - 2026 - 154 ") == "MH-2026-00154"
    assert normalise_reference("MH-2026") is None
    assert normalise_reference("whisky") is None


async def test_references_count_up_within_each_bid_and_start_again_each_year(
    world: World, settings: Settings
) -> None:
    staff = await acting(world, settings, Role.SHOP_STAFF)
    away = await acting(world, settings, Role.SHOP_STAFF, "away")
    year = datetime.now(UTC).year
    home_refs = [
        (await report_incident(staff, world.home.shops[0], a_report())).incident.reference for _ in range(3)
    ]
    away_ref = (await report_incident(away, world.away.shops[0], a_report())).incident.reference
    assert home_refs == [f"HOM-{year}-00001", f"HOM-{year}-00002", f"HOM-{year}-00003"]
    assert away_ref == f"AWA-{year}-00001"

    # The year is the UK year the report arrived: 00:30 on New Year's Day in London is already next year.
    new_year = datetime(year + 1, 1, 1, 0, 30, tzinfo=UTC)
    with clock_at(new_year):
        next_year = await report_incident(staff, world.home.shops[0], a_report(new_year))
    assert next_year.incident.reference == f"HOM-{year + 1}-00001"


async def test_a_report_sent_again_keeps_its_reference_and_takes_no_number(
    world: World, settings: Settings
) -> None:
    staff = await acting(world, settings, Role.SHOP_STAFF)
    report = a_report()
    first = await report_incident(staff, world.home.shops[0], report)
    again = await report_incident(staff, world.home.shops[0], report)
    later = await report_incident(staff, world.home.shops[0], a_report())
    assert again.duplicate and again.incident.reference == first.incident.reference
    assert later.incident.reference.endswith("-00002")


async def test_a_refused_report_takes_no_number(world: World, settings: Settings) -> None:
    staff = await acting(world, settings, Role.SHOP_STAFF)
    elsewhere = await Offender.create(bid=world.away.bid, display_name="Not in this gallery")
    with pytest.raises(InvalidInput):
        await report_incident(staff, world.home.shops[0], a_report(), [elsewhere.id])
    stored = await report_incident(staff, world.home.shops[0], a_report())
    assert stored.incident.reference.endswith("-00001")


async def test_reports_sent_at_once_in_one_bid_never_share_a_number(gql: GraphQLClient, world: World) -> None:
    # Through the API, each request its own transaction: on PostgreSQL they really run at once.
    staff, manager = world.token(Role.SHOP_STAFF), world.token(Role.BID_MANAGER)
    requests = [
        gql.execute(REPORT, {"input": report_input(world.home.shop_id(index % 2))}, token=token)
        for index, token in enumerate([staff, manager] * 6)
    ]
    results = [result["reportIncident"] for result in await asyncio.gather(*requests)]
    assert all(result["__typename"] == "ReportIncidentSuccess" for result in results)
    year = datetime.now(UTC).year
    stored = sorted(await Incident.filter(bid=world.home.bid).values_list("reference", flat=True))
    assert stored == [f"HOM-{year}-{number:05d}" for number in range(1, 13)]


async def test_a_report_is_stored_while_another_in_its_bid_is_still_in_its_transaction(
    gql: GraphQLClient, world: World, database: str
) -> None:
    """Numbers are taken in a moment, not held for a report's whole transaction (its rules, live
    alerts and pushes): here the first report waits inside its transaction for its offender's rule
    lock, which the test holds, and a second report in the same BID is stored meanwhile."""
    if not db.is_postgres(database):
        pytest.skip("SQLite has one writer: there every report waits for the one before it anyway")
    import asyncpg

    from tests.support.postgres import dsn

    red_cap = await Offender.create(bid=world.home.bid, display_name="Red cap")
    key = subject_lock_key(world.home.bid.id, Subject(offender_id=red_cap.id))
    naming = report_input(world.home.shop_id(0)) | {"offenderIds": [encode_id("Offender", red_cap.id)]}
    holder = await asyncpg.connect(dsn(database))
    try:
        await holder.execute("SELECT pg_advisory_lock($1)", key)
        first = asyncio.ensure_future(
            gql.execute(REPORT, {"input": naming}, token=world.token(Role.SHOP_STAFF))
        )
        await asyncio.sleep(0.5)
        assert not first.done()  # waiting for the rule lock, inside its transaction
        second = await asyncio.wait_for(
            gql.execute(
                REPORT, {"input": report_input(world.home.shop_id(1))}, token=world.token(Role.BID_MANAGER)
            ),
            5,
        )
        assert second["reportIncident"]["__typename"] == "ReportIncidentSuccess"
    finally:
        await holder.close()  # lets the first report go on
    assert (await first)["reportIncident"]["__typename"] == "ReportIncidentSuccess"
    references = await Incident.filter(bid=world.home.bid).values_list("reference", flat=True)
    assert len(set(references)) == 2


async def test_the_database_refuses_a_reference_twice_in_one_bid(world: World, settings: Settings) -> None:
    staff = await acting(world, settings, Role.SHOP_STAFF)
    first = (await report_incident(staff, world.home.shops[0], a_report())).incident
    second = (await report_incident(staff, world.home.shops[0], a_report())).incident
    with pytest.raises(IntegrityError):
        await Incident.filter(id=second.id).update(reference=first.reference)


REFERENCE_SEARCH = """
query Find($filter: IncidentFilter) {
  incidents(filter: $filter, first: 10) { edges { node { reference description } } }
}
"""


async def test_the_reference_is_in_the_payload_and_found_by_search_in_any_case(
    gql: GraphQLClient, world: World
) -> None:
    staff = world.token(Role.SHOP_STAFF)
    payload = """mutation R($input: ReportIncidentInput!) { reportIncident(input: $input) {
      ... on ReportIncidentSuccess { reference incident { reference } } } }"""
    sent = [
        (await gql.execute(payload, {"input": report_input(world.home.shop_id(0))}, token=staff))[
            "reportIncident"
        ]
        for _ in range(2)
    ]
    assert sent[0]["reference"] == sent[0]["incident"]["reference"]
    wanted = sent[1]["reference"]

    async def found(text: str, token: str | None) -> list[str]:
        data = await gql.execute(REFERENCE_SEARCH, {"filter": {"text": text}}, token=token)
        return [edge["node"]["reference"] for edge in data["incidents"]["edges"]]

    assert await found(wanted.lower(), staff) == [wanted]
    assert await found(wanted.rsplit("-", 1)[0] + "-2", staff) == [wanted]
    # Exactly: another incident's number is not a match, and neither is part of a reference.
    assert await found(wanted[:-1] + "9", staff) == []
    assert await found(wanted.split("-")[0], staff) == []
    # Out of scope it is not there at all.
    assert await found(wanted, world.token(Role.BID_MANAGER, "away")) == []


MIGRATE_AND_READ = """
import asyncio, json, sys
from tortoise import Tortoise, connections
from tortoise.migrations.api import migrate
from shopwatch.core import db

url, step = sys.argv[1], sys.argv[2]

async def main():
    config = db.tortoise_config(url)
    if step == "before":
        await migrate(config=config, target="shopwatch.0011_cases")
        await Tortoise.close_connections()
        return
    try:
        await migrate(config=config)
        connection = connections.get("default")
        _, rows = await connection.execute_query("SELECT id, bid_id, reference FROM incident ORDER BY id")
        _, numbers = await connection.execute_query(
            "SELECT bid_id, year, last_number FROM incident_number ORDER BY bid_id, year"
        )
    finally:
        await Tortoise.close_connections()
    print(json.dumps({"incidents": [list(dict(r).values()) for r in rows],
                      "numbers": [list(dict(r).values()) for r in numbers]}))

asyncio.run(main())
"""


def _run(url: str, step: str) -> str:
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(  # noqa: S603 - this interpreter, our own script
        [sys.executable, "-c", MIGRATE_AND_READ, url, step],
        capture_output=True,
        text=True,
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root / "backend")},
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


async def _insert_old_rows(url: str) -> None:
    """Rows as 0011 stored them: two BIDs, reports out of id order and across a UK new year."""
    if db.is_postgres(url):
        import asyncpg

        from tests.support.postgres import dsn

        connection = await asyncpg.connect(dsn(url))
        execute: Any = connection.execute
        mark = "$"
    else:
        import aiosqlite

        connection = await aiosqlite.connect(url.removeprefix("sqlite://"))
        execute = connection.execute
        mark = "?"

    def marks(count: int) -> str:
        return ", ".join(f"${n}" if mark == "$" else "?" for n in range(1, count + 1))

    def moment(text: str) -> Any:
        value = datetime.fromisoformat(text)
        return value if mark == "$" else value.isoformat(" ")

    now = moment("2026-01-10T12:00:00+00:00")

    async def run(sql: str, values: tuple[Any, ...]) -> None:
        await (execute(sql, *values) if mark == "$" else execute(sql, values))

    bid_sql = f"INSERT INTO bid (id, name, slug, offender_retention_months, created_at) VALUES ({marks(5)})"
    for pk, slug in ((1, "market-harcombe"), (2, "kingsbridge")):
        await run(bid_sql, (pk, slug.title(), slug, 12, now))
    shop_sql = (
        "INSERT INTO shop (id, bid_id, name, address, postcode, latitude, longitude, created_at) "
        f"VALUES ({marks(8)})"
    )
    for pk, bid in ((1, 1), (2, 2)):
        values = (pk, bid, f"Shop {pk}", "1 High Street", "MH1 1AA", 52.0, -1.7, now)
        await run(shop_sql, values)
    incident_sql = (
        "INSERT INTO incident (id, client_id, bid_id, shop_id, kind, status, occurred_at, reported_at, "
        f"description, created_at, updated_at) VALUES ({marks(11)})"
    )
    # (id, bid, reported at): id 3 was reported before id 1; 00:30 GMT on New Year's Day is 2026.
    old = [
        (1, 1, "2025-12-31T23:40:00+00:00"),
        (2, 1, "2025-12-31T10:00:00+00:00"),
        (3, 1, "2025-06-01T10:00:00+00:00"),
        (4, 2, "2026-01-02T09:00:00+00:00"),
        (5, 1, "2026-01-01T00:30:00+00:00"),
        (6, 1, "2026-01-03T09:00:00+00:00"),
    ]
    for pk, bid, reported in old:
        at = moment(reported)
        client_id = str(uuid.uuid4()) if mark == "?" else uuid.uuid4()
        values = (pk, client_id, bid, bid, "THEFT", "NEW", at, at, "Taken", at, at)
        await run(incident_sql, values)
    if mark == "?":
        await connection.commit()
    await connection.close()


async def test_migration_0012_numbers_the_reports_already_stored(database_url: str, tmp_path: Path) -> None:
    if db.is_postgres(database_url):
        url = await scratch_postgres_database(database_url, "_refs")
    else:
        url = f"sqlite://{tmp_path / 'before.sqlite3'}"
    try:
        await asyncio.to_thread(_run, url, "before")
        await _insert_old_rows(url)
        after = json.loads(await asyncio.to_thread(_run, url, "after"))
    finally:
        if db.is_postgres(url):
            await drop_postgres_database(url)
    references = {pk: reference for pk, _, reference in after["incidents"]}
    assert references == {
        3: "MH-2025-00001",
        2: "MH-2025-00002",
        1: "MH-2025-00003",
        5: "MH-2026-00001",
        6: "MH-2026-00002",
        4: "KIN-2026-00001",
    }
    # The counters carry on from there, so the next report in 2026 is MH-2026-00003.
    assert after["numbers"] == [[1, 2025, 3], [1, 2026, 2], [2, 2026, 1]]


async def test_the_bid_code_survives_a_rename(world: World, settings: Settings) -> None:
    staff = await acting(world, settings, Role.SHOP_STAFF)
    await Bid.filter(id=world.home.bid.id).update(name="Quite Another Name")
    reported = await report_incident(staff, world.home.shops[0], a_report())
    assert reported.incident.reference.startswith("HOM-")
