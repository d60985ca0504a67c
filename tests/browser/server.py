"""A real `shopwatch serve` process (app and email worker) on 127.0.0.1 with its own database and
the demo town loaded, and the GraphQL calls and SQL reads tests make to it directly.

Its database is SQLite, or, when the run is on PostgreSQL (`SHOPWATCH_TEST_DATABASE_URL`), a
scratch PostgreSQL database of its own beside the run's, dropped when the server stops. The demo
town is migrated and loaded once per run (`demo_town`), and each server starts from a copy of it."""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from shopwatch.core import db
from tests.support.postgres import drop_postgres_database, dsn, run_apart, scratch_postgres_database

SHOPWATCH = str(Path(sys.executable).with_name("shopwatch"))
DEMO_PASSWORD = "harcombe-demo-2026"
STAFF = "staff@example.org"
MANAGER = "manager@example.org"
PCSO = "pcso@example.org"
ADMIN = "admin@example.org"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    base_url: str
    database_url: str
    mail_dir: Path

    def rows(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        """Read straight from the server's database, not through the app under test; `?` marks
        each parameter, on either database."""
        if not db.is_postgres(self.database_url):
            with sqlite3.connect(self.database_url.removeprefix("sqlite://")) as connection:
                return list(connection.execute(sql, params).fetchall())
        numbered = sql.split("?")
        statement = numbered[0] + "".join(f"${n}{part}" for n, part in enumerate(numbered[1:], start=1))

        async def fetch() -> list[tuple[Any, ...]]:
            connection = await asyncpg.connect(dsn(self.database_url))
            try:
                return [tuple(record) for record in await connection.fetch(statement, *params)]
            finally:
                await connection.close()

        result: list[tuple[Any, ...]] = run_apart(fetch())
        return result

    def login(self, email: str) -> str:
        """A bearer token for a demo account."""
        data = self.graphql(
            "mutation($e: String!, $p: String!) { login(email: $e, password: $p) "
            "{ ... on LoginSuccess { token } ... on AuthError { message } } }",
            {"e": email, "p": DEMO_PASSWORD},
        )
        return str(data["login"]["token"])

    def graphql(self, query: str, variables: dict[str, Any] | None = None, token: str | None = None) -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = httpx.post(
            f"{self.base_url}/graphql",
            json={"query": query, "variables": variables or {}},
            headers=headers,
            timeout=30,
        )
        response.raise_for_status()
        body = response.json()
        assert not body.get("errors"), body["errors"]
        return body["data"]

    def wait_for_incidents(self, description: str, timeout: float = 15) -> int:
        """The count once one is stored (or the timeout passes): the app's outbox list can be
        hidden for a moment while it is read back after a reload, so it cannot say "sent"."""
        deadline = time.monotonic() + timeout
        while self.count_incidents(description) == 0 and time.monotonic() < deadline:
            time.sleep(0.1)
        return self.count_incidents(description)

    def count_incidents(self, description: str) -> int:
        [(count,)] = self.rows("SELECT count(*) FROM incident WHERE description = ?", description)
        return int(count)


@dataclass(frozen=True)
class DemoTown:
    """A database with the demo town loaded, and the var directory (photos, keys) beside it."""

    database_url: str
    var_dir: Path


@contextmanager
def demo_town(tmp: Path) -> Iterator[DemoTown]:
    """The demo town, made with `shopwatch migrate` and `shopwatch demo` as a deployment makes it."""
    suite_database = os.environ.get("SHOPWATCH_TEST_DATABASE_URL", "")
    if db.is_postgres(suite_database):
        database_url = run_apart(scratch_postgres_database(suite_database, "_browser_demo_town"))
    else:
        database_url = f"sqlite://{tmp / 'shopwatch.sqlite3'}"
    env = _environment(database_url, tmp / "var", "http://127.0.0.1")
    try:
        for command in (["migrate"], ["demo"]):
            subprocess.run([SHOPWATCH, *command], env=env, check=True, capture_output=True, timeout=300)  # noqa: S603
        yield DemoTown(database_url=database_url, var_dir=tmp / "var")
    finally:
        if db.is_postgres(database_url):
            run_apart(drop_postgres_database(database_url))


@contextmanager
def running_server(tmp: Path, town: DemoTown) -> Iterator[Server]:
    """A server on a copy of `town`, so what one module's tests change no other module sees."""
    shutil.copytree(town.var_dir, tmp / "var")
    if db.is_postgres(town.database_url):
        suite_database = os.environ["SHOPWATCH_TEST_DATABASE_URL"]
        database_url = run_apart(
            scratch_postgres_database(suite_database, f"_browser_{tmp.name}", template=town.database_url)
        )
    else:
        database_url = f"sqlite://{tmp / 'shopwatch.sqlite3'}"
        shutil.copyfile(town.database_url.removeprefix("sqlite://"), tmp / "shopwatch.sqlite3")
    try:
        with _serving(tmp, database_url) as server:
            yield server
    finally:
        if db.is_postgres(database_url):
            run_apart(drop_postgres_database(database_url))


def _environment(database_url: str, var_dir: Path, public_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "PUBLIC_URL", "SMTP_URL")}
    env.update(
        DATABASE_URL=database_url,
        SHOPWATCH_VAR_DIR=str(var_dir),
        SHOPWATCH_ENV="development",
        PUBLIC_URL=public_url,
    )
    return env


@contextmanager
def _serving(tmp: Path, database_url: str) -> Iterator[Server]:
    port = _free_port()
    env = _environment(database_url, tmp / "var", f"http://127.0.0.1:{port}")
    log = (tmp / "server.log").open("wb")
    process = subprocess.Popen(  # noqa: S603 - our own console script
        [SHOPWATCH, "serve", "--host", "127.0.0.1", "--port", str(port)], env=env, stdout=log, stderr=log
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"server did not start: {(tmp / 'server.log').read_text()}")
            time.sleep(0.1)
        yield Server(base_url=base, database_url=database_url, mail_dir=tmp / "var" / "mail")
    finally:
        process.terminate()
        process.wait(timeout=15)
        log.close()
