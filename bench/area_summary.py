"""`areaSummary` for one year of a BID with 10 thousand incidents a year, among 1 million in all,
against the best hand-written SQL for the same figures.

Budget: p50 at most 150 ms on PostgreSQL, and at most 1.5x the p50 of the hand-written SQL
(`summary_sql.py`) measured in the same run, on PostgreSQL and SQLite.

For each database (a fresh SQLite file; PostgreSQL, when it answers, as `shopwatch_bench_summary`,
dropped and made again, dropped at the end): `shopwatch migrate`, `shopwatch demo`, then a country of
300 BIDs and 1M incidents in which the demo BID has ~10k a year over two years, hotspots and
offender links (`measured_bid.py`), ANALYZE. One uvicorn process (the real app, production settings);
the demo BID manager logs in. Then, in rounds that alternate which goes first:

  (a) `areaSummary(bidId, from, to)` for the last 365 UK days through GraphQL over HTTP, every field
      asked for, one request at a time;
  (b) the hand-written SQL for the same BID and days, run by this process straight against the
      database (asyncpg; sqlite3), turned into the same figures.

Both answers are compared figure by figure before and after the rounds; any difference fails the
bench. The app's two statements are EXPLAINed on the big database (PostgreSQL: ANALYZE, BUFFERS)
and each one timed alone, so a scan and the statement that costs most are visible.

    .venv/bin/python bench/area_summary.py                 # SQLite, and PostgreSQL if it answers
    .venv/bin/python bench/area_summary.py --quick         # 100k incidents, fewer rounds
    .venv/bin/python bench/area_summary.py --incidents 1000000 --per-year 10000 --rounds 10 --requests 100

Figures go to standard output (with a markdown table) and bench/results/area_summary.json. Exit
status: 0 within budget, 3 over budget, 1 when the bench itself failed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import measured_bid
import summary_sql
from common import (
    RESULTS_DIR,
    BenchError,
    Database,
    Sample,
    add_database_url_option,
    asyncpg_dsn,
    count_rows,
    database_kind,
    database_urls,
    free_port,
    fresh_database,
    graphql,
    graphql_request,
    is_postgres,
    latency_summary,
    log_in,
    run_client,
    run_load,
    running_server,
    scalar,
    server_env,
    settings_of,
    write_results,
)

from shopwatch.core.sql import Statement
from shopwatch.incidents.hotspots import HotspotTest
from shopwatch.summaries import area, area_sql
from shopwatch.summaries.periods import LOCAL_ZONE, Period

RESULTS_FILE = RESULTS_DIR / "area_summary.json"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/shopwatch_bench_summary"
P50_BUDGET_MS = 150.0  # PostgreSQL
RATIO_BUDGET = 1.5
STATEMENT_RUNS = 5
# After five runs of a prepared statement PostgreSQL may switch to a generic plan, which guesses a
# BID's period at a handful of rows and picks nested loops (several times slower for the offender
# links); the app plans every statement for its values too (`core.db.POSTGRES_SERVER_SETTINGS`).
CUSTOM_PLANS = {"plan_cache_mode": "force_custom_plan"}
SUMMARY_QUERY = """
query Summary($bidId: ID!, $from: Date!, $to: Date!) {
  areaSummary(bidId: $bidId, from: $from, to: $to) {
    from to totalIncidents valueStolenPence previousPeriodTotal previousPeriodValueStolenPence change
    byKind { kind count valueStolenPence }
    byShop { shop { id name } count valueStolenPence }
    byWeek { weekStart count }
    byHourOfWeek { dayOfWeek hour count }
    repeatOffenderShare repeatOffenderIncidents
    topOffenders { offender { id displayName } count }
    hotspots { shop { id name } lastSevenDays weeklyAverage }
  }
}
"""
# The statements area_figures asks (besides the BID's shops, read through the ORM).
APP_STATEMENTS = [
    "incident figures (kind, shop with hotspot counts, covered, week, hour of week)",
    "offenders",
]


def last_year() -> Period:
    """The last 365 UK days, today included."""
    today = datetime.now(LOCAL_ZONE).date()
    return Period(today - timedelta(days=364), today)


# --- the app's statements ------------------------------------------------------------------------


def app_statements(url: str, bid_pk: int, period: Period) -> list[tuple[str, list[Any]]]:
    """The SQL and parameters `area.area_figures` asks, as the app words them for this database."""
    dialect = "postgres" if is_postgres(url) else "sqlite"
    incidents, offenders = Statement(dialect), Statement(dialect)
    incident_sql = area_sql.incident_statement(incidents, bid_pk, period, HotspotTest())
    offender_sql = area_sql.offender_statement(
        offenders, bid_pk, period, area.REPEAT_OFFENDER_INCIDENTS, area.TOP_OFFENDERS
    )
    return [(incident_sql, incidents.params), (offender_sql, offenders.params)]


async def _postgres_statements(url: str, statements: list[tuple[str, list[Any]]]) -> list[dict[str, Any]]:
    connection = await asyncpg.connect(asyncpg_dsn(url), server_settings=CUSTOM_PLANS)
    try:
        found = []
        for name, (sql, params) in zip(APP_STATEMENTS, statements, strict=True):
            plan = await connection.fetch(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", *params)
            timings = []
            for _ in range(STATEMENT_RUNS):
                started = time.perf_counter()
                await connection.fetch(sql, *params)
                timings.append(time.perf_counter() - started)
            found.append(_statement(name, sql, "\n".join(row[0] for row in plan), timings))
        return found
    finally:
        await connection.close()


def _sqlite_statements(path: Path, statements: list[tuple[str, list[Any]]]) -> list[dict[str, Any]]:
    connection = sqlite3.connect(path)
    try:
        found = []
        for name, (sql, params) in zip(APP_STATEMENTS, statements, strict=True):
            plan = connection.execute(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()
            timings = []
            for _ in range(STATEMENT_RUNS):
                started = time.perf_counter()
                connection.execute(sql, params).fetchall()
                timings.append(time.perf_counter() - started)
            found.append(_statement(name, sql, "\n".join(row[3] for row in plan), timings))
        return found
    finally:
        connection.close()


def _statement(name: str, sql: str, plan: str, timings: list[float]) -> dict[str, Any]:
    return {
        "name": name,
        "sql": sql,
        "plan": plan,
        "median_ms": round(statistics.median(timings) * 1000, 2),
        "scans_incident": "SCAN incident" in plan or "Seq Scan on incident" in plan,
    }


def explain_app(database: Database, bid_pk: int, period: Period) -> list[dict[str, Any]]:
    """Each app statement's plan on the big database and its time alone (median of 5)."""
    statements = app_statements(database.url, bid_pk, period)
    if is_postgres(database.url):
        return asyncio.run(_postgres_statements(database.url, statements))
    return _sqlite_statements(database.sqlite_path, statements)


# --- the two sides -------------------------------------------------------------------------------


class HandSide:
    """The hand-written SQL on one connection of its own, opened on the client's event loop."""

    def __init__(self, database: Database, bid_pk: int, period: Period) -> None:
        self.database, self.bid_pk, self.period = database, bid_pk, period
        self.postgres: asyncpg.Connection | None = None
        self.sqlite: sqlite3.Connection | None = None

    async def open(self) -> None:
        if is_postgres(self.database.url):
            self.postgres = await asyncpg.connect(
                asyncpg_dsn(self.database.url), server_settings=CUSTOM_PLANS
            )
        else:
            self.sqlite = sqlite3.connect(self.database.sqlite_path)

    async def compute(self) -> Any:
        if self.postgres is not None:
            return await summary_sql.postgres_figures(self.postgres, self.bid_pk, self.period)
        assert self.sqlite is not None
        return summary_sql.sqlite_figures(self.sqlite, self.bid_pk, self.period)

    async def close(self) -> None:
        if self.postgres is not None:
            await self.postgres.close()
        if self.sqlite is not None:
            self.sqlite.close()


class AppSide:
    """`areaSummary` over HTTP, keeping the last answer's figures."""

    def __init__(self, port: int, pid: int, token: str, bid_id: str, period: Period) -> None:
        self.port, self.pid = port, pid
        self.request = graphql_request(
            port,
            token,
            SUMMARY_QUERY,
            {"bidId": bid_id, "from": period.first.isoformat(), "to": period.last.isoformat()},
        )
        self.figures: Any = None

    def check(self, status: int, body: bytes) -> None:
        answer = json.loads(body)
        if status != 200 or answer.get("errors") or not (answer.get("data") or {}).get("areaSummary"):
            raise BenchError(f"areaSummary answered {status}: {body[:400]!r}")
        self.figures = summary_sql.graphql_figures(answer["data"]["areaSummary"])

    async def run(self, requests: int, into: Sample) -> None:
        await run_load(self.port, self.pid, lambda: self.request, self.check, requests, 1, into)


async def run_hand(hand: HandSide, requests: int, into: list[int]) -> Any:
    figures = None
    for _ in range(requests):
        started = time.perf_counter_ns()
        figures = await hand.compute()
        into.append(time.perf_counter_ns() - started)
    return figures


def check_same(app: Any, hand: Any, when: str) -> None:
    found = summary_sql.differences(app, hand)
    if found:
        raise BenchError(f"the app and the hand-written SQL disagree ({when}):\n  " + "\n  ".join(found))


async def measure(app: AppSide, hand: HandSide, args: argparse.Namespace) -> tuple[Sample, list[int]]:
    """Warm-up and a check that both give the same figures, then alternating rounds, checked again."""
    await app.run(args.warmup, Sample())
    check_same(app.figures, await run_hand(hand, args.warmup, []), "after the warm-up")
    app_sample, hand_latencies = Sample(), []
    per_round = max(1, args.requests // args.rounds)
    hand_figures = None
    for number in range(args.rounds):
        if number % 2 == 0:
            await app.run(per_round, app_sample)
            hand_figures = await run_hand(hand, per_round, hand_latencies)
        else:
            hand_figures = await run_hand(hand, per_round, hand_latencies)
            await app.run(per_round, app_sample)
    check_same(app.figures, hand_figures, "after the rounds")
    return app_sample, hand_latencies


async def measure_both(app: AppSide, hand: HandSide, args: argparse.Namespace) -> tuple[Sample, list[int]]:
    await hand.open()
    try:
        return await measure(app, hand, args)
    finally:
        await hand.close()


# --- one database --------------------------------------------------------------------------------


def bid_pk_of(url: str) -> int:
    return int(scalar(url, f"SELECT id FROM bid WHERE slug = '{measured_bid.DEMO_BID_SLUG}'"))  # noqa: S608


def incidents_in(url: str, bid_pk: int, period: Period) -> int:
    def moment(value: datetime) -> str:
        return f"'{value.isoformat()}'" if is_postgres(url) else f"'{summary_sql.sqlite_time(value)}'"

    return int(
        scalar(
            url,
            f"SELECT count(*) FROM incident WHERE bid_id = {bid_pk} "  # noqa: S608 - our own values
            f"AND occurred_at >= {moment(period.start)} AND occurred_at < {moment(period.end)}",
        )
    )


def bench_database(database_url: str, args: argparse.Namespace) -> dict[str, Any]:
    kind = database_kind(database_url)
    measured = measured_bid.MeasuredBid(per_year=args.per_year, offenders=args.offenders)
    with fresh_database(database_url, keep=args.keep_database, prefix="shopwatch-summary-") as database:
        load = measured_bid.build_country(database, args.incidents, args.bids, measured)
        print(f"  {args.incidents:,} incidents loaded in {load['load_seconds']} s", flush=True)
        period = last_year()
        bid_pk = bid_pk_of(database.url)
        stored = {
            "incidents": count_rows(database.url, "incident"),
            "bids": count_rows(database.url, "bid"),
            "shops": count_rows(database.url, "shop"),
            "offender_links": count_rows(database.url, "offender_link"),
            "bid_incidents_in_period": incidents_in(database.url, bid_pk, period),
        }
        statements = explain_app(database, bid_pk, period)
        port = free_port()
        with running_server(server_env(database.env, port), port) as server:
            token = log_in(port)
            bid_id = graphql(port, "{ bids { id } }", token=token)["bids"][0]["id"]
            app = AppSide(port, server.pid, token, bid_id, period)
            hand = HandSide(database, bid_pk, period)
            app_sample, hand_latencies = run_client(measure_both(app, hand, args))
    return verdict(kind, stored, load, period, statements, app_sample, hand_latencies)


def verdict(
    kind: str,
    stored: dict[str, int],
    load: dict[str, float],
    period: Period,
    statements: list[dict[str, Any]],
    app_sample: Sample,
    hand_latencies: list[int],
) -> dict[str, Any]:
    app_figures = app_sample.summary()
    hand_figures = latency_summary(hand_latencies)
    ratio = round(app_figures["p50_ms"] / hand_figures["p50_ms"], 2)
    over = []
    if kind == "PostgreSQL" and app_figures["p50_ms"] > P50_BUDGET_MS:
        over.append(f"p50 {app_figures['p50_ms']:.1f} ms > {P50_BUDGET_MS:.0f} ms")
    if ratio > RATIO_BUDGET:
        over.append(f"p50 ratio {ratio:.2f} > {RATIO_BUDGET}")
    return {
        "database": kind,
        "stored": stored,
        **load,
        "period": {"from": period.first.isoformat(), "to": period.last.isoformat()},
        "app": app_figures,
        "hand_written": hand_figures,
        "p50_ratio_app_over_hand": ratio,
        "app_statements": statements,
        "app_statements_ms": round(sum(statement["median_ms"] for statement in statements), 2),
        "statements_scanning_incident": [s["name"] for s in statements if s["scans_incident"]],
        "budget": {"p50_ms_postgres": P50_BUDGET_MS, "ratio": RATIO_BUDGET},
        "verdict": "OVER" if over else "PASS",
        "over_budget": over,
    }


# --- reporting -----------------------------------------------------------------------------------


def print_statements(run: dict[str, Any]) -> None:
    for statement in run["app_statements"]:
        print(f"\n  -- {statement['name']}: {statement['median_ms']:.2f} ms alone", flush=True)
        for line in statement["plan"].splitlines():
            print(f"     {line}")


def markdown(runs: list[dict[str, Any]], args: argparse.Namespace) -> str:
    lines = [
        f"areaSummary for the last 365 days: {args.requests} requests one at a time and as many runs of"
        f" the hand-written SQL, in {args.rounds} alternating rounds after {args.warmup} of each;"
        " one uvicorn process, production settings.",
        "",
        "| database | incidents stored | BID's incidents in period | areaSummary p50 ms | p95 ms "
        "| server CPU ms/req | app statements alone ms | hand-written SQL p50 ms | p95 ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in runs:
        app, hand, stored = run["app"], run["hand_written"], run["stored"]
        cpu = app["server_cpu_us_per_request"]
        lines.append(
            f"| {run['database']} | {stored['incidents']:,} | {stored['bid_incidents_in_period']:,} "
            f"| {app['p50_ms']:.1f} | {app['p95_ms']:.1f} | {'' if cpu is None else f'{cpu / 1000:.1f}'} "
            f"| {run['app_statements_ms']:.1f} | {hand['p50_ms']:.1f} | {hand['p95_ms']:.1f} |"
        )
    lines += [
        "",
        f"| database | p50 areaSummary ÷ hand-written | budget: p50 ≤ {P50_BUDGET_MS:.0f} ms (PostgreSQL), "
        f"ratio ≤ {RATIO_BUDGET} |",
        "|---|---:|---|",
    ]
    for run in runs:
        why = f" ({'; '.join(run['over_budget'])})" if run["over_budget"] else ""
        lines.append(f"| {run['database']} | {run['p50_ratio_app_over_hand']:.2f}x | {run['verdict']}{why} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    add_database_url_option(parser, DEFAULT_POSTGRES_URL)
    parser.add_argument("--incidents", type=int, default=1_000_000, help="incidents stored in all")
    parser.add_argument("--bids", type=int, default=300, help="BIDs in all (10-50 shops each)")
    parser.add_argument("--per-year", type=int, default=10_000, help="the measured BID's incidents a year")
    parser.add_argument("--offenders", type=int, default=300, help="the measured BID's offenders")
    parser.add_argument("--requests", type=int, default=100, help="measured requests (and SQL runs)")
    parser.add_argument("--warmup", type=int, default=5, help="warm-up requests (and SQL runs)")
    parser.add_argument("--rounds", type=int, default=10, help="rounds alternating which goes first")
    parser.add_argument("--quick", action="store_true", help="100k incidents, 20 requests in 4 rounds")
    parser.add_argument("--keep-database", action="store_true", help="leave the PostgreSQL database behind")
    parser.add_argument("--output", type=Path, default=RESULTS_FILE, help="JSON results file")
    args = parser.parse_args(argv)
    if args.quick:
        args.incidents = min(args.incidents, 100_000)
        args.requests, args.rounds = min(args.requests, 20), min(args.rounds, 4)

    runs = []
    for url in database_urls(args.database_url, DEFAULT_POSTGRES_URL):
        name = database_kind(url)
        print(f"Benchmarking on {name} ...", flush=True)
        try:
            run = bench_database(url, args)
        except BenchError as error:
            print(f"bench failed on {name}: {error}", file=sys.stderr)
            return 1
        runs.append(run)
        print_statements(run)
        app, hand = run["app"], run["hand_written"]
        print(
            f"\n  areaSummary p50 {app['p50_ms']:.1f} ms p95 {app['p95_ms']:.1f} ms;"
            f" hand-written SQL p50 {hand['p50_ms']:.1f} ms p95 {hand['p95_ms']:.1f} ms;"
            f" ratio {run['p50_ratio_app_over_hand']:.2f}",
            flush=True,
        )
        for statement in run["statements_scanning_incident"]:
            print(f"  statement scanning the incident table: {statement}", flush=True)
        print(f"  {run['verdict']} {'; '.join(run['over_budget'])}", flush=True)

    print()
    print(markdown(runs, args))
    settings = settings_of(args) | {"query": SUMMARY_QUERY}
    del settings["output"]
    write_results(args.output, "area_summary", settings, runs)
    return 0 if all(run["verdict"] == "PASS" for run in runs) else 3


if __name__ == "__main__":
    sys.exit(main())
