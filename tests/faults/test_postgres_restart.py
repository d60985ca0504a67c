"""PostgreSQL restarted in the middle of a burst of reports: while it is down every request gets a
clean 503 (no traceback, no internal message, no hang, no cut connection), `/healthz` says 503, and
once it is back the same app process answers again. Every report is stored exactly once.

The database is a private cluster started for this test (never the machine's shared one), so the
test runs in the SQLite half of the suite as well; without PostgreSQL 15 it fails rather than skips.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from shopwatch.api.outage import DATABASE_UNAVAILABLE
from tests.faults.postgres_cluster import PostgresCluster, running_cluster
from tests.faults.reports import Burst, reports_with_photos, send_until_acknowledged
from tests.faults.servers import Server, run_command, server_env

REPORTS = 30
REPORTS_AFTER = 20  # a fresh burst once the database is back: the pool must have healed
PHONES = 4
DOWN_AFTER = 8  # acknowledgements before the database goes down
REFUSALS_WHILE_DOWN = 8  # clean refusals to see before it comes back
RETRY_PAUSE = 0.1
DEADLINE = 60.0  # for the whole burst; a burst that needs it has failed anyway

LOG_IN = """
mutation { login(email: "staff@example.org", password: "harcombe-demo-2026") {
  ... on LoginSuccess { token user { memberships { shop { id } } } }
} }
"""


@pytest.fixture
def cluster() -> Iterator[PostgresCluster]:
    with running_cluster() as cluster:
        yield cluster


async def log_in_as_shop_staff(base_url: str) -> tuple[str, str]:
    async with httpx.AsyncClient(base_url=base_url) as client:
        login = (await client.post("/graphql", json={"query": LOG_IN})).json()["data"]["login"]
    [shop_id] = [m["shop"]["id"] for m in login["user"]["memberships"] if m["shop"]]
    return login["token"], shop_id


async def wait_for(condition_met: Callable[[], bool], what: str, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition_met():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        await asyncio.sleep(0.05)


async def healthz(base_url: str) -> int:
    async with httpx.AsyncClient(base_url=base_url, timeout=10) as client:
        return (await client.get("/healthz")).status_code


async def test_a_database_restart_mid_burst_refuses_cleanly_then_recovers(
    tmp_path: Path, cluster: PostgresCluster
) -> None:
    env = server_env(tmp_path / "var", cluster.url("shopwatch"))
    run_command(["migrate"], env)
    run_command(["demo"], env)
    server = Server(env, tmp_path / "server.log")
    await server.start()
    try:
        token, shop_id = await log_in_as_shop_staff(server.base_url)
        reports = reports_with_photos(shop_id, REPORTS, photos_each=1, first_seed=1000)
        burst = Burst()
        phones = asyncio.create_task(
            send_until_acknowledged(server.base_url, token, reports, PHONES, RETRY_PAUSE, DEADLINE, burst)
        )

        await wait_for(lambda: len(burst.acknowledged) >= DOWN_AFTER, "the first acknowledgements")
        await asyncio.to_thread(cluster.stop)
        refused_before = len(burst.refused)
        await wait_for(
            lambda: len(burst.refused) >= refused_before + REFUSALS_WHILE_DOWN, "refusals while down"
        )
        health_while_down = await healthz(server.base_url)
        acknowledged_while_down = len(burst.acknowledged)
        await asyncio.to_thread(cluster.start)

        await phones
        health_after = await healthz(server.base_url)
        # No connection broken by the restart is handed out again: a new burst passes untouched.
        later_reports = reports_with_photos(shop_id, REPORTS_AFTER, photos_each=1, first_seed=2000)
        later = Burst()
        await send_until_acknowledged(
            server.base_url, token, later_reports, PHONES, RETRY_PAUSE, DEADLINE, later
        )
        assert server.process is not None and server.process.poll() is None  # never restarted
    finally:
        server.stop()

    assert health_while_down == 503
    assert health_after == 200
    assert later.refused == later.transport_errors == later.timeouts == []
    assert len(later.acknowledged) == REPORTS_AFTER
    assert sorted(burst.acknowledged) == sorted(report.client_id for report in reports), server.log()
    assert acknowledged_while_down < REPORTS  # the outage really fell inside the burst
    assert burst.timeouts == [] and burst.transport_errors == [], server.log()
    assert len(burst.refused) >= REFUSALS_WHILE_DOWN
    for response in burst.refused:
        assert response.status_code == 503, response.text
        assert response.headers["retry-after"]
        assert response.json() == {"data": None, "errors": [{"message": DATABASE_UNAVAILABLE}]}

    connection = await asyncpg.connect(cluster.url("shopwatch").replace("postgres://", "postgresql://"))
    try:
        rows = await connection.fetch(
            "SELECT i.client_id::text AS client_id, count(p.id) AS photos FROM incident i "
            "LEFT JOIN photo p ON p.incident_id = i.id WHERE i.client_id = ANY($1::uuid[]) "
            "GROUP BY i.id",
            [report.client_id for report in reports],
        )
    finally:
        await connection.close()
    stored = Counter(row["client_id"] for row in rows)
    assert stored == Counter(report.client_id for report in reports)  # each exactly once
    assert {row["photos"] for row in rows} == {1}
