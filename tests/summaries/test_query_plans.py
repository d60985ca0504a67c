"""Every summary and export statement finds its rows through an index, on both databases.

On PostgreSQL, sequential scans are priced out for the EXPLAIN, so a plan that still scans a table
means no index can serve the statement; on SQLite, a plan line `SCAN <table>` means the same.
"""

from __future__ import annotations

from datetime import date

from tortoise import connections
from tortoise.transactions import in_transaction

from shopwatch.core import db
from shopwatch.incidents.models import IncidentKind
from shopwatch.summaries.area import area_figures
from shopwatch.summaries.export import incident_csv
from shopwatch.summaries.periods import Period
from shopwatch.summaries.public import public_figures
from tests.summaries.data import add_incidents, make_area
from tests.summaries.test_area import utc
from tests.support.queries import recording_reads

LARGE_TABLES = ("incident", "offender_link", "photo")


async def _plan(database: str, sql: str, values: list[object]) -> list[str]:
    if db.is_postgres(database):
        async with in_transaction() as connection:
            await connection.execute_script("SET LOCAL enable_seqscan = off")
            _, rows = await connection.execute_query("EXPLAIN " + sql, values)
            return [row[0] for row in rows]
    _, rows = await connections.get("default").execute_query("EXPLAIN QUERY PLAN " + sql, values)
    return [row[3] for row in rows]


def _scans(plan: list[str], database: str) -> list[str]:
    if db.is_postgres(database):
        return [line for line in plan if any(f"Seq Scan on {table}" in line for table in LARGE_TABLES)]
    return [line for line in plan if any(line.startswith(f"SCAN {table}") for table in LARGE_TABLES)]


async def test_no_summary_or_export_statement_scans_a_large_table(database: str) -> None:
    area = await make_area("plans", 2, offenders=1)
    await add_incidents(area, [(0, IncidentKind.THEFT, utc(2026, 6, 3, 12), 100, [0])])
    period = Period(date(2026, 6, 1), date(2026, 6, 30))
    with recording_reads() as statements:
        await area_figures(area.bid.id, period)
        await public_figures(area.bid.id, period)
        async for _ in incident_csv(area.bid.id, period):
            pass
    assert len(statements) >= 2 + 1 + 3  # the summary's two, the public one, three for the CSV
    # The summary's two statements are the ones that begin with WITH; they are explained too.
    assert sum(sql.lstrip().upper().startswith("WITH") for sql, _ in statements) == 2
    for sql, values in statements:
        plan = await _plan(database, sql, values)
        assert _scans(plan, database) == [], (sql, plan)
