"""The `me` query's latency while 10 logins a second arrive at the same server process.

Budget: p95 of an authenticated `me` query at most 50 ms while the logins arrive, and at most 3x its
p95 alone.

For each database (a fresh SQLite file; PostgreSQL too when it answers): `shopwatch migrate`,
`shopwatch demo`, one uvicorn process (the real app, production settings, as the Procfile runs it).
Then, in this order:

1. baseline: the `me` client alone for D seconds;
2. logins: a client process sends `login` mutations on a fixed schedule (10 a second), whatever
   the pace of the answers: each on an idle keep-alive connection, or a new one when all are busy.
   Every other one is for a demo account with its right password, the others for an email no
   account has, with a wrong password. Each comes from an address of its own (`X-Forwarded-For`,
   which uvicorn trusts from 127.0.0.1), so the throttle never answers "wait" and every login costs
   the server one argon2 check; every answer is checked to be `LoginSuccess`, or the wrong-password
   `AuthError` for an unknown email. Once the first answers are in, the `me` client runs for D
   seconds again.
3. password reset requests, one every 20 ms on one connection, alternately for a demo account and
   for an unknown email; the median answer of each is printed. Not judged here: the test suite
   shows that both do the same database work before answering.

The `me` client (the demo BID manager, `{ me { id email name memberships { role bid { id name } } } }`,
a request every 50 ms, timed from sending to the last byte of the answer) and the login client are
separate processes from the server and from each other. Measured: `me` p50/p95/p99 alone and during
the logins, logins answered per second and their latency, the server's CPU use.

    .venv/bin/python bench/logins_vs_me.py                       # SQLite, and PostgreSQL if it answers
    .venv/bin/python bench/logins_vs_me.py --quick               # 10 s phases
    .venv/bin/python bench/logins_vs_me.py --database-url postgres://postgres@127.0.0.1:5432/shopwatch_bench

Figures go to standard output (with a markdown table) and bench/results/logins_vs_me.json. Exit
status: 0 within budget, 3 over budget, 1 when the bench itself failed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from common import (
    LOGIN_MUTATION,
    MANAGER_EMAIL,
    RESULTS_DIR,
    STAFF_EMAIL,
    BenchError,
    Connection,
    add_database_url_option,
    answer_of,
    child,
    child_until_told,
    cores_busy,
    database_kind,
    database_urls,
    free_port,
    fresh_database,
    log_in,
    me_figures,
    me_main,
    percentile_ms,
    read_line,
    run_client,
    running_server,
    server_env,
    settings_of,
    stop_child,
    write_results,
)

from shopwatch.places.demo import DEMO_PASSWORD

RESULTS_FILE = RESULTS_DIR / "logins_vs_me.json"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/shopwatch_bench_logins"
BUDGET_P95_MS = 50.0
BUDGET_RATIO = 3.0
KNOWN_ACCOUNTS = (MANAGER_EMAIL, STAFF_EMAIL, "pcso@example.org", "admin@example.org")
WRONG_CREDENTIALS = b"That email and password do not match an account."
TOO_MANY_ATTEMPTS = b"Too many failed attempts."
RESET_MUTATION = "mutation Reset($email: String!) { requestPasswordReset(email: $email) }"
RESET_INTERVAL_S = 0.02
# uvicorn closes a keep-alive connection idle this long (its 5 s, less the time its answer takes to reach us).
KEEP_ALIVE_TIMEOUT_NS = 4_500_000_000
THIS = Path(__file__).resolve()


def anonymous_graphql_request(port: int, query: str, variables: dict[str, Any], address: str = "") -> bytes:
    """A GraphQL POST with no session, from `address` as a proxy would forward it."""
    body = json.dumps({"query": query, "variables": variables}).encode()
    forwarded = f"X-Forwarded-For: {address}\r\n" if address else ""
    return (
        f"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{forwarded}"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\nAccept: application/json\r\n\r\n"
    ).encode() + body


# --- the login client (a child process) ---------------------------------------------------------


class LoginClient:
    def __init__(self, port: int, per_second: float) -> None:
        self.port = port
        self.interval_ns = int(1e9 / per_second)
        self.idle: list[tuple[Connection, int]] = []  # with when each was last answered
        # (monotonic ns at the answer, latency ns, known account, "checked" or "wait")
        self.finished: list[tuple[int, int, bool, str]] = []

    def request(self, number: int) -> tuple[bytes, bool]:
        """The `number`th login: a demo account with its password, or an unknown email, alternately;
        each from an address of its own, so no address reaches the throttle's limit."""
        known = number % 2 == 0
        if known:
            email, password = KNOWN_ACCOUNTS[number // 2 % len(KNOWN_ACCOUNTS)], DEMO_PASSWORD
        else:
            email, password = f"nobody-{uuid.uuid4().hex[:12]}@example.org", "not the password"
        address = f"10.{number >> 16 & 255}.{number >> 8 & 255}.{number & 255}"
        variables = {"email": email, "password": password}
        return anonymous_graphql_request(self.port, LOGIN_MUTATION, variables, address), known

    @staticmethod
    def answer(status: int, body: bytes, known: bool) -> str:
        """ "checked" when the password was checked (success, or wrong for an unknown email), "wait"
        when the throttle refused: only when so many logins for one account are under way at once
        that the server is not keeping up."""
        if status == 200 and (b'"LoginSuccess"' if known else WRONG_CREDENTIALS) in body:
            return "checked"
        if status == 200 and TOO_MANY_ATTEMPTS in body:
            return "wait"
        raise BenchError(f"a login answered {status}: {body[:300]!r}")

    async def log_in(self, number: int) -> None:
        request, known = self.request(number)
        connection, idle_since = self.idle.pop() if self.idle else (await Connection.open(self.port), None)
        sent = time.monotonic_ns()
        try:
            status, body = await connection.exchange(request)
        except asyncio.IncompleteReadError as closed:
            # uvicorn closes a connection idle for its keep-alive timeout (5 s): a request sent on
            # it was never read, so it goes again on a new one. Anything else is a failure.
            idle_ns = sent - idle_since if idle_since is not None else 0
            if closed.partial or idle_ns < KEEP_ALIVE_TIMEOUT_NS:
                raise
            connection = await Connection.open(self.port)
            status, body = await connection.exchange(request)
        ended = time.monotonic_ns()
        self.idle.append((connection, ended))
        self.finished.append((ended, ended - sent, known, self.answer(status, body, known)))

    async def run(self) -> dict[str, Any]:
        """Log in on schedule until a line arrives on stdin; then wait for the logins under way and
        answer with what happened."""
        told = asyncio.create_task(asyncio.to_thread(sys.stdin.readline))
        tasks: list[asyncio.Task[None]] = []
        started = time.monotonic_ns()
        announced = False
        while not told.done():
            due = started + len(tasks) * self.interval_ns
            if (wait := due - time.monotonic_ns()) > 0:
                await asyncio.wait([told], timeout=wait / 1e9)
                continue
            tasks.append(asyncio.create_task(self.log_in(len(tasks))))
            for task in tasks:
                if task.done() and (error := task.exception()) is not None:
                    raise error
            if not announced and {known for _, _, known, _ in self.finished} == {True, False}:
                print(json.dumps({"ready": time.monotonic_ns()}), flush=True)
                announced = True
        await asyncio.gather(*tasks)
        for connection, _ in self.idle:
            await connection.close()
        return {"started_ns": started, "sent": len(tasks), "finished": self.finished}


def login_client_main(args: argparse.Namespace) -> None:
    result = run_client(LoginClient(args.port, args.logins_per_second).run())
    print(json.dumps(result), flush=True)


# --- password reset requests ---------------------------------------------------------------------


async def measure_resets(port: int, each: int) -> dict[str, list[int]]:
    """`each` reset requests for a demo account and as many for unknown emails, alternately, one at
    a time on one connection with a pause between them; the answers' latencies of each kind."""
    connection = await Connection.open(port)
    latencies: dict[str, list[int]] = {"existing": [], "unknown": []}
    try:
        for number in range(2 * each):
            kind = "existing" if number % 2 == 0 else "unknown"
            email = STAFF_EMAIL if kind == "existing" else f"nobody-{number}@example.org"
            request = anonymous_graphql_request(port, RESET_MUTATION, {"email": email})
            sent = time.monotonic_ns()
            status, body = await connection.exchange(request)
            latencies[kind].append(time.monotonic_ns() - sent)
            if status != 200 or json.loads(body) != {"data": {"requestPasswordReset": True}}:
                raise BenchError(f"requestPasswordReset answered {status}: {body[:300]!r}")
            await asyncio.sleep(RESET_INTERVAL_S)
    finally:
        await connection.close()
    return latencies


# --- one database ------------------------------------------------------------------------------


def login_figures(logged: dict[str, Any], window: tuple[int, int]) -> dict[str, Any]:
    during = [answer for answer in logged["finished"] if window[0] <= answer[0] <= window[1]]
    seconds = (window[1] - window[0]) / 1e9
    figures: dict[str, Any] = {
        "sent": logged["sent"],
        "per_second": round(len(during) / seconds, 2),
        "throttled": sum(1 for *_, answer in during if answer == "wait"),
    }
    for kind, known in (("known", True), ("unknown", False)):
        answers = [(latency, answer) for _, latency, was_known, answer in during if was_known is known]
        latencies = [latency for latency, _ in answers]
        figures[kind] = {
            "answered": len(answers),
            "throttled": sum(1 for _, answer in answers if answer == "wait"),
            "p50_ms": round(percentile_ms(latencies, 50), 1) if latencies else None,
            "p95_ms": round(percentile_ms(latencies, 95), 1) if latencies else None,
        }
    return figures


def bench_database(database_url: str, args: argparse.Namespace) -> dict[str, Any]:
    kind = database_kind(database_url)
    me_options = [f"--duration={args.duration}", f"--interval-ms={args.interval_ms}"]
    with fresh_database(database_url, keep=args.keep_database, prefix="shopwatch-logins-") as database:
        port = free_port()
        with running_server(server_env(database.env, port), port) as server:
            # "--token=..." because a token may start with "-", which argparse would take for an option.
            me_client = [f"--port={port}", f"--token={log_in(port, MANAGER_EMAIL)}"]
            baseline = answer_of(child(THIS, "me", *me_client, *me_options), timeout=args.duration + 60)
            login_client = [f"--port={port}", f"--logins-per-second={args.logins_per_second}"]
            with child_until_told(THIS, "logins", *login_client) as logins:
                read_line(logins.stdout, timeout=60)  # both kinds of login have had an answer
                with cores_busy(server.pid) as cores:
                    loaded = answer_of(child(THIS, "me", *me_client, *me_options), timeout=args.duration + 60)
                logged = stop_child(logins, timeout=120)
            resets = run_client(measure_resets(port, args.resets))
    me_alone, me_loaded = me_figures(baseline), me_figures(loaded)
    ratio = me_loaded["p95_ms"] / me_alone["p95_ms"]
    within = me_loaded["p95_ms"] <= BUDGET_P95_MS and ratio <= BUDGET_RATIO
    return {
        "database": kind,
        "me_baseline": me_alone,
        "me_during_logins": me_loaded,
        "p95_ratio": round(ratio, 2),
        "logins": login_figures(logged, (loaded["started_ns"], loaded["ended_ns"])),
        "server": {
            "cpu_cores_busy_during_logins": cores.server,
            "machine_cpu_cores_busy_during_logins": None
            if cores.machine is None
            else round(cores.machine, 2),
        },
        "reset_answer_median_ms": {
            kind: round(statistics.median(latencies) / 1e6, 2) for kind, latencies in resets.items()
        },
        "budget": {"p95_ms": BUDGET_P95_MS, "ratio": BUDGET_RATIO},
        "verdict": "PASS" if within else "OVER",
    }


# --- reporting ---------------------------------------------------------------------------------


def markdown(runs: list[dict[str, Any]], args: argparse.Namespace) -> str:
    lines = [
        f"`me` every {args.interval_ms:.0f} ms for {args.duration:.0f} s alone, then for "
        f"{args.duration:.0f} s while {args.logins_per_second:g} logins a second arrive (half for unknown "
        "emails); one uvicorn process, production settings; server, login client and `me` client are "
        "separate processes on the same CPUs.",
        "",
        "| database | `me` p50 / p95 ms alone | `me` p50 / p95 during logins | p95 ratio | logins/s (wait) "
        "| login p50 / p95 ms (account, unknown) | server CPU cores | reset answer median ms "
        f"(account, unknown) | budget p95 ≤ {BUDGET_P95_MS:.0f} ms and ≤ {BUDGET_RATIO:g}x |",
        "|---|---|---|---:|---:|---|---:|---|---|",
    ]
    for run in runs:
        alone, loaded, logins = run["me_baseline"], run["me_during_logins"], run["logins"]
        known, unknown = logins["known"], logins["unknown"]
        cores = run["server"]["cpu_cores_busy_during_logins"]
        resets = run["reset_answer_median_ms"]
        lines.append(
            f"| {run['database']} | {alone['p50_ms']:.1f} / {alone['p95_ms']:.1f} "
            f"| {loaded['p50_ms']:.1f} / {loaded['p95_ms']:.1f} | {run['p95_ratio']:.2f}x "
            f"| {logins['per_second']:.1f} ({logins['throttled']}) "
            f"| {known['p50_ms']} / {known['p95_ms']}, {unknown['p50_ms']} / {unknown['p95_ms']} "
            f"| {'' if cores is None else f'{cores:.2f}'} "
            f"| {resets['existing']:.2f}, {resets['unknown']:.2f} | {run['verdict']} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    add_database_url_option(parser, DEFAULT_POSTGRES_URL)
    parser.add_argument("--logins-per-second", type=float, default=10.0, help="half for unknown emails")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds `me` is measured, per phase")
    parser.add_argument("--interval-ms", type=float, default=50.0, help="between two `me` requests")
    parser.add_argument("--resets", type=int, default=200, help="reset requests of each kind")
    parser.add_argument("--quick", action="store_true", help="10 s phases, 50 reset requests of each kind")
    parser.add_argument("--keep-database", action="store_true", help="leave the PostgreSQL database behind")
    parser.add_argument("--output", type=Path, default=RESULTS_FILE, help="JSON results file")
    # The child processes.
    parser.add_argument("--role", choices=["logins", "me"], help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--token", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.role == "logins":
        login_client_main(args)
        return 0
    if args.role == "me":
        me_main(args)
        return 0
    if args.quick:
        args.duration = min(args.duration, 10.0)
        args.resets = min(args.resets, 50)

    runs = []
    for url in database_urls(args.database_url, DEFAULT_POSTGRES_URL):
        name = database_kind(url)
        print(f"Benchmarking on {name} ...", flush=True)
        try:
            run = bench_database(url, args)
        except (BenchError, subprocess.TimeoutExpired) as error:
            print(f"bench failed on {name}: {error}", file=sys.stderr)
            return 1
        runs.append(run)
        alone, loaded, logins = run["me_baseline"], run["me_during_logins"], run["logins"]
        resets = run["reset_answer_median_ms"]
        print(
            f"  me alone: p50 {alone['p50_ms']:.1f} ms, p95 {alone['p95_ms']:.1f} ms; during logins:"
            f" p50 {loaded['p50_ms']:.1f} ms, p95 {loaded['p95_ms']:.1f} ms ({run['p95_ratio']:.2f}x alone);"
            f" {logins['per_second']:.1f} logins/s, {logins['throttled']} answered wait;"
            f" reset answer median {resets['existing']:.2f} ms (account) and {resets['unknown']:.2f} ms"
            f" (unknown): {run['verdict']}",
            flush=True,
        )

    print()
    print(markdown(runs, args))
    settings = settings_of(args)
    for key in ("output", "role", "port", "token"):
        del settings[key]
    write_results(args.output, "logins_vs_me", settings, runs)
    return 0 if all(run["verdict"] == "PASS" for run in runs) else 3


if __name__ == "__main__":
    sys.exit(main())
