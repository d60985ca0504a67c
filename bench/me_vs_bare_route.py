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
    .venv/bin/python bench/me_vs_bare_route.py --database-url postgres://postgres@127.0.0.1:5432/x

A PostgreSQL database named with --database-url is dropped and created again, then dropped at the
end. Figures go to standard output (with a markdown table) and bench/results/me_vs_bare_route.json.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
import httpx

from shopwatch.places.demo import DEMO_PASSWORD

T = TypeVar("T")

ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = ROOT / "bench"
RESULTS_FILE = BENCH_DIR / "results" / "me_vs_bare_route.json"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/shopwatch_bench"
BUDGET = 3.0
LOGIN_EMAIL = "manager@example.org"
ME_QUERY = "{ me { id email name memberships { role bid { id name } } } }"
LOGIN_MUTATION = (
    "mutation Login($email: String!, $password: String!) {"
    " login(email: $email, password: $password) {"
    " __typename ... on LoginSuccess { token } ... on AuthError { message }"
    " ... on ValidationError { message } } }"
)
CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


class BenchError(Exception):
    pass


# --- the load generator -----------------------------------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    key: str
    label: str
    request: bytes  # the whole HTTP/1.1 request, sent as is on every iteration
    expect: bytes  # every answer must be 200 and contain this


def graphql_endpoint(port: int, token: str) -> Endpoint:
    body = json.dumps({"query": ME_QUERY}).encode()
    head = (
        f"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
        f"Accept: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return Endpoint("graphql", "GraphQL `me` (POST /graphql)", head.encode() + body, b'"BID_MANAGER"')


def bare_endpoint(port: int, token: str, path: str, key: str, label: str, expect: bytes) -> Endpoint:
    head = (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Authorization: Bearer {token}\r\nAccept: application/json\r\n\r\n"
    )
    return Endpoint(key, label, head.encode(), expect)


class Connection:
    """One keep-alive HTTP/1.1 connection; enough of the protocol for uvicorn's answers."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    @classmethod
    async def open(cls, port: int) -> Connection:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        sock = writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return cls(reader, writer)

    async def exchange(self, request: bytes) -> tuple[int, bytes]:
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length: int | None = None
        chunked = False
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding" and b"chunked" in value.lower():
                chunked = True
            elif name == b"connection" and b"close" in value.lower():
                raise BenchError(f"the server closed the connection: {head!r}")
        if chunked:
            return status, await self._chunked_body()
        if length is None:
            raise BenchError(f"an answer without Content-Length: {head!r}")
        return status, await self.reader.readexactly(length)

    async def _chunked_body(self) -> bytes:
        parts: list[bytes] = []
        while True:
            size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await self.reader.readuntil(b"\r\n")
                return b"".join(parts)
            parts.append(await self.reader.readexactly(size))
            await self.reader.readexactly(2)

    async def close(self) -> None:
        self.writer.close()
        with contextlib.suppress(OSError):
            await self.writer.wait_closed()


def server_cpu_seconds(pid: int) -> float | None:
    """User + system CPU of the server process, all its threads (Linux only)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields_after_name = stat.rsplit(")", 1)[1].split()
    return (int(fields_after_name[11]) + int(fields_after_name[12])) / CLOCK_TICKS


@dataclass
class Sample:
    """Everything measured for one endpoint, summed over the rounds."""

    latencies_ns: list[int] = field(default_factory=list)
    elapsed_ns: int = 0
    server_cpu_s: float = 0.0
    client_cpu_s: float = 0.0
    cpu_known: bool = True

    @property
    def count(self) -> int:
        return len(self.latencies_ns)

    @property
    def rps(self) -> float:
        return self.count / (self.elapsed_ns / 1e9)

    def percentile_ms(self, q: int) -> float:
        cuts = statistics.quantiles(self.latencies_ns, n=100, method="inclusive")
        return cuts[q - 1] / 1e6

    def summary(self) -> dict[str, Any]:
        return {
            "requests": self.count,
            "seconds": round(self.elapsed_ns / 1e9, 3),
            "rps": round(self.rps, 1),
            "p50_ms": round(self.percentile_ms(50), 3),
            "p95_ms": round(self.percentile_ms(95), 3),
            "p99_ms": round(self.percentile_ms(99), 3),
            "mean_ms": round(statistics.fmean(self.latencies_ns) / 1e6, 3),
            "server_cpu_us_per_request": (
                round(self.server_cpu_s / self.count * 1e6, 1) if self.cpu_known else None
            ),
            "client_cpu_us_per_request": round(self.client_cpu_s / self.count * 1e6, 1),
        }


async def run_round(
    port: int, server_pid: int, endpoint: Endpoint, requests: int, concurrency: int, into: Sample
) -> None:
    connections = [await Connection.open(port) for _ in range(concurrency)]
    remaining = requests
    latencies: list[int] = []

    async def client(connection: Connection) -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            started = time.perf_counter_ns()
            status, body = await connection.exchange(endpoint.request)
            latencies.append(time.perf_counter_ns() - started)
            if status != 200 or endpoint.expect not in body:
                raise BenchError(f"{endpoint.key} answered {status}: {body[:300]!r}")

    cpu_before = server_cpu_seconds(server_pid)
    client_cpu_before = time.process_time()
    started = time.perf_counter_ns()
    try:
        await asyncio.gather(*(client(connection) for connection in connections))
    finally:
        elapsed = time.perf_counter_ns() - started
        client_cpu = time.process_time() - client_cpu_before
        cpu_after = server_cpu_seconds(server_pid)
        for connection in connections:
            await connection.close()
    into.latencies_ns.extend(latencies)
    into.elapsed_ns += elapsed
    into.client_cpu_s += client_cpu
    if cpu_before is None or cpu_after is None:
        into.cpu_known = False
    else:
        into.server_cpu_s += cpu_after - cpu_before


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


# --- the server and its database ---------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def shopwatch(command: str, env: dict[str, str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "shopwatch.cli", command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BenchError(f"shopwatch {command} failed:\n{result.stdout}{result.stderr}")


def _admin_dsn(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1).rsplit("/", 1)[0] + "/postgres"


def _database_name(url: str) -> str:
    name = url.rsplit("/", 1)[1].split("?", 1)[0]
    if not name.replace("_", "").isalnum():
        raise BenchError(f"refusing to drop a database named {name!r}")
    return name


async def postgres_answers(url: str) -> bool:
    try:
        connection = await asyncpg.connect(_admin_dsn(url), timeout=3)
    except (OSError, asyncpg.PostgresError, TimeoutError):
        return False
    await connection.close()
    return True


async def recreate_postgres(url: str, *, create: bool = True) -> None:
    name = _database_name(url)
    admin = await asyncpg.connect(_admin_dsn(url))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()


def is_postgres(url: str) -> bool:
    return url.split(":", 1)[0] in ("postgres", "postgresql", "asyncpg")


@contextlib.contextmanager
def running_server(env: dict[str, str], port: int) -> Iterator[subprocess.Popen[bytes]]:
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "--app-dir",
        str(BENCH_DIR),
        "bench_app:create",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    try:
        deadline = time.monotonic() + 30
        while True:
            if server.poll() is not None:
                raise BenchError(f"the server exited with {server.returncode}")
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise BenchError("the server did not answer /healthz within 30 s")
            time.sleep(0.1)
        yield server
    finally:
        if server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def log_in(port: int) -> str:
    answer = httpx.post(
        f"http://127.0.0.1:{port}/graphql",
        json={
            "query": LOGIN_MUTATION,
            "variables": {"email": LOGIN_EMAIL, "password": DEMO_PASSWORD},
        },
        timeout=30,
    )
    result = answer.json().get("data", {}) or {}
    login = result.get("login") or {}
    if login.get("__typename") != "LoginSuccess":
        raise BenchError(f"login failed: {answer.status_code} {answer.text}")
    token: str = login["token"]
    return token


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
    kind = "PostgreSQL" if is_postgres(database_url) else "SQLite"
    with tempfile.TemporaryDirectory(prefix="shopwatch-bench-") as scratch:
        if not database_url:
            database_url = f"sqlite://{Path(scratch) / 'bench.sqlite3'}"
        postgres = is_postgres(database_url)
        if postgres:
            asyncio.run(recreate_postgres(database_url))
        try:
            port = free_port()
            base_env = {
                **os.environ,
                "DATABASE_URL": database_url,
                "SHOPWATCH_VAR_DIR": scratch,
                "MEDIA_ROOT": str(Path(scratch) / "media"),
                "SHOPWATCH_ENV": "development",
            }
            base_env.pop("SMTP_URL", None)
            shopwatch("migrate", base_env)
            shopwatch("demo", base_env)
            server_env = dict(base_env)
            if args.env == "production":
                server_env |= {
                    "SHOPWATCH_ENV": "production",
                    "SECRET_KEY": secrets.token_urlsafe(48),
                    "PUBLIC_URL": f"http://127.0.0.1:{port}",
                }
            with running_server(server_env, port) as server:
                token = log_in(port)
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
        finally:
            if postgres and not args.keep_database:
                asyncio.run(recreate_postgres(database_url, create=False))
    graphql, bare = samples["graphql"], samples["bare"]
    found = ratios(graphql, bare)
    verdict = "PASS" if max(found["throughput"] or 0.0, found["p50"] or 0.0) <= BUDGET else "OVER"
    run: dict[str, Any] = {
        "database": kind,
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


def run_client(work: Awaitable[T]) -> T:
    runner: Callable[[Awaitable[T]], T]
    try:
        import uvloop

        runner = uvloop.run  # type: ignore[assignment]
    except ImportError:  # pragma: no cover - uvicorn[standard] brings it
        runner = asyncio.run  # type: ignore[assignment]
    return runner(work)


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
    parser.add_argument(
        "--database-url",
        action="append",
        help="sqlite:///path or postgres://... (repeatable; a PostgreSQL database is recreated). "
        "Default: a fresh SQLite file, and PostgreSQL at " + DEFAULT_POSTGRES_URL + " if it answers.",
    )
    parser.add_argument("--requests", type=int, default=3000, help="measured requests per endpoint")
    parser.add_argument("--warmup", type=int, default=500, help="warm-up requests per endpoint")
    parser.add_argument("--rounds", type=int, default=10, help="alternating rounds")
    parser.add_argument("--concurrency", type=int, default=10, help="keep-alive connections")
    parser.add_argument("--env", choices=["production", "development"], default="production")
    parser.add_argument("--no-session-only", action="store_true", help="skip the session-lookup-only route")
    parser.add_argument("--keep-database", action="store_true", help="leave the PostgreSQL database behind")
    parser.add_argument("--output", type=Path, default=RESULTS_FILE, help="JSON results file")
    args = parser.parse_args(argv)

    urls: list[str] = args.database_url or [""]
    if not args.database_url:
        if asyncio.run(postgres_answers(DEFAULT_POSTGRES_URL)):
            urls.append(DEFAULT_POSTGRES_URL)
        else:
            print(f"PostgreSQL at {DEFAULT_POSTGRES_URL} does not answer; SQLite only.")

    runs = []
    for url in urls:
        name = "PostgreSQL" if is_postgres(url) else "SQLite"
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
    results = {
        "benchmark": "me_vs_bare_route",
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "settings": {
            "requests": args.requests,
            "warmup": args.warmup,
            "rounds": args.rounds,
            "concurrency": args.concurrency,
            "env": args.env,
            "query": ME_QUERY,
        },
        "runs": runs,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(f"\nWritten to {args.output}")
    return 0 if all(run["verdict"] == "PASS" for run in runs) else 3


if __name__ == "__main__":
    sys.exit(main())
