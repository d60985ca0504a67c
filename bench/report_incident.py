"""`reportIncident` without photos, with 10 thousand and with 1 million incidents already stored.

Budget: median latency of one report at most 15 ms (measured one request at a time; the figures
with 4 concurrent connections are reported too, and on one process they queue behind each other's
CPU), and the median with 1M incidents at most 1.3x the median with 10k, both one at a time and 4
at a time (no query may get slower with the size of the table).

For each database (a fresh SQLite file; PostgreSQL, when it answers, as a scratch database that is
dropped at the end): `shopwatch migrate`, `shopwatch demo`, then ~300 BIDs with ~8,400 shops, two
staff accounts per shop (~17k memberships) and 10k incidents loaded straight with SQL
(`bulk_incidents.py`), ANALYZE, a copy of that database kept, then the original topped up to 1M and
analysed again. Two uvicorn processes (the real app, production settings, as the Procfile runs it),
one on each database, and the load alternates between them in rounds (small, large, large, small, ...)
so that drift in a shared machine hits both sizes alike and the 1M/10k ratio is the tables', not the
machine's.

The load is the demo shop staff (bearer token) reporting at their own shop: every request a new
clientId, a random kind, occurredAt a few minutes ago. Every answer must be a ReportIncidentSuccess
with duplicate false. N requests over 4 keep-alive connections (req/s, p50, p95), then one at a time.

    .venv/bin/python bench/report_incident.py                        # SQLite, and PostgreSQL
    .venv/bin/python bench/report_incident.py --quick                # 100k instead of 1M, fewer requests
    .venv/bin/python bench/report_incident.py --small 10000 --large 1000000 --requests 4000
    .venv/bin/python bench/report_incident.py --database-url postgres://postgres@127.0.0.1:5432/x

Figures go to standard output (with a markdown table) and bench/results/report_incident.json. Exit
status: 0 within budget, 3 over budget, 1 when the bench itself failed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sqlite3
import sys
import uuid
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import bulk_incidents
from common import (
    RESULTS_DIR,
    STAFF_EMAIL,
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
    graphql_request,
    is_postgres,
    log_in,
    recreate_postgres,
    run_client,
    run_load,
    running_server,
    server_env,
    settings_of,
    staff_shop_id,
    write_results,
)

RESULTS_FILE = RESULTS_DIR / "report_incident.json"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/shopwatch_bench_report"
P50_BUDGET_MS = 15.0
RATIO_BUDGET = 1.3
REPORT_MUTATION = """
mutation Report($input: ReportIncidentInput!) {
  reportIncident(input: $input) {
    __typename
    ... on ReportIncidentSuccess { duplicate photoErrors { field } incident { id clientId reportedAt } }
    ... on ValidationError { field message }
    ... on PermissionDenied { message }
    ... on NotFound { message }
  }
}
"""
KINDS = ["THEFT", "THEFT", "THEFT", "THREATS_AND_ABUSE", "ANTISOCIAL_BEHAVIOUR", "ASSAULT", "OTHER"]

# What reportIncident asks the database, as tortoise words it (seen in tortoise.db_client's debug log),
# with the values of a real request; EXPLAINed on the large database to show no query scans.
PLANNED_QUERIES = {
    "session lookup": (
        'SELECT * FROM "user_session" LEFT OUTER JOIN "user_account" "u"'
        ' ON "u"."id" = "user_session"."user_id"'
        ' WHERE "user_session"."token_hash" = \'x\' AND "user_session"."revoked_at" IS NULL'
        ' AND "user_session"."last_used_at" > \'2026-01-01\' AND "u"."is_active" = true LIMIT 1'
    ),
    "memberships": 'SELECT * FROM "membership" WHERE "user_id" = 3 ORDER BY "id"',
    "shop": 'SELECT * FROM "shop" WHERE "id" = 1 LIMIT 2',
    "offenders (none asked for)": 'SELECT * FROM "offender" WHERE 1=0 AND "bid_id" = 1',
    "incident by clientId": (
        'SELECT * FROM "incident" WHERE "client_id" = \'00000000-0000-4000-8000-000000000000\' LIMIT 2'
    ),
    "offender links of the new incident": 'SELECT "offender_id" FROM "offender_link" WHERE "incident_id" = 1',
    # The SHOP_HOTSPOT rule's count: it reads the shop's incidents in the rule's window (9 weeks).
    "shop hotspot count (alert rules)": (
        'SELECT COUNT(CASE WHEN "occurred_at" >= \'2026-11-15\' THEN "id" END),'
        ' COUNT(CASE WHEN "occurred_at" < \'2026-11-15\' THEN "id" END) FROM "incident"'
        ' WHERE "shop_id" = 1 AND "occurred_at" >= \'2026-09-20\' AND "occurred_at" <= \'2026-11-22\''
    ),
}


# --- the load ----------------------------------------------------------------------------------


@dataclass
class Target:
    """One server with one database size, and how to make requests for it."""

    label: str  # "small" or "large"
    port: int
    pid: int
    token: str
    shop_id: str
    rng: random.Random

    def request(self) -> bytes:
        occurred = datetime.now(UTC) - timedelta(seconds=self.rng.randrange(60, 1800))
        kind = self.rng.choice(KINDS)
        variables = {
            "input": {
                "clientId": str(uuid.uuid4()),
                "shopId": self.shop_id,
                "kind": kind,
                "occurredAt": occurred.isoformat(timespec="seconds"),
                "description": bulk_incidents.DESCRIPTIONS[
                    self.rng.randrange(len(bulk_incidents.DESCRIPTIONS))
                ],
                "valueStolenPence": self.rng.randrange(199, 25_000) if kind == "THEFT" else None,
            }
        }
        return graphql_request(self.port, self.token, REPORT_MUTATION, variables)


def check_reported(status: int, body: bytes) -> None:
    answer = json.loads(body)
    result = (answer.get("data") or {}).get("reportIncident") or {}
    if (
        status != 200
        or result.get("__typename") != "ReportIncidentSuccess"
        or result.get("duplicate") is not False
        or result.get("photoErrors")
    ):
        raise BenchError(f"reportIncident answered {status}: {body[:400]!r}")


async def measure(targets: list[Target], args: argparse.Namespace) -> dict[str, dict[str, Sample]]:
    """Warm-up, then alternating rounds at `concurrency`, then alternating rounds one at a time."""
    samples: dict[str, dict[str, Sample]] = {
        t.label: {"concurrent": Sample(), "serial": Sample()} for t in targets
    }
    for target in targets:
        await run_load(
            target.port, target.pid, target.request, check_reported, args.warmup, args.concurrency, Sample()
        )
    for key, total, concurrency in (
        ("concurrent", args.requests, args.concurrency),
        ("serial", args.serial_requests, 1),
    ):
        per_round = max(1, total // args.rounds)
        for number in range(args.rounds):
            for target in targets if number % 2 == 0 else targets[::-1]:
                await run_load(
                    target.port,
                    target.pid,
                    target.request,
                    check_reported,
                    per_round,
                    concurrency,
                    samples[target.label][key],
                )
    return samples


def staff_target(label: str, port: int, pid: int, seed: int) -> Target:
    token = log_in(port, STAFF_EMAIL)
    return Target(label, port, pid, token, staff_shop_id(port, token), random.Random(seed))


# --- query plans -------------------------------------------------------------------------------


async def _postgres_plans(url: str) -> dict[str, str]:
    connection = await asyncpg.connect(asyncpg_dsn(url))
    try:
        return {
            name: "\n".join(row[0] for row in await connection.fetch(f"EXPLAIN {sql}"))
            for name, sql in PLANNED_QUERIES.items()
        }
    finally:
        await connection.close()


def query_plans(url: str) -> dict[str, str]:
    if is_postgres(url):
        return asyncio.run(_postgres_plans(url))
    connection = sqlite3.connect(url.removeprefix("sqlite://"))
    try:
        return {
            name: "\n".join(row[3] for row in connection.execute(f"EXPLAIN QUERY PLAN {sql}"))
            for name, sql in PLANNED_QUERIES.items()
        }
    finally:
        connection.close()


def scans_incident(plan: str) -> bool:
    """A full scan of the incident table: SQLite's "SCAN incident", PostgreSQL's "Seq Scan on incident"."""
    return "SCAN incident" in plan or "Seq Scan on incident" in plan


# --- one database ------------------------------------------------------------------------------


def small_copy(database: Database, stack: ExitStack) -> str:
    """A copy of the database as it is now (the small size), dropped when `stack` closes."""
    if not is_postgres(database.url):
        target = database.scratch / "small.sqlite3"
        bulk_incidents.sqlite_copy(database, str(target))
        return f"sqlite://{target}"
    url = database.url + "_small"
    asyncio.run(bulk_incidents.pg_copy(database, url.rsplit("/", 1)[1]))
    stack.callback(lambda: asyncio.run(recreate_postgres(url, create=False)))
    return url


def load_to(database: Database, url: str, rows: int, seed: int) -> dict[str, float]:
    """Add incidents until `url` holds `rows`; then ANALYZE."""
    missing = rows - count_rows(url, "incident")
    seconds = bulk_incidents.add_incidents(database, missing, seed)
    return {
        "rows_added": missing,
        "load_seconds": round(seconds, 1),
        "analyze_seconds": round(bulk_incidents.analyze(database), 1),
    }


def bench_database(database_url: str, args: argparse.Namespace) -> dict[str, Any]:
    kind = database_kind(database_url)
    with (
        fresh_database(database_url, keep=args.keep_database, prefix="shopwatch-report-") as database,
        ExitStack() as stack,
    ):
        bulk_incidents.add_country(database, args.bids - 1)
        bulk_incidents.add_staff(database, args.staff_per_shop)
        loads = {"small": load_to(database, database.url, args.small, seed=1)}
        print(f"  {args.small:,} incidents loaded in {loads['small']['load_seconds']} s", flush=True)
        urls = {"small": small_copy(database, stack), "large": database.url}
        loads["large"] = load_to(database, database.url, args.large, seed=2)
        print(f"  topped up to {args.large:,} in {loads['large']['load_seconds']} s", flush=True)
        rows_before = {size: count_rows(url, "incident") for size, url in urls.items()}
        plans = query_plans(urls["large"])
        targets = []
        for number, (size, url) in enumerate(urls.items()):
            port = free_port()
            server = stack.enter_context(
                running_server(server_env(database.env | {"DATABASE_URL": url}, port), port)
            )
            targets.append(staff_target(size, port, server.pid, seed=number))
        samples = run_client(measure(targets, args))
        rows_after = {size: count_rows(url, "incident") for size, url in urls.items()}
        shops = count_rows(database.url, "shop")
        bids = count_rows(database.url, "bid")
        memberships = count_rows(database.url, "membership")
    sizes: dict[str, Any] = {}
    for size, modes in samples.items():
        sizes[size] = {
            "incidents_before": rows_before[size],
            "incidents_after": rows_after[size],
            **loads[size],
            "concurrent": modes["concurrent"].summary(),
            "serial": modes["serial"].summary(),
        }
    ratio = {
        mode: round(samples["large"][mode].percentile_ms(50) / samples["small"][mode].percentile_ms(50), 2)
        for mode in ("concurrent", "serial")
    }
    # The latency budget is one report's, so one at a time: four in flight on one process queue
    # behind each other's CPU (reported, not judged). The table-size ratio is judged both ways.
    p50s = [sizes[size]["serial"]["p50_ms"] for size in sizes]
    over = [f"p50 one at a time {p50:.1f} ms > {P50_BUDGET_MS:.0f} ms" for p50 in p50s if p50 > P50_BUDGET_MS]
    over += [
        f"{count(args.large)}/{count(args.small)} p50 ratio ({mode}) {ratio[mode]:.2f} > {RATIO_BUDGET}"
        for mode in ("concurrent", "serial")
        if ratio[mode] > RATIO_BUDGET
    ]
    scanning = [name for name, plan in plans.items() if scans_incident(plan)]
    return {
        "database": kind,
        "bids": bids,
        "shops": shops,
        "memberships": memberships,
        "sizes": sizes,
        "p50_ratio_large_over_small": ratio,
        "query_plans_large": plans,
        "queries_scanning_incident": scanning,
        "budget": {"p50_ms": P50_BUDGET_MS, "ratio": RATIO_BUDGET},
        "verdict": "OVER" if over else "PASS",
        "over_budget": over,
    }


# --- reporting ---------------------------------------------------------------------------------


def count(rows: int) -> str:
    """10000 as 10k, 1000000 as 1M."""
    for unit, size in (("M", 1_000_000), ("k", 1_000)):
        if rows >= size and rows % (size // 10) == 0:
            return f"{rows / size:g}{unit}"
    return f"{rows:,}"


def markdown(runs: list[dict[str, Any]], args: argparse.Namespace) -> str:
    lines = [
        f"reportIncident without photos: {args.requests} requests per size over {args.concurrency}"
        f" keep-alive connections and {args.serial_requests} one at a time, in {args.rounds} rounds"
        f" alternating between the sizes, after {args.warmup} warm-up; one uvicorn process per size,"
        " production settings.",
        "",
        f"| database | incidents stored | req/s (c={args.concurrency}) | p50 ms | p95 ms "
        "| server CPU µs/req | p50 ms (c=1) | p95 ms (c=1) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in runs:
        for size in run["sizes"].values():
            concurrent, serial = size["concurrent"], size["serial"]
            cpu = concurrent["server_cpu_us_per_request"]
            lines.append(
                f"| {run['database']} | {size['incidents_before']:,} | {concurrent['rps']:.0f} "
                f"| {concurrent['p50_ms']:.2f} | {concurrent['p95_ms']:.2f} "
                f"| {'' if cpu is None else f'{cpu:.0f}'} "
                f"| {serial['p50_ms']:.2f} | {serial['p95_ms']:.2f} |"
            )
    lines += [
        "",
        f"| database | p50 {count(args.large)} ÷ {count(args.small)} (c={args.concurrency}) | (c=1) "
        f"| budget: p50 ≤ {P50_BUDGET_MS:.0f} ms (c=1), "
        f"ratio ≤ {RATIO_BUDGET} |",
        "|---|---:|---:|---|",
    ]
    for run in runs:
        ratio = run["p50_ratio_large_over_small"]
        why = f" ({'; '.join(run['over_budget'])})" if run["over_budget"] else ""
        lines.append(
            f"| {run['database']} | {ratio['concurrent']:.2f}x | {ratio['serial']:.2f}x "
            f"| {run['verdict']}{why} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    add_database_url_option(parser, DEFAULT_POSTGRES_URL, made=", with a copy named <name>_small")
    parser.add_argument("--small", type=int, default=10_000, help="incidents stored for the small size")
    parser.add_argument("--large", type=int, default=1_000_000, help="incidents stored for the large size")
    parser.add_argument("--bids", type=int, default=300, help="BIDs in all (10-50 shops each)")
    parser.add_argument(
        "--staff-per-shop", type=int, default=2, help="shop staff accounts (with a membership) per shop"
    )
    parser.add_argument("--requests", type=int, default=2000, help="measured concurrent requests per size")
    parser.add_argument("--concurrency", type=int, default=4, help="keep-alive connections")
    parser.add_argument(
        "--serial-requests", type=int, default=400, help="measured one-at-a-time requests per size"
    )
    parser.add_argument("--warmup", type=int, default=200, help="warm-up requests per size")
    parser.add_argument("--rounds", type=int, default=10, help="rounds alternating between the sizes")
    parser.add_argument("--quick", action="store_true", help="100k instead of 1M, a quarter of the requests")
    parser.add_argument("--keep-database", action="store_true", help="leave the PostgreSQL databases behind")
    parser.add_argument("--output", type=Path, default=RESULTS_FILE, help="JSON results file")
    args = parser.parse_args(argv)
    if args.quick:
        args.large = min(args.large, 100_000)
        args.requests, args.serial_requests, args.warmup = args.requests // 4, args.serial_requests // 4, 50
        args.rounds = min(args.rounds, 4)
    if not 0 < args.small < args.large:
        parser.error("--small must be above 0 and below --large")

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
        for size in run["sizes"].values():
            concurrent, serial = size["concurrent"], size["serial"]
            print(
                f"  {size['incidents_before']:>9,} incidents: {concurrent['rps']:6.0f} req/s"
                f"  p50 {concurrent['p50_ms']:6.2f} ms  p95 {concurrent['p95_ms']:6.2f} ms"
                f"  (one at a time: p50 {serial['p50_ms']:5.2f} ms)",
                flush=True,
            )
        for name_of_query in run["queries_scanning_incident"]:
            print(f"  query scanning the incident table: {name_of_query}", flush=True)
        print(f"  {run['verdict']} {'; '.join(run['over_budget'])}", flush=True)

    print()
    print(markdown(runs, args))
    settings = settings_of(args)
    del settings["output"]
    write_results(args.output, "report_incident", settings, runs)
    return 0 if all(run["verdict"] == "PASS" for run in runs) else 3


if __name__ == "__main__":
    sys.exit(main())
