"""The area summary's figures computed with the best SQL written by hand, for `area_summary.py`.

The app asks seven statements (`shopwatch.summaries.area`), most of them reading the BID's incidents
for the period again. Here, on each database:

1. One statement for every figure about incidents, each read from the covering index. PostgreSQL:
   a UNION ALL of three aggregates (kind over both periods; shop with its hotspot counts; week and
   hour of the week as GROUPING SETS of one read, `AT TIME ZONE` worked out once per row). Faster
   than GROUPING SETS over one read of both periods, which sorted its 20k rows. SQLite, which has
   no GROUPING SETS: the same UNION ALL, week and hour from a MATERIALIZED common table expression
   of local seconds since 1970 (`unixepoch` plus the offset from a CASE over the clock changes, as
   the app has it but in whole seconds), so each row costs one date function instead of three;
   the Monday and the weekday follow from day numbers by integer arithmetic.
2. One statement for the offenders: the period's links, read once, give both the repeat-offender
   incidents and the top ten with their names.
3. The BID's shops (id, name), so shops with nothing reported appear, as the app lists them.

`graphql_figures` turns the app's answer into the same shape, so `differences` can compare them.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, timedelta
from typing import Any

import asyncpg

from shopwatch.core.ids import encode_id
from shopwatch.incidents.hotspots import BASELINE_WINDOWS, HotspotTest
from shopwatch.incidents.models import IncidentKind
from shopwatch.summaries.periods import LOCAL_ZONE_NAME, Period, utc_offsets

REPEAT_OFFENDER_INCIDENTS = 3
TOP_OFFENDERS = 10
HOTSPOT = HotspotTest()  # the rule's default: the bench's BIDs never change it
FLOAT_TOLERANCE = 1e-9
EPOCH = date(1970, 1, 1)

Figures = dict[str, Any]

# --- PostgreSQL ----------------------------------------------------------------------------------

PG_INCIDENTS = """
SELECT 'kind' AS part, kind, occurred_at >= $2 AS in_period, NULL::bigint AS shop_id,
       NULL::date AS week, NULL::integer AS dow, NULL::integer AS hour,
       count(*) AS n, COALESCE(sum(value_stolen_pence), 0) AS value,
       NULL::bigint AS n_recent, NULL::bigint AS n_baseline
FROM incident WHERE bid_id = $1 AND occurred_at >= $3 AND occurred_at < $4 GROUP BY 2, 3
UNION ALL
SELECT 'shop', NULL, NULL, shop_id, NULL, NULL, NULL,
       count(*) FILTER (WHERE occurred_at >= $2),
       COALESCE(sum(value_stolen_pence) FILTER (WHERE occurred_at >= $2), 0),
       count(*) FILTER (WHERE occurred_at >= $6),
       count(*) FILTER (WHERE occurred_at >= $7 AND occurred_at < $6)
FROM incident WHERE bid_id = $1 AND occurred_at >= LEAST($2, $7) AND occurred_at < $4 GROUP BY shop_id
UNION ALL
SELECT 'covered', NULL, NULL, NULL, NULL, NULL, NULL,
       CASE WHEN EXISTS (SELECT 1 FROM incident WHERE bid_id = $1 AND occurred_at < $3) THEN 1 ELSE 0 END,
       NULL, NULL, NULL
UNION ALL
SELECT CASE WHEN GROUPING(week) = 0 THEN 'week' ELSE 'hour' END, NULL, NULL, NULL, week, dow, hour, count(*),
       NULL, NULL, NULL
FROM (
  SELECT CAST(date_trunc('week', local_time) AS date) AS week,
         CAST(extract(isodow FROM local_time) AS integer) AS dow,
         CAST(extract(hour FROM local_time) AS integer) AS hour
  -- OFFSET 0 keeps the subquery apart, so AT TIME ZONE is worked out once per row, not thrice.
  FROM (SELECT occurred_at AT TIME ZONE $5 AS local_time FROM incident
        WHERE bid_id = $1 AND occurred_at >= $2 AND occurred_at < $4 OFFSET 0) AS times
) AS local_times
GROUP BY GROUPING SETS ((week), (dow, hour))
"""

PG_OFFENDERS = """
WITH links AS (
  SELECT offender_link.offender_id, offender_link.incident_id
  FROM incident JOIN offender_link ON offender_link.incident_id = incident.id
  WHERE incident.bid_id = $1 AND incident.occurred_at >= $2 AND incident.occurred_at < $3
), per_offender AS (
  SELECT offender_id, count(*) AS n FROM links GROUP BY offender_id
)
SELECT repeated.incidents, top.offender_id, top.n, offender.display_name
FROM (
  SELECT count(DISTINCT links.incident_id) AS incidents
  FROM links JOIN per_offender USING (offender_id) WHERE per_offender.n >= $4
) AS repeated
LEFT JOIN LATERAL (
  SELECT offender_id, n FROM per_offender ORDER BY n DESC, offender_id LIMIT $5
) AS top ON true
LEFT JOIN offender ON offender.id = top.offender_id
ORDER BY top.n DESC, top.offender_id
"""

SHOPS = "SELECT id, name FROM shop WHERE bid_id = {p}"


async def postgres_figures(connection: asyncpg.Connection, bid_id: int, period: Period) -> Figures:
    previous = period.previous()
    windows = HOTSPOT.bounds(period.last)
    incidents = await connection.fetch(
        PG_INCIDENTS,
        bid_id,
        period.start,
        previous.start,
        period.end,
        LOCAL_ZONE_NAME,
        windows.recent_start,
        windows.baseline_start,
    )
    offenders = await connection.fetch(
        PG_OFFENDERS, bid_id, period.start, period.end, REPEAT_OFFENDER_INCIDENTS, TOP_OFFENDERS
    )
    shops = await connection.fetch(SHOPS.format(p="$1"), bid_id)
    return _assemble(
        period,
        kinds=[(r["in_period"], r["kind"], r["n"], r["value"]) for r in incidents if r["part"] == "kind"],
        covered=any(r["n"] for r in incidents if r["part"] == "covered"),
        shops={
            r["shop_id"]: (r["n"], r["value"], r["n_recent"], r["n_baseline"])
            for r in incidents
            if r["part"] == "shop"
        },
        weeks={r["week"]: r["n"] for r in incidents if r["part"] == "week"},
        hours={(r["dow"], r["hour"]): r["n"] for r in incidents if r["part"] == "hour"},
        repeat_incidents=offenders[0]["incidents"],
        top=[
            (r["offender_id"], r["display_name"], r["n"]) for r in offenders if r["offender_id"] is not None
        ],
        shop_names={r["id"]: r["name"] for r in shops},
    )


# --- SQLite --------------------------------------------------------------------------------------

SQLITE_INCIDENTS = """
WITH local_times AS MATERIALIZED (
  SELECT unixepoch(occurred_at) + {shift} AS moment FROM incident
  WHERE bid_id = ?1 AND occurred_at >= ?2 AND occurred_at < ?4
)
SELECT 'kind', occurred_at >= ?2, kind, count(*), COALESCE(sum(value_stolen_pence), 0), NULL
FROM incident WHERE bid_id = ?1 AND occurred_at >= ?3 AND occurred_at < ?4 GROUP BY 2, 3
UNION ALL
SELECT 'shop', shop_id, sum(occurred_at >= ?2),
       COALESCE(sum(CASE WHEN occurred_at >= ?2 THEN value_stolen_pence END), 0),
       sum(occurred_at >= ?5), sum(occurred_at >= ?6 AND occurred_at < ?5)
FROM incident WHERE bid_id = ?1 AND occurred_at >= min(?2, ?6) AND occurred_at < ?4 GROUP BY shop_id
UNION ALL
SELECT 'covered', EXISTS (SELECT 1 FROM incident WHERE bid_id = ?1 AND occurred_at < ?3),
       NULL, NULL, NULL, NULL
UNION ALL
-- Local seconds since 1970-01-01, a Thursday: day numbers give the Monday and the ISO weekday.
SELECT 'week', moment / 86400 - (moment / 86400 + 3) % 7, NULL, count(*), NULL, NULL
FROM local_times GROUP BY 2
UNION ALL
SELECT 'hour', (moment / 86400 + 3) % 7 + 1, moment / 3600 % 24, count(*), NULL, NULL
FROM local_times GROUP BY 2, 3
"""

SQLITE_OFFENDERS = """
WITH links AS MATERIALIZED (
  SELECT offender_link.offender_id, offender_link.incident_id
  FROM incident JOIN offender_link ON offender_link.incident_id = incident.id
  WHERE incident.bid_id = ?1 AND incident.occurred_at >= ?2 AND incident.occurred_at < ?3
), per_offender AS MATERIALIZED (
  SELECT offender_id, count(*) AS n FROM links GROUP BY offender_id
)
SELECT NULL, (SELECT count(DISTINCT links.incident_id) FROM links JOIN per_offender USING (offender_id)
              WHERE per_offender.n >= ?4), NULL
UNION ALL
SELECT * FROM (
  SELECT per_offender.offender_id, per_offender.n, offender.display_name
  FROM per_offender JOIN offender ON offender.id = per_offender.offender_id
  ORDER BY per_offender.n DESC, per_offender.offender_id LIMIT ?5
)
"""


def sqlite_time(moment: Any) -> str:
    """An aware datetime as tortoise stores it in SQLite (text that sorts as time does)."""
    return str(moment.astimezone(UTC).isoformat(" "))


def sqlite_shift(period: Period, first_param: int) -> tuple[str, list[str]]:
    """The local zone's offset in seconds for a UTC time in the period, with its parameters
    (numbered from `first_param`): a CASE over the clock changes inside the period."""
    offsets = utc_offsets(period.start, period.end)
    params: list[str] = []

    def param(value: str) -> str:
        params.append(value)
        return f"?{first_param + len(params) - 1}"

    def seconds(index: int) -> str:
        return str(int(offsets[index][1].total_seconds()))

    cases = " ".join(
        f"WHEN occurred_at < {param(sqlite_time(offsets[index + 1][0]))} THEN {seconds(index)}"
        for index in range(len(offsets) - 1)
    )
    return (f"CASE {cases} ELSE {seconds(len(offsets) - 1)} END" if cases else seconds(0)), params


def sqlite_figures(connection: sqlite3.Connection, bid_id: int, period: Period) -> Figures:
    previous = period.previous()
    windows = HOTSPOT.bounds(period.last)
    shift, shift_params = sqlite_shift(period, first_param=7)
    params = [bid_id, *(sqlite_time(t) for t in (period.start, previous.start, period.end))]
    params += [sqlite_time(windows.recent_start), sqlite_time(windows.baseline_start), *shift_params]
    rows = connection.execute(SQLITE_INCIDENTS.format(shift=shift), params).fetchall()
    offenders = connection.execute(
        SQLITE_OFFENDERS,
        (
            bid_id,
            sqlite_time(period.start),
            sqlite_time(period.end),
            REPEAT_OFFENDER_INCIDENTS,
            TOP_OFFENDERS,
        ),
    ).fetchall()
    shops = connection.execute(SHOPS.format(p="?"), (bid_id,)).fetchall()
    return _assemble(
        period,
        kinds=[(bool(r[1]), r[2], r[3], r[4]) for r in rows if r[0] == "kind"],
        covered=any(r[1] for r in rows if r[0] == "covered"),
        shops={r[1]: (r[2], r[3], r[4], r[5]) for r in rows if r[0] == "shop"},
        weeks={EPOCH + timedelta(days=r[1]): r[3] for r in rows if r[0] == "week"},
        hours={(r[1], r[2]): r[3] for r in rows if r[0] == "hour"},
        # UNION ALL promises no order: the repeat count is the row without an offender.
        repeat_incidents=next(r[1] for r in offenders if r[0] is None),
        top=sorted(((r[0], r[2], r[1]) for r in offenders if r[0] is not None), key=lambda t: (-t[2], t[0])),
        shop_names=dict(shops),
    )


# --- either --------------------------------------------------------------------------------------


def _assemble(
    period: Period,
    *,
    kinds: list[tuple[bool, str, int, int]],
    covered: bool,
    shops: dict[int, tuple[int, int, int, int]],
    weeks: dict[date, int],
    hours: dict[tuple[int, int], int],
    repeat_incidents: int,
    top: list[tuple[int, str, int]],
    shop_names: dict[int, str],
) -> Figures:
    """The figures from the aggregated rows, in the order and with the zeros the app gives."""
    found = {(bool(current), kind): (int(count), int(value)) for current, kind, count, value in kinds}
    total = sum(count for (current, _), (count, _) in found.items() if current)
    previous_total = sum(count for (current, _), (count, _) in found.items() if not current)
    counts = {pk: shops.get(pk, (0, 0, 0, 0)) for pk in shop_names}
    by_shop = sorted(counts, key=lambda pk: (-counts[pk][0], shop_names[pk], pk))
    hotspots = [
        (pk, counts[pk][2], counts[pk][3])
        for pk in counts
        if HOTSPOT.holds(int(counts[pk][2]), int(counts[pk][3]))
    ]
    hotspots.sort(key=lambda spot: (-spot[1], spot[0]))
    return {
        "total": total,
        "value_stolen_pence": sum(value for (current, _), (_, value) in found.items() if current),
        "previous_total": previous_total,
        "previous_value_stolen_pence": sum(v for (current, _), (_, v) in found.items() if not current),
        "change": (total - previous_total) / previous_total if previous_total and covered else None,
        "by_kind": {kind.value: list(found.get((True, kind.value), (0, 0))) for kind in IncidentKind},
        "by_shop": [
            [encode_id("Shop", pk), shop_names[pk], int(counts[pk][0]), int(counts[pk][1])] for pk in by_shop
        ],
        "by_week": [[monday.isoformat(), int(weeks.get(monday, 0))] for monday in period.weeks()],
        "by_hour_of_week": [
            [day, hour, int(hours.get((day, hour), 0))] for day in range(1, 8) for hour in range(24)
        ],
        "repeat_offender_incidents": int(repeat_incidents),
        "repeat_offender_share": int(repeat_incidents) / total if total else 0.0,
        "top_offenders": [[encode_id("Offender", pk), name, int(count)] for pk, name, count in top],
        "hotspots": [
            [encode_id("Shop", pk), shop_names[pk], int(recent), int(baseline) / BASELINE_WINDOWS]
            for pk, recent, baseline in hotspots
        ],
    }


def graphql_figures(summary: dict[str, Any]) -> Figures:
    """The app's `areaSummary` answer in the shape of the figures above."""
    return {
        "total": summary["totalIncidents"],
        "value_stolen_pence": summary["valueStolenPence"],
        "previous_total": summary["previousPeriodTotal"],
        "previous_value_stolen_pence": summary["previousPeriodValueStolenPence"],
        "change": summary["change"],
        "by_kind": {k["kind"]: [k["count"], k["valueStolenPence"]] for k in summary["byKind"]},
        "by_shop": [
            [s["shop"]["id"], s["shop"]["name"], s["count"], s["valueStolenPence"]] for s in summary["byShop"]
        ],
        "by_week": [[w["weekStart"], w["count"]] for w in summary["byWeek"]],
        "by_hour_of_week": [[h["dayOfWeek"], h["hour"], h["count"]] for h in summary["byHourOfWeek"]],
        "repeat_offender_incidents": summary["repeatOffenderIncidents"],
        "repeat_offender_share": summary["repeatOffenderShare"],
        "top_offenders": [
            [o["offender"]["id"], o["offender"]["displayName"], o["count"]] for o in summary["topOffenders"]
        ],
        "hotspots": [
            [h["shop"]["id"], h["shop"]["name"], h["lastSevenDays"], h["weeklyAverage"]]
            for h in summary["hotspots"]
        ],
    }


def _same(left: Any, right: Any) -> bool:
    if isinstance(left, float) or isinstance(right, float):
        return left is not None and right is not None and abs(left - right) <= FLOAT_TOLERANCE
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(_same(a, b) for a, b in zip(left, right, strict=True))
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(_same(left[key], right[key]) for key in left)
    return bool(left == right)


def differences(app: Figures, hand: Figures) -> list[str]:
    """The figures on which the two disagree, each with both values (shortened)."""
    return [
        f"{key}: app {str(app.get(key))[:300]} vs hand-written {str(hand.get(key))[:300]}"
        for key in sorted(app.keys() | hand.keys())
        if not _same(app.get(key), hand.get(key))
    ]
