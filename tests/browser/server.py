"""A real `shopwatch serve` process (app and email worker) on 127.0.0.1 with its own SQLite database
and the demo town loaded, and the GraphQL calls tests make to it directly."""

from __future__ import annotations

import os
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

import httpx

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
    database: Path
    mail_dir: Path

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
        """Read straight from the server's database, not through the app under test."""
        with sqlite3.connect(self.database) as connection:
            (count,) = connection.execute(
                "SELECT count(*) FROM incident WHERE description = ?", (description,)
            ).fetchone()
        return int(count)


@contextmanager
def running_server(tmp: Path) -> Iterator[Server]:
    database = tmp / "shopwatch.sqlite3"
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "PUBLIC_URL", "SMTP_URL")}
    port = _free_port()
    env.update(
        DATABASE_URL=f"sqlite://{database}",
        SHOPWATCH_VAR_DIR=str(tmp / "var"),
        SHOPWATCH_ENV="development",
        PUBLIC_URL=f"http://127.0.0.1:{port}",
    )
    for command in (["migrate"], ["demo"]):
        subprocess.run([SHOPWATCH, *command], env=env, check=True, capture_output=True, timeout=60)  # noqa: S603
    log = (tmp / "server.log").open("wb")
    process = subprocess.Popen(  # noqa: S603 - our own console script
        [SHOPWATCH, "serve", "--host", "127.0.0.1", "--port", str(port)], env=env, stdout=log, stderr=log
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"server did not start: {(tmp / 'server.log').read_text()}")
            time.sleep(0.1)
        yield Server(base_url=base, database=database, mail_dir=tmp / "var" / "mail")
    finally:
        process.terminate()
        process.wait(timeout=15)
        log.close()
