"""What the benchmarks share: a fresh database, the server process, logging in, the load client and
its percentiles.

- `fresh_database(url, scratch)`: a new SQLite file or a recreated PostgreSQL database, `shopwatch
  migrate` and `shopwatch demo`; yields the environment the `shopwatch` CLI and the server run with.
- `running_server(env, port)`: one uvicorn process as the Procfile's `web` runs it (uvloop, httptools,
  one worker, no access log), serving `bench_app:create` (the real app plus two bare routes).
- `Connection`: a few lines of HTTP/1.1 over a keep-alive socket on asyncio, so the client costs far
  less CPU than the server and the figures are the server's.
- `run_load(...)`: requests over N concurrent connections into a `Sample` (latencies, wall time,
  server and client CPU), whose `summary()` gives req/s and percentiles.
- `measure_me(...)`: the `me` probe of the "while something else runs" benchmarks, one request every
  interval on one connection; `answer_of` and `read_line` talk to their child processes.
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
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, TypeVar

import asyncpg
import httpx

from shopwatch.places.demo import DEMO_PASSWORD
from shopwatch.settings import new_vapid_private_key

T = TypeVar("T")

ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = ROOT / "bench"
RESULTS_DIR = BENCH_DIR / "results"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/shopwatch_bench"
MANAGER_EMAIL = "manager@example.org"
STAFF_EMAIL = "staff@example.org"
LOGIN_MUTATION = (
    "mutation Login($email: String!, $password: String!) {"
    " login(email: $email, password: $password) {"
    " __typename ... on LoginSuccess { token } ... on AuthError { message }"
    " ... on ValidationError { message } } }"
)
CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


class BenchError(Exception):
    pass


# --- the load client ---------------------------------------------------------------------------


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

    async def exchange(self, request: bytes | Iterable[bytes]) -> tuple[int, bytes]:
        """Send one whole request (bytes, or parts sent one after the other without joining them),
        and read the answer: its status and body."""
        if isinstance(request, bytes):
            self.writer.write(request)
        else:
            self.writer.writelines(request)
            await self.writer.drain()
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


def http_request(
    port: int, method: str, path: str, token: str, body: bytes = b"", content_type: str = ""
) -> bytes:
    """A whole HTTP/1.1 request with a bearer token, ready to send as is."""
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {token}\r\n"
    if content_type:
        head += f"Content-Type: {content_type}\r\n"
    if body or method == "POST":
        head += f"Content-Length: {len(body)}\r\n"
    return (head + "Accept: application/json\r\n\r\n").encode() + body


def graphql_request(port: int, token: str, query: str, variables: dict[str, Any] | None = None) -> bytes:
    payload: dict[str, Any] = {"query": query}
    if variables is not None:
        payload["variables"] = variables
    return http_request(port, "POST", "/graphql", token, json.dumps(payload).encode(), "application/json")


def percentile_ms(latencies_ns: list[int], q: int) -> float:
    """The q-th percentile (1-99) in milliseconds, interpolated between the nearest samples."""
    if len(latencies_ns) < 2:
        return latencies_ns[0] / 1e6 if latencies_ns else float("nan")
    cuts = statistics.quantiles(latencies_ns, n=100, method="inclusive")
    return cuts[q - 1] / 1e6


def latency_summary(latencies_ns: list[int]) -> dict[str, Any]:
    return {
        "requests": len(latencies_ns),
        "p50_ms": round(percentile_ms(latencies_ns, 50), 3),
        "p95_ms": round(percentile_ms(latencies_ns, 95), 3),
        "p99_ms": round(percentile_ms(latencies_ns, 99), 3),
        "max_ms": round(max(latencies_ns) / 1e6, 3) if latencies_ns else None,
        "mean_ms": round(statistics.fmean(latencies_ns) / 1e6, 3) if latencies_ns else None,
    }


def server_cpu_seconds(pid: int) -> float | None:
    """User + system CPU of the server process, all its threads (Linux only)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields_after_name = stat.rsplit(")", 1)[1].split()
    return (int(fields_after_name[11]) + int(fields_after_name[12])) / CLOCK_TICKS


def machine_busy_seconds() -> float | None:
    """CPU time the whole machine has spent busy (all CPUs, every process), from /proc/stat."""
    try:
        first = Path("/proc/stat").read_text().splitlines()[0].split()
    except OSError:
        return None
    user, nice, system, _idle, _iowait, irq, softirq = (int(value) for value in first[1:8])
    return (user + nice + system + irq + softirq) / CLOCK_TICKS


def processes_cpu_seconds(name: str) -> float:
    """User + system CPU of every process of this machine called `name` (Linux's comm), e.g. the
    local PostgreSQL's backends: a process that ended meanwhile is left out."""
    total = 0.0
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            stat = stat_file.read_text()
            if stat[stat.index("(") + 1 : stat.rindex(")")] == name:
                fields_after_name = stat.rsplit(")", 1)[1].split()
                total += (int(fields_after_name[11]) + int(fields_after_name[12])) / CLOCK_TICKS
    return total


def process_memory_bytes(pid: int) -> dict[str, int | None]:
    """Linux's VmRSS (now) and VmHWM (peak RSS since the process started) of a process."""
    found: dict[str, int | None] = {"rss": None, "peak_rss": None}
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                found["rss"] = int(line.split()[1]) * 1024
            elif line.startswith("VmHWM:"):
                found["peak_rss"] = int(line.split()[1]) * 1024
    return found


@dataclass
class Sample:
    """Everything measured for one kind of request, summed over the rounds."""

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
        return percentile_ms(self.latencies_ns, q)

    def summary(self) -> dict[str, Any]:
        figures = latency_summary(self.latencies_ns)
        del figures["max_ms"]
        return {
            "requests": self.count,
            "seconds": round(self.elapsed_ns / 1e9, 3),
            "rps": round(self.rps, 1),
            **{key: value for key, value in figures.items() if key != "requests"},
            "server_cpu_us_per_request": (
                round(self.server_cpu_s / self.count * 1e6, 1) if self.cpu_known else None
            ),
            "client_cpu_us_per_request": round(self.client_cpu_s / self.count * 1e6, 1),
        }


async def run_load(
    port: int,
    server_pid: int,
    make_request: Callable[[], bytes],
    check: Callable[[int, bytes], None],
    requests: int,
    concurrency: int,
    into: Sample,
) -> None:
    """`requests` requests over `concurrency` keep-alive connections, each sent as soon as the
    connection's previous answer is in. `check(status, body)` raises BenchError on a wrong answer."""
    connections = [await Connection.open(port) for _ in range(concurrency)]
    remaining = requests
    latencies: list[int] = []

    async def client(connection: Connection) -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            request = make_request()
            started = time.perf_counter_ns()
            status, body = await connection.exchange(request)
            latencies.append(time.perf_counter_ns() - started)
            check(status, body)

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


def run_client(work: Awaitable[T]) -> T:
    """Run the client's coroutine on uvloop (as the server does), or asyncio without it."""
    runner: Callable[[Awaitable[T]], T]
    try:
        import uvloop

        runner = uvloop.run  # type: ignore[assignment]
    except ImportError:  # pragma: no cover - uvicorn[standard] brings it
        runner = asyncio.run  # type: ignore[assignment]
    return runner(work)


# --- the `me` probe and child processes --------------------------------------------------------

ME_QUERY = "{ me { id email name memberships { role bid { id name } } } }"


async def measure_me(port: int, token: str, seconds: float, interval: float, warmup: int) -> dict[str, Any]:
    """`me` every `interval` seconds for `seconds`, one at a time on one keep-alive connection."""
    request = graphql_request(port, token, ME_QUERY)
    connection = await Connection.open(port)
    latencies: list[int] = []
    try:
        for _ in range(warmup):
            await connection.exchange(request)
        started = time.monotonic_ns()
        cpu_before = time.process_time()
        number = 0
        while (now := time.monotonic_ns()) - started < seconds * 1e9:
            due = started + int(number * interval * 1e9)
            if due > now:
                await asyncio.sleep((due - now) / 1e9)
            number += 1
            sent = time.monotonic_ns()
            status, body = await connection.exchange(request)
            latencies.append(time.monotonic_ns() - sent)
            if status != 200 or b'"BID_MANAGER"' not in body:
                raise BenchError(f"me answered {status}: {body[:300]!r}")
        ended = time.monotonic_ns()
    finally:
        await connection.close()
    return {
        "started_ns": started,
        "ended_ns": ended,
        "latencies_ns": latencies,
        "client_cpu_s": time.process_time() - cpu_before,
    }


def me_main(args: argparse.Namespace) -> None:
    """The `me` child process: measures, then prints what it measured as one JSON line."""
    result = run_client(measure_me(args.port, args.token, args.duration, args.interval_ms / 1000, 20))
    print(json.dumps(result), flush=True)


def child(script: Path, role: str, *options: str, stdin: int | None = None) -> subprocess.Popen[str]:
    """`script` run again as one of its own child processes (`--role`), its output piped."""
    return subprocess.Popen(
        [sys.executable, str(script), "--role", role, *options],
        stdin=stdin,
        stdout=subprocess.PIPE,
        text=True,
    )


def me_figures(measured: dict[str, Any]) -> dict[str, Any]:
    latencies = measured["latencies_ns"]
    seconds = (measured["ended_ns"] - measured["started_ns"]) / 1e9
    return {
        **latency_summary(latencies),
        "seconds": round(seconds, 1),
        "client_cpu_us_per_request": round(measured["client_cpu_s"] / max(1, len(latencies)) * 1e6, 1),
    }


def answer_of(process: subprocess.Popen[str], timeout: float) -> dict[str, Any]:
    """The JSON line a child prints last."""
    stdout, _ = process.communicate(timeout=timeout)
    if process.returncode != 0 or not stdout.strip():
        raise BenchError(f"a child process ({process.args!r}) failed with {process.returncode}")
    result: dict[str, Any] = json.loads(stdout.strip().splitlines()[-1])
    return result


def read_line(stream: IO[str] | None, timeout: float) -> str:
    """One line from a child, or BenchError after `timeout` seconds."""
    assert stream is not None
    ready: list[str] = []

    def reader() -> None:
        ready.append(stream.readline())

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    thread.join(timeout)
    if not ready or not ready[0]:
        raise BenchError(f"no answer from a child process within {timeout:.0f} s")
    return ready[0]


@dataclass
class CoresBusy:
    """CPU cores kept busy on average while a block ran, to 0.01 (None where /proc cannot tell)."""

    server: float | None = None
    machine: float | None = None  # everything: the server, the clients, PostgreSQL, any other work


@contextlib.contextmanager
def cores_busy(server_pid: int) -> Iterator[CoresBusy]:
    """The cores the server process and the whole machine kept busy over the block's wall time."""
    busy = CoresBusy()
    server_before, machine_before = server_cpu_seconds(server_pid), machine_busy_seconds()
    started = time.monotonic()
    yield busy
    seconds = time.monotonic() - started
    server_after, machine_after = server_cpu_seconds(server_pid), machine_busy_seconds()
    if server_before is not None and server_after is not None:
        busy.server = round((server_after - server_before) / seconds, 2)
    if machine_before is not None and machine_after is not None:
        busy.machine = round((machine_after - machine_before) / seconds, 2)


@contextlib.contextmanager
def child_until_told(script: Path, role: str, *options: str) -> Iterator[subprocess.Popen[str]]:
    """A child process that works until a line arrives on its stdin (`stop_child`); killed if the
    block ends otherwise."""
    process = child(script, role, *options, stdin=subprocess.PIPE)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def stop_child(process: subprocess.Popen[str], timeout: float) -> dict[str, Any]:
    """Tell a `child_until_told` to stop; its answer."""
    assert process.stdin is not None
    process.stdin.write("stop\n")
    process.stdin.flush()
    return answer_of(process, timeout)


# --- the database ------------------------------------------------------------------------------


def is_postgres(url: str) -> bool:
    return url.split(":", 1)[0] in ("postgres", "postgresql", "asyncpg")


def database_kind(url: str) -> str:
    return "PostgreSQL" if is_postgres(url) else "SQLite"


def admin_dsn(url: str) -> str:
    """The `postgres` maintenance database on the same server, in asyncpg's spelling."""
    return url.replace("postgres://", "postgresql://", 1).rsplit("/", 1)[0] + "/postgres"


def asyncpg_dsn(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)


def database_name(url: str) -> str:
    name = url.rsplit("/", 1)[1].split("?", 1)[0]
    if not name.replace("_", "").isalnum():
        raise BenchError(f"refusing to drop a database named {name!r}")
    return name


async def postgres_answers(url: str) -> bool:
    try:
        connection = await asyncpg.connect(admin_dsn(url), timeout=3)
    except (OSError, asyncpg.PostgresError, TimeoutError):
        return False
    await connection.close()
    return True


async def recreate_postgres(url: str, *, create: bool = True) -> None:
    name = database_name(url)
    admin = await asyncpg.connect(admin_dsn(url))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()


def add_database_url_option(
    parser: argparse.ArgumentParser, default_postgres_url: str, made: str = ""
) -> None:
    """`--database-url`, repeatable; `made` says what else is made beside a PostgreSQL database."""
    parser.add_argument(
        "--database-url",
        action="append",
        help="sqlite:///path or postgres://... (repeatable; a PostgreSQL database is dropped and made "
        f"again{made}). Default: a fresh SQLite file, and {default_postgres_url} if it answers.",
    )


def database_urls(given: list[str] | None, default_postgres_url: str, *, postgres: bool = True) -> list[str]:
    """The URLs asked for, or a fresh SQLite file ("") and PostgreSQL when it answers."""
    if given:
        return given
    urls = [""]
    if postgres:
        if asyncio.run(postgres_answers(default_postgres_url)):
            urls.append(default_postgres_url)
        else:
            print(f"PostgreSQL at {default_postgres_url} does not answer; SQLite only.", flush=True)
    return urls


async def _postgres_scalar(url: str, sql: str) -> Any:
    connection = await asyncpg.connect(asyncpg_dsn(url))
    try:
        return await connection.fetchval(sql)
    finally:
        await connection.close()


def scalar(url: str, sql: str) -> Any:
    """One value from a query, on either database (straight, not through the app)."""
    if is_postgres(url):
        return asyncio.run(_postgres_scalar(url, sql))
    connection = sqlite3.connect(url.removeprefix("sqlite://"))
    try:
        return connection.execute(sql).fetchone()[0]
    finally:
        connection.close()


def count_rows(url: str, table: str) -> int:
    return int(scalar(url, f'SELECT count(*) FROM "{table}"'))  # noqa: S608 - a table name we pass


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


@dataclass(frozen=True)
class Database:
    url: str
    scratch: Path  # a temporary directory: the SQLite file, SHOPWATCH_VAR_DIR, media
    env: dict[str, str]  # for the `shopwatch` CLI: development settings

    @property
    def kind(self) -> str:
        return database_kind(self.url)

    @property
    def sqlite_path(self) -> Path:
        return Path(self.url.removeprefix("sqlite://"))


@contextlib.contextmanager
def fresh_database(url: str, *, keep: bool = False, prefix: str = "shopwatch-bench-") -> Iterator[Database]:
    """A fresh database ("" for a new SQLite file in a temporary directory; a PostgreSQL one is
    dropped and created again, and dropped at the end unless `keep`), migrated, with the demo data."""
    with tempfile.TemporaryDirectory(prefix=prefix) as scratch:
        url = url or f"sqlite://{Path(scratch) / 'bench.sqlite3'}"
        postgres = is_postgres(url)
        if postgres:
            asyncio.run(recreate_postgres(url))
        try:
            env = {
                **os.environ,
                "DATABASE_URL": url,
                "SHOPWATCH_VAR_DIR": scratch,
                "MEDIA_ROOT": str(Path(scratch) / "media"),
                "SHOPWATCH_ENV": "development",
            }
            env.pop("SMTP_URL", None)
            shopwatch("migrate", env)
            shopwatch("demo", env)
            yield Database(url=url, scratch=Path(scratch), env=env)
        finally:
            if postgres and not keep:
                asyncio.run(recreate_postgres(url, create=False))


def server_env(base_env: dict[str, str], port: int, settings: str = "production") -> dict[str, str]:
    """The server's environment: production settings (MaskErrors, no introspection) unless asked."""
    env = dict(base_env)
    if settings == "production":
        env |= {
            "SHOPWATCH_ENV": "production",
            "SECRET_KEY": secrets.token_urlsafe(48),
            "PUBLIC_URL": f"http://127.0.0.1:{port}",
            "VAPID_PRIVATE_KEY": new_vapid_private_key(),
            "VAPID_SUBJECT": "mailto:bench@shopwatch.example",
        }
    return env


# --- the server --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


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
        "--ws-per-message-deflate",  # as the Procfile
        "false",
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


def graphql(
    port: int, query: str, variables: dict[str, Any] | None = None, token: str = ""
) -> dict[str, Any]:
    """One GraphQL request through httpx, for setting up; its `data`, or BenchError."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    answer = httpx.post(
        f"http://127.0.0.1:{port}/graphql",
        json={"query": query, "variables": variables or {}},
        headers=headers,
        timeout=30,
    )
    result = answer.json()
    if answer.status_code != 200 or result.get("errors") or not result.get("data"):
        raise BenchError(f"{query[:60]!r} answered {answer.status_code}: {answer.text[:500]}")
    data: dict[str, Any] = result["data"]
    return data


def staff_shop_id(port: int, token: str) -> str:
    """The GraphQL id of the first shop the viewer works at (`me { memberships { shop { id } } }`)."""
    memberships = graphql(port, "{ me { memberships { shop { id } } } }", token=token)["me"]["memberships"]
    shop_ids = [membership["shop"]["id"] for membership in memberships if membership.get("shop")]
    if not shop_ids:
        raise BenchError(f"the viewer works at no shop: {memberships}")
    return str(shop_ids[0])


def log_in(port: int, email: str = MANAGER_EMAIL) -> str:
    """A bearer token for a demo account (`login` mutation)."""
    login = graphql(port, LOGIN_MUTATION, {"email": email, "password": DEMO_PASSWORD})["login"]
    if login.get("__typename") != "LoginSuccess":
        raise BenchError(f"login as {email} failed: {login}")
    token: str = login["token"]
    return token


# --- reporting ---------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def code_version() -> dict[str, Any]:
    """The commit measured, and whether backend/ had changes not yet committed."""

    def git(*arguments: str) -> str:
        result = subprocess.run(["git", *arguments], cwd=ROOT, capture_output=True, text=True, check=False)
        return result.stdout.strip() if result.returncode == 0 else ""

    return {
        "commit": git("rev-parse", "HEAD") or None,
        "backend_changed": bool(git("status", "--porcelain", "backend")),
    }


def write_results(path: Path, benchmark: str, settings: dict[str, Any], runs: list[Any]) -> None:
    results = {
        "benchmark": benchmark,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "code": code_version(),
        "settings": settings,
        "runs": runs,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(f"\nWritten to {path}")


def settings_of(args: argparse.Namespace) -> dict[str, Any]:
    """The command line's options, as JSON-friendly values."""
    return {key: str(value) if isinstance(value, Path) else value for key, value in vars(args).items()}
