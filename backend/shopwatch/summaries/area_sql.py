"""The two statements behind an area summary, for each database.

Every figure about incidents comes from one statement: a UNION ALL of aggregates, each reading the
BID's index range (bid_id, occurred_at, id, shop_id, kind, value_stolen_pence) and never the table.
Rows are tagged by the figure they belong to. A second statement reads the period's offender links
once and gives the top offenders' own rows with their counts and the repeat-offender count, so the
answer needs no further read of offenders.
"""

from __future__ import annotations

from dataclasses import dataclass

from shopwatch.core.sql import Statement
from shopwatch.incidents.hotspots import HotspotTest
from shopwatch.summaries.periods import LOCAL_ZONE_NAME, Period
from shopwatch.summaries.sql import sqlite_utc_offset

# Tags of the incident statement's rows, and the columns they fill:
# tag, kind, in_period, shop_id, a (week start / weekday), b (hour), count, value, recent, baseline
KIND, SHOP, WEEK, HOUR, COVERED = "kind", "shop", "week", "hour", "covered"
# PostgreSQL types an untyped NULL in the first branches of a UNION as text.
_NO_NUMBER = "CAST(NULL AS integer)"


@dataclass(frozen=True)
class Bounds:
    """The instants the statements compare with, all derived from the period."""

    start: str
    end: str
    previous_start: str
    recent_start: str
    baseline_start: str


def _bounds(sql: Statement, period: Period, hotspot: HotspotTest) -> Bounds:
    windows = hotspot.bounds(period.last)
    return Bounds(
        start=sql.param(period.start),
        end=sql.param(period.end),
        previous_start=sql.param(period.previous().start),
        recent_start=sql.param(windows.recent_start),
        baseline_start=sql.param(windows.baseline_start),
    )


def incident_statement(sql: Statement, bid_id: int, period: Period, hotspot: HotspotTest) -> str:
    bid, at = sql.param(bid_id), _bounds(sql, period, hotspot)
    in_period = f"occurred_at >= {at.start}"
    earliest = "LEAST" if sql.postgres else "min"
    kinds = (
        f"SELECT '{KIND}', kind, CASE WHEN {in_period} THEN 1 ELSE 0 END, NULL, {_NO_NUMBER}, {_NO_NUMBER}, "
        "COUNT(*), COALESCE(SUM(value_stolen_pence), 0), NULL, NULL FROM incident "
        f"WHERE bid_id = {bid} AND occurred_at >= {at.previous_start} AND occurred_at < {at.end} "
        "GROUP BY 2, 3"
    )
    # Each shop's period figures with its hotspot counts: the hotspot window ending on the period's
    # last day (7 days unless the BID's rule says otherwise) and the windows before it.
    shops = (
        f"SELECT '{SHOP}', NULL, NULL, shop_id, {_NO_NUMBER}, {_NO_NUMBER}, "
        f"SUM(CASE WHEN {in_period} THEN 1 ELSE 0 END), "
        f"COALESCE(SUM(CASE WHEN {in_period} THEN value_stolen_pence END), 0), "
        f"SUM(CASE WHEN occurred_at >= {at.recent_start} THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN occurred_at >= {at.baseline_start} AND occurred_at < {at.recent_start} "
        "THEN 1 ELSE 0 END) FROM incident "
        f"WHERE bid_id = {bid} AND occurred_at >= {earliest}({at.start}, {at.baseline_start}) "
        f"AND occurred_at < {at.end} GROUP BY shop_id"
    )
    # Whether the BID's records reach back before the previous period, so a change on it means something.
    covered = (
        f"SELECT '{COVERED}', NULL, NULL, NULL, {_NO_NUMBER}, {_NO_NUMBER}, CASE WHEN EXISTS (SELECT 1 "
        f"FROM incident WHERE bid_id = {bid} AND occurred_at < {at.previous_start}) THEN 1 ELSE 0 END, "
        "NULL, NULL, NULL"
    )
    period_rows = f"bid_id = {bid} AND {in_period} AND occurred_at < {at.end}"
    local = _postgres_weeks_and_hours if sql.postgres else _sqlite_weeks_and_hours
    return (
        f"{local(sql, period, period_rows)}\n{kinds}\nUNION ALL\n{shops}\nUNION ALL\n{covered}\n"
        f"UNION ALL\n{_LOCAL_PARTS}"
    )


# Both databases give the week and hour parts from a `local_times` common table expression.
_LOCAL_PARTS = "SELECT * FROM local_parts"


def _postgres_weeks_and_hours(sql: Statement, period: Period, period_rows: str) -> str:
    """Local time worked out once per row (OFFSET 0 keeps the inner query apart), then weeks and
    hours of the week as grouping sets of one read."""
    zone = sql.param(LOCAL_ZONE_NAME)
    return (
        "WITH local_parts AS (SELECT CASE WHEN GROUPING(week) = 0 THEN "
        f"'{WEEK}' ELSE '{HOUR}' END AS tag, NULL AS kind, NULL::integer AS in_period, "
        "NULL::bigint AS shop_id, "
        "CASE WHEN GROUPING(week) = 0 THEN week - DATE '1970-01-01' ELSE day END AS a, hour AS b, "
        "COUNT(*) AS n, NULL::bigint AS value, NULL::bigint AS recent, NULL::bigint AS baseline FROM ("
        "SELECT CAST(date_trunc('week', local_time) AS date) AS week, "
        "CAST(extract(isodow FROM local_time) AS integer) AS day, "
        "CAST(extract(hour FROM local_time) AS integer) AS hour FROM ("
        f"SELECT occurred_at AT TIME ZONE {zone} AS local_time FROM incident WHERE {period_rows} "
        "OFFSET 0) AS times) AS local_times GROUP BY GROUPING SETS ((week), (day, hour)))"
    )


def _sqlite_weeks_and_hours(sql: Statement, period: Period, period_rows: str) -> str:
    """Local seconds since 1970 (a Thursday), one date function per row: day numbers then give
    the Monday and the weekday, and seconds the hour, by integer arithmetic."""
    shift = sqlite_utc_offset(sql, "occurred_at", period.start, period.end)
    return (
        "WITH local_times AS (SELECT CAST(strftime('%s', occurred_at) AS integer) + "
        f"{shift} AS moment FROM incident WHERE {period_rows}), "
        "local_parts AS ("
        f"SELECT '{WEEK}', NULL, NULL, NULL, moment / 86400 - (moment / 86400 + 3) % 7, NULL, "
        "COUNT(*), NULL, NULL, NULL FROM local_times GROUP BY 5 "
        "UNION ALL "
        f"SELECT '{HOUR}', NULL, NULL, NULL, (moment / 86400 + 3) % 7 + 1, moment / 3600 % 24, "
        "COUNT(*), NULL, NULL, NULL FROM local_times GROUP BY 5, 6)"
    )


# The columns the offender statement gives beside each offender's own.
PERIOD_INCIDENTS, REPEAT_INCIDENTS = "period_incidents", "repeat_incidents"


def offender_statement(sql: Statement, bid_id: int, period: Period, repeat: int, top: int) -> str:
    """The top offenders' rows, each with its incidents in the period and, the same on every row,
    the period's incidents linked to a repeat offender: none when no incident is linked."""
    return (
        "WITH links AS (SELECT offender_link.offender_id, offender_link.incident_id FROM incident "
        "JOIN offender_link ON offender_link.incident_id = incident.id "
        f"WHERE incident.bid_id = {sql.param(bid_id)} AND incident.occurred_at >= {sql.param(period.start)} "
        f"AND incident.occurred_at < {sql.param(period.end)}), "
        "per_offender AS (SELECT offender_id, COUNT(*) AS n FROM links GROUP BY offender_id), "
        "repeat_links AS (SELECT COUNT(DISTINCT links.incident_id) AS n FROM links "
        "JOIN per_offender ON per_offender.offender_id = links.offender_id "
        f"WHERE per_offender.n >= {sql.param(repeat)}), "
        "top AS (SELECT offender_id, n FROM per_offender "
        f"ORDER BY n DESC, offender_id LIMIT {sql.param(top)}) "
        f"SELECT offender.*, top.n AS {PERIOD_INCIDENTS}, "
        f"(SELECT n FROM repeat_links) AS {REPEAT_INCIDENTS} "
        "FROM top JOIN offender ON offender.id = top.offender_id"
    )
