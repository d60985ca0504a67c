"""Live alerts: 500 subscribers over two web processes on PostgreSQL, 50 reports a second on either.

Budget: from an alert's `createdAt` (written in the report's transaction, just before it commits) to
its receipt, p95 at most 250 ms at every subscriber, and no alert lost or received twice.

What it does: a fresh PostgreSQL database (`shopwatch migrate`, `shopwatch demo`), then
`--subscribers` shop staff accounts of the demo BID, each with a session, made straight through the
models; two uvicorn processes (the real app, production settings, as the Procfile runs them); half
the subscribers open a graphql-transport-ws socket to each process (token in `connection_init`)
and subscribe to the BID. Then reports naming the same ACTIVE gallery offender, `--rate` a second
for `--seconds`, each to one process or the other in turn, from the demo manager over keep-alive
HTTP/1.1. Each report raises one OFFENDER_SEEN alert for every subscriber. Afterwards the alerts
stored are compared with what each subscriber received.

Figures: the rate the reports were sent and answered at (over budget when below 95% of `--rate`: the
latencies would then be of a lighter load); latency (p50, p95, max) over every receipt; lost and
duplicated receipts; memory per open socket (each server's RSS after the sockets opened, less
before, per socket); server CPU (both processes, all threads; not PostgreSQL's) per delivered
message; and the client's own CPU, since it shares the machine (one process for every subscriber: on
a small machine it can be what falls behind, and the latencies then include its queue).

    .venv/bin/python bench/live_alerts.py                         # 500 subscribers, 50/s for 20 s
    .venv/bin/python bench/live_alerts.py --quick                 # 100 subscribers, 20/s for 10 s
    .venv/bin/python bench/live_alerts.py --subscribers 500 --rate 50 --seconds 30
    .venv/bin/python bench/live_alerts.py --database-url postgres://postgres@127.0.0.1:5432/x

Figures go to standard output (with a markdown table) and bench/results/live_alerts.json. Exit
status: 0 within budget, 3 over budget, 1 when the bench itself failed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
import uuid
from collections import Counter
from contextlib import ExitStack
from datetime import UTC, datetime
from typing import Any, cast

import asyncpg
from common import (
    RESULTS_DIR,
    BenchError,
    Connection,
    asyncpg_dsn,
    free_port,
    fresh_database,
    graphql,
    graphql_request,
    latency_summary,
    log_in,
    machine_busy_seconds,
    postgres_answers,
    process_memory_bytes,
    processes_cpu_seconds,
    run_client,
    running_server,
    scalar,
    server_cpu_seconds,
    server_env,
    settings_of,
    write_results,
)
from websockets.client import ClientProtocol
from websockets.frames import Frame, Opcode
from websockets.http11 import Response
from websockets.typing import Subprotocol
from websockets.uri import parse_uri

from shopwatch.accounts.models import Membership, Role, User
from shopwatch.accounts.sessions import start_session
from shopwatch.api.ids import encode_id
from shopwatch.core import db
from shopwatch.core.security import hash_password_sync
from shopwatch.places.models import Shop

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/shopwatch_bench_live"
BUDGET_P95_MS = 250.0
SUBSCRIBE = (
    "subscription($bid: ID!) { bidAlerts(bidId: $bid) { id kind createdAt message "
    "shop { id name } offender { id displayName thumbnailUrl status } } }"
)
REPORT = (
    "mutation($input: ReportIncidentInput!) { reportIncident(input: $input) "
    "{ __typename ... on ReportIncidentSuccess { duplicate } } }"
)
GALLERY = "query($bid: ID!) { offenders(bidId: $bid, first: 50) { edges { node { id status } } } }"
CONNECTIONS_PER_PROCESS = 16  # keep-alive HTTP connections the reports share, per process


async def make_subscribers(database_url: str, count: int) -> tuple[str, list[str], list[str]]:
    """`count` shop staff of the demo BID with a session each: the BID's id, its open shops' ids
    and the staff's tokens."""
    await db.open_database(database_url)
    try:
        staff = await Membership.filter(role=Role.SHOP_STAFF).order_by("id").first()
        if staff is None or staff.bid_id is None:
            raise BenchError("the demo has no shop staff")
        shops = await Shop.filter(bid_id=staff.bid_id, closed_at__isnull=True).order_by("id")
        password_hash = hash_password_sync(uuid.uuid4().hex)
        tokens = []
        for n in range(count):
            user = await User.create(
                email=f"subscriber{n}@bench.example.org", name=f"Subscriber {n}", password_hash=password_hash
            )
            shop = shops[n % len(shops)]
            await Membership.create(user=user, role=Role.SHOP_STAFF, bid_id=staff.bid_id, shop=shop)
            tokens.append(await start_session(user))
        return encode_id("Bid", staff.bid_id), [encode_id("Shop", shop.id) for shop in shops], tokens
    finally:
        await db.close_database()


class Subscriber(asyncio.Protocol):
    """One subscriber's socket: websockets' sans-I/O protocol on a bare asyncio transport, so each
    alert received costs a frame parsed and its JSON read, not a task woken (this client shares the
    two cores with the servers and PostgreSQL; with websockets' asyncio client a receipt cost 45 to
    60 µs of its CPU). Compression is not offered: the servers decline it."""

    def __init__(self, url: str) -> None:
        self.protocol = ClientProtocol(parse_uri(url), subprotocols=[Subprotocol("graphql-transport-ws")])
        self.opened: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.replies: asyncio.Queue[dict[str, Any]] = asyncio.Queue()  # until subscribed
        self.subscribed = False
        self.received: list[tuple[str, float]] = []  # (alert id, latency in ms)
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is one, not a subclass
        self.protocol.send_request(self.protocol.connect())
        self._flush()

    def data_received(self, data: bytes) -> None:
        self.protocol.receive_data(data)
        for event in self.protocol.events_received():
            if isinstance(event, Response):
                if event.status_code == 101:
                    self.opened.set_result(None)
                else:
                    self.opened.set_exception(BenchError(f"the socket was refused: {event.status_code}"))
            elif isinstance(event, Frame) and event.opcode is Opcode.TEXT:
                self._text(bytes(event.data))
        self._flush()

    def _text(self, data: bytes) -> None:
        arrived = time.time()
        message = json.loads(data)
        if not (self.subscribed and message.get("type") == "next"):
            self.replies.put_nowait(message)
            return
        alert = message["payload"]["data"]["bidAlerts"]
        created = datetime.fromisoformat(alert["createdAt"]).timestamp()
        self.received.append((alert["id"], (arrived - created) * 1000))

    def connection_lost(self, exc: Exception | None) -> None:
        self.protocol.receive_eof()
        if not self.opened.done():
            self.opened.set_exception(BenchError(f"the socket closed before it opened: {exc!r}"))

    def send(self, message: dict[str, Any]) -> None:
        self.protocol.send_text(json.dumps(message).encode())
        self._flush()

    async def reply(self) -> dict[str, Any]:
        return await asyncio.wait_for(self.replies.get(), 30)

    def close(self) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.protocol.send_close()
            self._flush()
            self.transport.close()

    def _flush(self) -> None:
        assert self.transport is not None
        for chunk in self.protocol.data_to_send():
            if chunk:
                self.transport.write(chunk)


async def open_subscriber(port: int, token: str, bid_id: str) -> Subscriber:
    loop = asyncio.get_running_loop()
    _, subscriber = await loop.create_connection(
        lambda: Subscriber(f"ws://127.0.0.1:{port}/graphql"), "127.0.0.1", port
    )
    await asyncio.wait_for(subscriber.opened, 30)
    subscriber.send({"type": "connection_init", "payload": {"token": token}})
    if (await subscriber.reply()).get("type") != "connection_ack":
        raise BenchError("a subscriber was not admitted")
    payload = {"query": SUBSCRIBE, "variables": {"bid": bid_id}}
    subscriber.send({"id": "1", "type": "subscribe", "payload": payload})
    subscriber.send({"type": "ping"})
    if (await subscriber.reply()).get("type") != "pong":
        raise BenchError("a subscriber's subscription was answered with something else")
    subscriber.subscribed = True
    return subscriber


async def send_reports(
    ports: list[int], token: str, shop_ids: list[str], offender_ids: list[str], rate: float, seconds: float
) -> int:
    """`rate` reports a second for `seconds`, each to the next port in turn, from the next shop,
    naming the next offender; the number sent."""
    pools: dict[int, asyncio.Queue[Connection]] = {}
    for port in ports:
        pools[port] = asyncio.Queue()
        for _ in range(CONNECTIONS_PER_PROCESS):
            pools[port].put_nowait(await Connection.open(port))

    async def report(port: int, shop_id: str, offender_id: str) -> None:
        variables = {
            "input": {
                "clientId": str(uuid.uuid4()),
                "shopId": shop_id,
                "kind": "THEFT",
                "occurredAt": datetime.now(UTC).isoformat(),
                "description": "Bench: razors from the shelf by the door.",
                "offenderIds": [offender_id],
            }
        }
        connection = await pools[port].get()
        try:
            status, body = await connection.exchange(graphql_request(port, token, REPORT, variables))
        finally:
            pools[port].put_nowait(connection)
        if status != 200 or b"ReportIncidentSuccess" not in body:
            raise BenchError(f"a report was refused: {status} {body[:300]!r}")

    loop = asyncio.get_running_loop()
    started = loop.time()
    total = int(rate * seconds)
    tasks = []
    for n in range(total):
        await asyncio.sleep(max(0.0, started + n / rate - loop.time()))
        shop_id, offender_id = shop_ids[n % len(shop_ids)], offender_ids[n % len(offender_ids)]
        tasks.append(asyncio.create_task(report(ports[n % len(ports)], shop_id, offender_id)))
    await asyncio.gather(*tasks)
    for pool in pools.values():
        while not pool.empty():
            await pool.get_nowait().close()
    return total


async def measure(
    ports: list[int],
    pids: list[int],
    bid_id: str,
    tokens: list[str],
    manager: str,
    shop_ids: list[str],
    offender_ids: list[str],
    args: argparse.Namespace,
) -> dict[str, Any]:
    rss_before = [process_memory_bytes(pid)["rss"] or 0 for pid in pids]
    subscribers = []
    for n, token in enumerate(tokens):
        subscribers.append(await open_subscriber(ports[n % len(ports)], token, bid_id))
    await asyncio.sleep(1.0)
    rss_after = [process_memory_bytes(pid)["rss"] or 0 for pid in pids]
    per_process = [len(range(n, len(tokens), len(ports))) for n in range(len(ports))]

    cpu_before = [server_cpu_seconds(pid) or 0.0 for pid in pids]
    client_before = time.process_time()
    postgres_before, machine_before = processes_cpu_seconds("postgres"), machine_busy_seconds() or 0.0
    sending_started = time.monotonic()
    sent = await send_reports(ports, manager, shop_ids, offender_ids, args.rate, args.seconds)
    sending_seconds = time.monotonic() - sending_started
    # Cores busy on average while the reports were sent, by whom (and the machine's all told).
    servers_sending = sum(
        (server_cpu_seconds(pid) or 0.0) - before for pid, before in zip(pids, cpu_before, strict=True)
    )
    cores_busy = {
        "servers": servers_sending,
        "postgres": processes_cpu_seconds("postgres") - postgres_before,
        "client": time.process_time() - client_before,
        "machine": (machine_busy_seconds() or 0.0) - machine_before,
    }
    await asyncio.sleep(args.drain)
    cpu_used = sum(
        (server_cpu_seconds(pid) or 0.0) - before for pid, before in zip(pids, cpu_before, strict=True)
    )
    client_cpu = time.process_time() - client_before
    for subscriber in subscribers:
        subscriber.close()
    return {
        "sent": sent,
        "sending_seconds": sending_seconds,
        "subscribers": subscribers,
        "memory_per_socket_bytes": round(
            sum(after - before for before, after in zip(rss_before, rss_after, strict=True))
            / sum(per_process)
        ),
        "server_cpu_s": cpu_used,
        "client_cpu_s": client_cpu,
        "cores_busy": {who: round(seconds / sending_seconds, 2) for who, seconds in cores_busy.items()},
    }


def stored_alert_ids(database_url: str, after_id: int) -> list[str]:
    """The OFFENDER_SEEN alerts the reports raised (the demo's own history raised some before)."""

    async def fetch() -> list[str]:
        connection = await asyncpg.connect(asyncpg_dsn(database_url))
        try:
            rows = await connection.fetch(
                "SELECT id FROM live_alert WHERE kind = 'OFFENDER_SEEN' AND id > $1", after_id
            )
        finally:
            await connection.close()
        return [encode_id("LiveAlert", row["id"]) for row in rows]

    return asyncio.run(fetch())


def run(args: argparse.Namespace) -> dict[str, Any]:
    with ExitStack() as stack:
        database = stack.enter_context(fresh_database(args.database_url, keep=args.keep_database))
        bid_id, shop_ids, tokens = asyncio.run(make_subscribers(database.url, args.subscribers))
        ports = [free_port(), free_port()]
        servers = [
            stack.enter_context(running_server(server_env(database.env, port), port)) for port in ports
        ]
        manager = log_in(ports[0])
        gallery = graphql(ports[0], GALLERY, {"bid": bid_id}, token=manager)["offenders"]["edges"]
        offender_ids = [edge["node"]["id"] for edge in gallery if edge["node"]["status"] == "ACTIVE"]
        if not offender_ids:
            raise BenchError("the demo gallery has no ACTIVE offender")

        before = int(scalar(database.url, "SELECT coalesce(max(id), 0) FROM live_alert"))
        measured = run_client(
            measure(
                ports,
                [server.pid for server in servers],
                bid_id,
                tokens,
                manager,
                shop_ids,
                offender_ids,
                args,
            )
        )
        expected = stored_alert_ids(database.url, before)

    receipts = [latency for s in measured["subscribers"] for _, latency in s.received]
    lost = duplicated = 0
    for subscriber in measured["subscribers"]:
        counts = Counter(alert_id for alert_id, _ in subscriber.received)
        lost += sum(1 for alert_id in expected if counts[alert_id] == 0)
        duplicated += sum(count - 1 for count in counts.values() if count > 1)
    latencies = latency_summary([int(ms * 1e6) for ms in receipts]) if receipts else {}
    delivered = len(receipts)
    return {
        "database": "PostgreSQL",
        "subscribers": args.subscribers,
        "offenders_named": len(offender_ids),
        "shops_reporting": len(shop_ids),
        "reports": measured["sent"],
        # The rate the reports were answered at: below --rate when the servers or this client fell
        # behind, and then the latencies are of a lighter load than asked for.
        "reports_per_second": round(measured["sent"] / measured["sending_seconds"], 1),
        "alerts_stored": len(expected),
        "receipts": delivered,
        "receipts_expected": len(expected) * args.subscribers,
        "lost": lost,
        "duplicated": duplicated,
        "latency_ms": {key: latencies.get(key) for key in ("p50_ms", "p95_ms", "p99_ms", "max_ms")},
        "memory_per_socket_kb": round(measured["memory_per_socket_bytes"] / 1024, 1),
        "server_cpu_us_per_delivery": round(measured["server_cpu_s"] / delivered * 1e6, 1)
        if delivered
        else None,
        "cores_busy": measured["cores_busy"],
        "client_cpu_us_per_delivery": round(measured["client_cpu_s"] / delivered * 1e6, 1)
        if delivered
        else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database-url", default=DEFAULT_URL, help=f"PostgreSQL, dropped and made again ({DEFAULT_URL})"
    )
    parser.add_argument("--subscribers", type=int, default=500)
    parser.add_argument("--rate", type=float, default=50.0, help="reports a second, over both processes")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--drain", type=float, default=5.0, help="seconds to wait for late alerts")
    parser.add_argument("--quick", action="store_true", help="100 subscribers, 20 reports a second for 10 s")
    parser.add_argument("--keep-database", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.subscribers, args.rate, args.seconds = 100, 20.0, 10.0
    if not asyncio.run(postgres_answers(args.database_url)):
        print(f"PostgreSQL at {args.database_url} does not answer: live alerts across processes need it.")
        return 0
    try:
        figures = run(args)
    except BenchError as error:
        print(f"bench failed: {error}", file=sys.stderr)
        return 1
    latency = figures["latency_ms"]
    print(json.dumps(figures, indent=2))
    columns = {
        "subscribers": figures["subscribers"],
        "reports": figures["reports"],
        "reports/s (asked)": f"{figures['reports_per_second']} ({args.rate:g})",
        "receipts (expected)": f"{figures['receipts']} ({figures['receipts_expected']})",
        "lost": figures["lost"],
        "duplicated": figures["duplicated"],
        "p50 ms": latency["p50_ms"],
        "p95 ms": latency["p95_ms"],
        "max ms": latency["max_ms"],
        "memory per socket": f"{figures['memory_per_socket_kb']} KB",
        "server CPU per delivery": f"{figures['server_cpu_us_per_delivery']} µs",
        "client CPU per delivery": f"{figures['client_cpu_us_per_delivery']} µs",
        "cores busy sending: servers / PostgreSQL / client (machine)": "{servers} / {postgres} / "
        "{client} ({machine})".format(**figures["cores_busy"]),
    }
    print("\n| " + " | ".join(columns) + " |\n" + "|---:" * len(columns) + "|")
    print("| " + " | ".join(str(value) for value in columns.values()) + " |")
    write_results(RESULTS_DIR / "live_alerts.json", "live_alerts", settings_of(args), [figures])
    over = (
        figures["lost"]
        or figures["duplicated"]
        or figures["receipts"] != figures["receipts_expected"]
        or latency["p95_ms"] is None
        or latency["p95_ms"] > BUDGET_P95_MS
        # Latencies at a lighter load than asked for do not show the budget met.
        or figures["reports_per_second"] < 0.95 * args.rate
    )
    return 3 if over else 0


if __name__ == "__main__":
    sys.exit(main())
