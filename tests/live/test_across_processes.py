"""Two `shopwatch serve` processes on one PostgreSQL: a report taken by one reaches subscribers on
both, once each, through LISTEN/NOTIFY; after the database restarts, each process's listener
connects again and a report made then still arrives.

The database is a private cluster started for this test (as in tests/faults), so it runs in the
SQLite half of the suite as well."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.api.live.sockets import live_socket, report_naming
from tests.faults.postgres_cluster import PostgresCluster, running_cluster
from tests.faults.servers import Server, run_command, server_env

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def cluster() -> Iterator[PostgresCluster]:
    with running_cluster() as cluster:
        yield cluster


def seeded(database_url: str) -> dict[str, str]:
    result = subprocess.run(  # noqa: S603 - our own module
        [sys.executable, "-m", "tests.live.seed", database_url],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        cwd=ROOT,
    )
    world: dict[str, str] = json.loads(result.stdout.strip().splitlines()[-1])
    return world


async def report_until_stored(
    base_url: str, token: str, shop: str, offender: str, seconds: float = 30.0
) -> None:
    """Send one report (the same clientId each time) until the server takes it: just after a
    restart, requests may be refused with 503 for a moment."""
    client_id = str(uuid.uuid4())
    deadline = time.monotonic() + seconds
    while True:
        try:
            await report_naming(base_url, token, shop, offender, client_id)
            return
        except (AssertionError, KeyError, ValueError, httpx.TransportError):
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.2)


async def test_a_report_on_one_process_reaches_subscribers_on_both_once(
    tmp_path: Path, cluster: PostgresCluster
) -> None:
    env = server_env(tmp_path / "var", cluster.url("shopwatch"))
    run_command(["migrate"], env)
    world = seeded(cluster.url("shopwatch"))
    servers = [Server(dict(env), tmp_path / f"server-{n}.log", "--no-worker") for n in (1, 2)]
    for server in servers:
        server.env["PUBLIC_URL"] = server.base_url
    try:
        for server in servers:  # one after the other: on a busy machine, both at once can take too long
            await server.start()
        first, second = (server.base_url for server in servers)

        async with live_socket(first) as on_first, live_socket(second) as on_second:
            for socket, token in ((on_first, world["staff"]), (on_second, world["manager"])):
                assert (await socket.init({"token": token}))["type"] == "connection_ack"
                await socket.subscribe(world["bid"])

            report = (world["manager"], world["shop"], world["offender"])
            await report_naming(second, *report, str(uuid.uuid4()))
            for alerts in await asyncio.gather(
                *(socket.alerts(1, within=2.0) for socket in (on_first, on_second))
            ):
                [alert] = alerts
                assert alert["kind"] == "OFFENDER_SEEN" and alert["offender"]["displayName"] == "Red cap"

            await asyncio.to_thread(cluster.stop)
            await asyncio.to_thread(cluster.start)
            await report_until_stored(second, *report)
            for alerts in await asyncio.gather(
                *(socket.alerts(1, within=10.0) for socket in (on_first, on_second))
            ):
                [after_restart] = alerts
                assert after_restart["kind"] == "OFFENDER_SEEN"
    finally:
        for server in servers:
            server.stop()
