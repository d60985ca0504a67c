"""An authenticated GraphQL `me` query against a bare starlette route doing the same session lookup.

Budget: the GraphQL request costs at most 3x the bare route (throughput and median latency).

One uvicorn server process (the real app from `bench_app.py`, as in production: uvloop, httptools,
one worker) serves both endpoints; this process is the load generator. Each database gets a fresh
database, `shopwatch migrate`, `shopwatch demo`, a login as the demo BID manager, a warm-up, then
rounds that alternate the endpoints (ABC, CBA, ...) so drift in the machine hits all of them alike.

The client speaks HTTP/1.1 over keep-alive sockets itself (a few lines of asyncio on uvloop) rather
than through httpx, so that it costs far less CPU than the server and the figures are the server's.

    .venv/bin/python bench/me_vs_bare_route.py                  # SQLite, and PostgreSQL if it answers
    .venv/bin/python bench/me_vs_bare_route.py --requests 6000 --concurrency 10
    .venv/bin/python bench/me_vs_bare_route.py --quick          # 1000 requests per endpoint
    .venv/bin/python bench/me_vs_bare_route.py --database-url postgres://postgres@127.0.0.1:5432/x

A PostgreSQL database named with --database-url is dropped and created again, then dropped at the
end. Figures go to standard output (with a markdown table) and bench/results/me_vs_bare_route.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from common import (
    DEFAULT_POSTGRES_URL,
    MANAGER_EMAIL,
    RESULTS_DIR,
    BenchError,
    Connection,
    Sample,
    add_database_url_option,
    database_kind,
    database_urls,
    free_port,
    fresh_database,
    http_request,
    log_in,
    run_client,
    run_load,
    running_server,
    server_env,
    settings_of,
    write_results,
)

RESULTS_FILE = RESULTS_DIR / "me_vs_bare_route.json"
BUDGET = 3.0
LOGIN_EMAIL = MANAGER_EMAIL
ME_QUERY = "{ me { id email name memberships { role bid { id name } } } }"


# --- the load generator -----------------------------------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    key: str
    label: str
    request: bytes  # the whole HTTP/1.1 request, sent as is on every iteration
    expect: bytes  # every answer must be 200 and contain this


def graphql_endpoint(port: int, token: str) -> Endpoint:
    body = json.dumps({"query": ME_QUERY}).encode()
    request = http_request(port, "POST", "/graphql", token, body, "application/json")
    return Endpoint("graphql", "GraphQL `me` (POST /graphql)", request, b'"BID_MANAGER"')


def bare_endpoint(port: int, token: str, path: str, key: str, label: str, expect: bytes) -> Endpoint:
    return Endpoint(key, label, http_request(port, "GET", path, token), expect)


async def run_round(
    port: int, server_pid: int, endpoint: Endpoint, requests: int, concurrency: int, into: Sample
) -> None:
    def check(status: int, body: bytes) -> None:
        if status != 200 or endpoint.expect not in body:
            raise BenchError(f"{endpoint.key} answered {status}: {body[:300]!r}")

    await run_load(port, server_pid, lambda: endpoint.request, check, requests, concurrency, into)


async def load(
    port: int,
    server_pid: int,
    endpoints: list[Endpoint],
    *,
    requests: int,
    warmup: int,
    rounds: int,
    concurrency: int,
) -> dict[str, Sample]:
    for endpoint in endpoints:
        # A full answer once, so a wrong shape fails loudly rather than being timed.
        connection = await Connection.open(port)
        status, body = await connection.exchange(endpoint.request)
        await connection.close()
        answer = json.loads(body)
        if status != 200 or "errors" in answer:
            raise BenchError(f"{endpoint.key} answered {status}: {answer}")
        await run_round(port, server_pid, endpoint, warmup, concurrency, Sample())
    samples = {endpoint.key: Sample() for endpoint in endpoints}
    per_round = max(1, requests // rounds)
    for number in range(rounds):
        order = endpoints if number % 2 == 0 else endpoints[::-1]
        for endpoint in order:
            await run_round(port, server_pid, endpoint, per_round, concurrency, samples[endpoint.key])
    return samples


# --- one database ------------------------------------------------------------------------------


def ratios(graphql: Sample, bare: Sample) -> dict[str, float | None]:
    cpu = None
    if graphql.cpu_known and bare.cpu_known and bare.server_cpu_s > 0:
        cpu = round((graphql.server_cpu_s / graphql.count) / (bare.server_cpu_s / bare.count), 2)
    return {
        "throughput": round(bare.rps / graphql.rps, 2),
        "p50": round(graphql.percentile_ms(50) / bare.percentile_ms(50), 2),
        "p95": round(graphql.percentile_ms(95) / bare.percentile_ms(95), 2),
        "server_cpu": cpu,
    }


def bench_database(database_url: str, args: argparse.Namespace) -> dict[str, Any]:
    with fresh_database(database_url, keep=args.keep_database) as database:
        port = free_port()
        with running_server(server_env(database.env, port, args.env), port) as server:
            token = log_in(port, LOGIN_EMAIL)
            endpoints = [
                graphql_endpoint(port, token),
                bare_endpoint(
                    port,
                    token,
                    "/bench/me",
                    "bare",
                    "bare route, same data (GET /bench/me)",
                    b'"BID_MANAGER"',
                ),
            ]
            if not args.no_session_only:
                endpoints.append(
                    bare_endpoint(
                        port,
                        token,
                        "/bench/session",
                        "session",
                        "bare route, session lookup only (GET /bench/session)",
                        LOGIN_EMAIL.encode(),
                    )
                )
            samples = run_client(
                load(
                    port,
                    server.pid,
                    endpoints,
                    requests=args.requests,
                    warmup=args.warmup,
                    rounds=args.rounds,
                    concurrency=args.concurrency,
                )
            )
    graphql, bare = samples["graphql"], samples["bare"]
    found = ratios(graphql, bare)
    verdict = "PASS" if max(found["throughput"] or 0.0, found["p50"] or 0.0) <= BUDGET else "OVER"
    run: dict[str, Any] = {
        "database": database_kind(database_url),
        "endpoints": {
            endpoint.key: {"label": endpoint.label, **samples[endpoint.key].summary()}
            for endpoint in endpoints
        },
        "ratio_graphql_over_bare": found,
        "budget": BUDGET,
        "verdict": verdict,
    }
    if "session" in samples:
        run["ratio_graphql_over_session_only"] = ratios(graphql, samples["session"])
    return run


# --- reporting ---------------------------------------------------------------------------------


def markdown(runs: list[dict[str, Any]], args: argparse.Namespace) -> str:
    lines = [
        f"{args.requests} requests per endpoint, {args.concurrency} concurrent keep-alive "
        f"connections, {args.rounds} alternating rounds after {args.warmup} warm-up; one uvicorn "
        f"process ({args.env} settings), {os.cpu_count()} CPUs.",
        "",
        "| database | endpoint | req/s | p50 ms | p95 ms | server CPU µs/req |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for run in runs:
        for endpoint in run["endpoints"].values():
            cpu = endpoint["server_cpu_us_per_request"]
            lines.append(
                f"| {run['database']} | {endpoint['label']} | {endpoint['rps']:.0f} "
                f"| {endpoint['p50_ms']:.2f} | {endpoint['p95_ms']:.2f} "
                f"| {'' if cpu is None else f'{cpu:.0f}'} |"
            )
    lines += [
        "",
        "| database | GraphQL ÷ bare: throughput | p50 | p95 | server CPU | budget 3x |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for run in runs:
        ratio = run["ratio_graphql_over_bare"]
        cpu = ratio["server_cpu"]
        lines.append(
            f"| {run['database']} | {ratio['throughput']:.2f}x | {ratio['p50']:.2f}x "
            f"| {ratio['p95']:.2f}x | {'' if cpu is None else f'{cpu:.2f}x'} | {run['verdict']} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    add_database_url_option(parser, DEFAULT_POSTGRES_URL)
    parser.add_argument("--requests", type=int, default=3000, help="measured requests per endpoint")
    parser.add_argument("--warmup", type=int, default=500, help="warm-up requests per endpoint")
    parser.add_argument("--rounds", type=int, default=10, help="alternating rounds")
    parser.add_argument("--concurrency", type=int, default=10, help="keep-alive connections")
    parser.add_argument("--env", choices=["production", "development"], default="production")
    parser.add_argument("--no-session-only", action="store_true", help="skip the session-lookup-only route")
    parser.add_argument("--keep-database", action="store_true", help="leave the PostgreSQL database behind")
    parser.add_argument("--output", type=Path, default=RESULTS_FILE, help="JSON results file")
    parser.add_argument("--quick", action="store_true", help="a third of the requests, 4 rounds")
    args = parser.parse_args(argv)
    if args.quick:
        args.requests, args.warmup, args.rounds = args.requests // 3, args.warmup // 3, min(args.rounds, 4)

    urls = database_urls(args.database_url, DEFAULT_POSTGRES_URL)

    runs = []
    for url in urls:
        name = database_kind(url)
        print(f"Benchmarking on {name} ...", flush=True)
        try:
            run = bench_database(url, args)
        except BenchError as error:
            print(f"bench failed on {name}: {error}", file=sys.stderr)
            return 1
        runs.append(run)
        for endpoint in run["endpoints"].values():
            print(
                f"  {endpoint['label']:<55} {endpoint['rps']:8.0f} req/s"
                f"  p50 {endpoint['p50_ms']:6.2f} ms  p95 {endpoint['p95_ms']:6.2f} ms",
                flush=True,
            )
        ratio = run["ratio_graphql_over_bare"]
        print(
            f"  GraphQL / bare: throughput {ratio['throughput']:.2f}x, p50 {ratio['p50']:.2f}x"
            f" (budget {BUDGET:.0f}x): {run['verdict']}",
            flush=True,
        )

    print()
    print(markdown(runs, args))
    settings = settings_of(args) | {"query": ME_QUERY}
    del settings["database_url"], settings["output"]
    write_results(args.output, "me_vs_bare_route", settings, runs)
    return 0 if all(run["verdict"] == "PASS" for run in runs) else 3


if __name__ == "__main__":
    sys.exit(main())
