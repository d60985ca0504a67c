"""`me` while clients send the dearest query the cost budget allows (budget: `me` p95 <= 50 ms
whatever the number of clients, and the expensive query answered within 1 s when one client sends
it; several at once take turns, so each also waits for the others', reported but not budgeted).

The demo BID gets a gallery of offenders with skewed incident links (`measured_bid.py`). The
expensive query is the review's shape (offenders, each one's incidents, those incidents' shops,
offenders and photos) with the largest outer page the budget allows. One uvicorn process with
production settings; `me` is measured alone, then while each of `--clients` (1, then 4) clients
send the expensive query back to back; the review's own query is sent too and must be refused.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

import measured_bid
from common import (
    RESULTS_DIR,
    BenchError,
    Connection,
    add_database_url_option,
    database_kind,
    database_urls,
    free_port,
    fresh_database,
    graphql,
    graphql_request,
    latency_summary,
    log_in,
    measure_me,
    running_server,
    server_env,
    settings_of,
    write_results,
)
from graphql import parse

from shopwatch.api.cost import QUERY_BUDGET, query_cost
from shopwatch.api.execution import time_limit_message
from shopwatch.api.library_internals import graphql_schema
from shopwatch.api.schema import build_schema
from shopwatch.settings import DEFAULT_QUERY_TIME_LIMIT

RESULTS_FILE = RESULTS_DIR / "expensive_query_vs_me.json"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/shopwatch_bench_cost"
ME_BUDGET_MS = 50.0
ANSWER_BUDGET_MS = 1100.0  # every expensive query answered within 1 s, with 100 ms for the client
WARMUP = 20
EXPENSIVE = """query Expensive($bid: ID!) { offenders(bidId: $bid, first: FIRST) { edges { node {
  id displayName status incidentCount thumbnailUrl
  incidents(first: 4) { edges { node { id kind description occurredAt shop { name address }
    offenders { id displayName status } photos { thumbnailUrl } } } } } } } }"""
REVIEWERS = (
    'offenders(bidId: "{bid}", first: 100) {{ edges {{ node {{ id displayName '
    "incidents(first: 100) {{ edges {{ node {{ id description offenders {{ id "
    "incidents(first: 100) {{ edges {{ node {{ id description }} }} }} }} }} }} }} }} }} }}"
)


def dearest_allowed(bid_id: str) -> tuple[str, int]:
    """The expensive query with the largest outer page within the budget, and its cost."""
    schema = graphql_schema(build_schema(production=True))
    best = None
    for first in range(1, 101):
        query = EXPENSIVE.replace("FIRST", str(first))
        cost = query_cost(schema, parse(query), None, {"bid": bid_id})
        if cost > QUERY_BUDGET:
            break
        best = (query, cost)
    if best is None:
        raise BenchError("not even one offender fits the budget")
    return best


async def expensive_client(
    port: int, request: bytes, stop: asyncio.Event, seen: dict[str, list[Any]]
) -> None:
    connection = await Connection.open(port)
    stopped_marker = json.dumps(time_limit_message(DEFAULT_QUERY_TIME_LIMIT)).encode()
    try:
        while not stop.is_set():
            sent = time.monotonic_ns()
            status, body = await connection.exchange(request)
            seen["latencies"].append(time.monotonic_ns() - sent)
            seen["bytes"].append(len(body))
            if status == 200 and b'"offenders":{"edges":[{' in body and b'"errors"' not in body:
                seen["answered"].append(1)
            elif status == 200 and stopped_marker in body:
                seen["stopped"].append(1)
            else:
                raise BenchError(f"the expensive query answered {status}: {body[:300]!r}")
    finally:
        await connection.close()


async def during_load(
    port: int, token: str, query: str, bid_id: str, client_count: int, args: argparse.Namespace
) -> dict[str, Any]:
    request = graphql_request(port, token, query, {"bid": bid_id})
    seen: dict[str, list[Any]] = {"latencies": [], "bytes": [], "answered": [], "stopped": []}
    stop = asyncio.Event()
    clients = [asyncio.create_task(expensive_client(port, request, stop, seen)) for _ in range(client_count)]
    await asyncio.sleep(0.5)  # every client has a query in flight
    me = (await measure_me(port, token, args.seconds, args.interval, WARMUP))["latencies_ns"]
    stop.set()
    await asyncio.gather(*clients)
    return {
        "me": latency_summary(me),
        "expensive": latency_summary(seen["latencies"]),
        "answered": len(seen["answered"]),
        "stopped": len(seen["stopped"]),
        "answer_kib": round(max(seen["bytes"]) / 1024, 1),
    }


async def reviewers_refusal(port: int, token: str, bid_id: str) -> dict[str, Any]:
    query = "{ " + " ".join(f"a{n}: " + REVIEWERS.format(bid=bid_id) for n in range(30)) + " }"
    connection = await Connection.open(port)
    try:
        sent = time.monotonic_ns()
        status, body = await connection.exchange(graphql_request(port, token, query))
        elapsed_ms = (time.monotonic_ns() - sent) / 1e6
    finally:
        await connection.close()
    if status != 200 or f"budget of {QUERY_BUDGET:,}".encode() not in body:
        raise BenchError(f"the review's query was not refused: {status} {body[:300]!r}")
    return {"bytes": len(query.encode()), "refused_in_ms": round(elapsed_ms, 1)}


def bench_database(database_url: str, args: argparse.Namespace) -> dict[str, Any]:
    kind = database_kind(database_url)
    measured = measured_bid.MeasuredBid(per_year=args.per_year, offenders=args.offenders)
    with fresh_database(database_url, prefix="shopwatch-cost-") as database:
        measured_bid.build_country(database, measured.incidents + 1_000, 2, measured)
        port = free_port()
        with running_server(server_env(database.env, port), port):
            token = log_in(port)
            memberships = graphql(port, "{ me { memberships { bid { id } } } }", token=token)["me"][
                "memberships"
            ]
            bid_id = memberships[0]["bid"]["id"]
            query, cost = dearest_allowed(bid_id)
            alone = latency_summary(
                asyncio.run(measure_me(port, token, args.seconds, args.interval, WARMUP))["latencies_ns"]
            )
            loads = [
                {"clients": clients, **asyncio.run(during_load(port, token, query, bid_id, clients, args))}
                for clients in args.clients
            ]
            refusal = asyncio.run(reviewers_refusal(port, token, bid_id))
    for loaded in loads:
        answered_in_time = loaded["clients"] > 1 or loaded["expensive"]["max_ms"] <= ANSWER_BUDGET_MS
        loaded["within_budget"] = loaded["me"]["p95_ms"] <= ME_BUDGET_MS and answered_in_time
    return {
        "database": kind,
        "query_cost": cost,
        "me_alone": alone,
        "loads": loads,
        "reviewers_query": refusal,
        "within_budget": all(loaded["within_budget"] for loaded in loads),
    }


def markdown(runs: list[dict[str, Any]]) -> str:
    lines = [
        "| database | query cost | clients | `me` p50 / p95 alone | `me` p50 / p95 during "
        "| expensive p50 / max | answered / stopped | answer | budget |",
        "|---|---:|---:|---|---|---|---:|---:|---|",
    ]
    for run in runs:
        alone = run["me_alone"]
        for loaded in run["loads"]:
            me, expensive = loaded["me"], loaded["expensive"]
            lines.append(
                f"| {run['database']} | {run['query_cost']:,} | {loaded['clients']} "
                f"| {alone['p50_ms']:.1f} / {alone['p95_ms']:.1f} ms "
                f"| {me['p50_ms']:.1f} / {me['p95_ms']:.1f} ms (x{me['p95_ms'] / ME_BUDGET_MS:.2f} of "
                f"{ME_BUDGET_MS:g}) | {expensive['p50_ms']:.0f} / {expensive['max_ms']:.0f} ms "
                f"| {loaded['answered']} / {loaded['stopped']} | {loaded['answer_kib']} KiB "
                f"| {'pass' if loaded['within_budget'] else 'OVER'} |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_database_url_option(parser, DEFAULT_POSTGRES_URL)
    parser.add_argument(
        "--clients",
        type=int,
        nargs="+",
        default=[1, 4],
        help="clients sending the expensive query, each in turn",
    )
    parser.add_argument("--seconds", type=float, default=20.0, help="how long `me` is measured, each phase")
    parser.add_argument("--interval", type=float, default=0.05, help="seconds between `me` requests")
    parser.add_argument("--per-year", type=int, default=5_000, help="the demo BID's incidents a year")
    parser.add_argument("--offenders", type=int, default=300, help="the demo BID's gallery")
    parser.add_argument("--quick", action="store_true", help="a short run: 4 s a phase, a smaller BID")
    args = parser.parse_args(argv)
    if args.quick:
        args.seconds, args.per_year = 4.0, 1_000
    runs = []
    try:
        for url in database_urls(args.database_url, DEFAULT_POSTGRES_URL):
            print(f"{database_kind(url) if url else 'SQLite'}...", flush=True)
            runs.append(bench_database(url, args))
            print(json.dumps(runs[-1], indent=2), flush=True)
    except BenchError as error:
        print(f"bench failed: {error}", file=sys.stderr)
        return 1
    print("\n" + markdown(runs))
    write_results(RESULTS_FILE, Path(__file__).stem, settings_of(args), runs)
    return 0 if all(run["within_budget"] for run in runs) else 3


if __name__ == "__main__":
    sys.exit(main())
