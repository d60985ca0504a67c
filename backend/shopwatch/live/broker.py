"""Getting a committed live alert to every subscriber, in whichever web process it is connected.

A subscriber is a queue in this process's hub, one per subscription, keyed by BID. Publishing
sends only the alert's id and BID; each process loads the alert once and puts it in the queue of
each of its subscribers to that BID.

- SQLite (one process): publishing hands the id straight to this process's hub.
- PostgreSQL: publishing is `pg_notify` on the `live_alerts` channel, and every web process hears
  it on one connection of its own that LISTENs (`PostgresListener`): kept alive by a query every
  `KEEPALIVE_SECONDS`, opened again with backoff when it drops, and after a drop the alerts stored
  meanwhile are delivered from the table, so none is lost; ids already delivered are not delivered
  twice.

Publish only after the transaction that stored the alerts has committed: a process that heard of
an alert before its commit could not load it. (Inside a transaction still open, `pg_notify` would
be held back until its commit anyway.)
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import OrderedDict
from collections.abc import AsyncIterator, Sequence
from datetime import datetime, timedelta
from typing import Any

import asyncpg
from tortoise.backends.base.config_generator import expand_db_url

from shopwatch.core.clock import now
from shopwatch.core.db import is_postgres
from shopwatch.core.sql import database, dialect
from shopwatch.live.models import LiveAlert
from shopwatch.live.services import LoadedAlert, load_alert, load_alerts

log = logging.getLogger(__name__)

CHANNEL = "live_alerts"
# Alerts waiting for one subscriber; one that falls this far behind is dropped (its phone
# reconnects and fetches what it missed with liveAlerts).
QUEUE_SIZE = 100
# Ids delivered lately, so an alert heard twice (a notification and a catch-up) goes out once.
REMEMBERED_IDS = 10_000
KEEPALIVE_SECONDS = 15.0
KEEPALIVE_TIMEOUT = 5.0
RECONNECT_FIRST_WAIT = 0.5
RECONNECT_LONGEST_WAIT = 30.0
# A catch-up after a drop also reads this far before it, for commits that were on their way.
CATCH_UP_MARGIN = timedelta(seconds=10)


class Subscriber:
    """One subscription's queue. `None` in the queue means it was dropped for falling behind."""

    def __init__(self, bid_id: int) -> None:
        self.bid_id = bid_id
        self.queue: asyncio.Queue[LoadedAlert | None] = asyncio.Queue(QUEUE_SIZE + 1)
        self.dropped = False

    def offer(self, alert: LoadedAlert) -> None:
        if self.dropped:
            return
        if self.queue.qsize() >= QUEUE_SIZE:
            self.dropped = True
            self.queue.put_nowait(None)
            return
        self.queue.put_nowait(alert)


class Hub:
    """This process's subscribers, and the alerts it has delivered lately."""

    def __init__(self) -> None:
        self._subscribers: dict[int, set[Subscriber]] = {}
        self._delivered: OrderedDict[int, None] = OrderedDict()

    def subscribe(self, bid_id: int) -> Subscriber:
        subscriber = Subscriber(bid_id)
        self._subscribers.setdefault(bid_id, set()).add(subscriber)
        return subscriber

    def unsubscribe(self, subscriber: Subscriber) -> None:
        subscribers = self._subscribers.get(subscriber.bid_id)
        if subscribers is not None:
            subscribers.discard(subscriber)
            if not subscribers:
                del self._subscribers[subscriber.bid_id]

    def subscriber_count(self) -> int:
        return sum(len(subscribers) for subscribers in self._subscribers.values())

    def _first_time(self, alert_id: int) -> bool:
        if alert_id in self._delivered:
            return False
        self._delivered[alert_id] = None
        if len(self._delivered) > REMEMBERED_IDS:
            self._delivered.popitem(last=False)
        return True

    async def deliver(self, alert_id: int, bid_id: int) -> None:
        """Load the alert (only if someone here listens to its BID) and offer it to each of them."""
        if not self._first_time(alert_id) or not self._subscribers.get(bid_id):
            return
        loaded = await load_alert(alert_id)
        if loaded is not None:
            self._fan_out(loaded)

    def _fan_out(self, loaded: LoadedAlert) -> None:
        for subscriber in list(self._subscribers.get(loaded.bid_id, ())):
            subscriber.offer(loaded)

    async def catch_up(self, since: datetime) -> int:
        """Deliver what was stored since `since` and not delivered yet (after a LISTEN drop)."""
        bids = list(self._subscribers)
        if not bids:
            return 0
        stored = await LiveAlert.filter(created_at__gte=since, bid_id__in=bids).values_list("id", flat=True)
        fresh = sorted(int(str(pk)) for pk in stored if int(str(pk)) not in self._delivered)
        if not fresh:
            return 0
        loaded_alerts = await load_alerts(LiveAlert.filter(id__in=fresh).order_by("id"))
        for loaded in loaded_alerts:
            if self._first_time(loaded.alert.id):
                self._fan_out(loaded)
        return len(loaded_alerts)


hub = Hub()


def _payload(alert: LiveAlert) -> str:
    return f"{alert.id}:{alert.bid_id}"


def _parse(payload: str) -> tuple[int, int] | None:
    alert_id, _, bid_id = payload.partition(":")
    if not (alert_id.isdigit() and bid_id.isdigit()):
        return None
    return int(alert_id), int(bid_id)


async def publish(alerts: Sequence[LiveAlert]) -> None:
    """Tell every web process about alerts whose transaction has committed. A failure is logged,
    not raised: the report is kept, and phones fetch the alert with liveAlerts when they reconnect."""
    if not alerts:
        return
    try:
        if dialect() == "postgres":
            for alert in alerts:
                await database().execute_query("SELECT pg_notify($1, $2)", [CHANNEL, _payload(alert)])
        else:
            for alert in alerts:
                await hub.deliver(alert.id, alert.bid_id)
    except Exception:
        log.exception("live alerts %s could not be published", [alert.id for alert in alerts])


def listener_connect_args(database_url: str) -> dict[str, Any]:
    """asyncpg.connect's arguments for DATABASE_URL: where and as whom, not the pool's settings."""
    credentials = expand_db_url(database_url)["credentials"]
    wanted = ("host", "port", "user", "password", "database", "ssl")
    return {key: credentials[key] for key in wanted if credentials.get(key) is not None}


class PostgresListener:
    """One connection that LISTENs for this process, kept alive and opened again when it drops.
    It needs a session of its own on the server: a transaction-mode pooler (PgBouncer's
    `pool_mode=transaction`) cannot hold a LISTEN, so point DATABASE_URL past one."""

    def __init__(self, database_url: str, to: Hub, keepalive_seconds: float = KEEPALIVE_SECONDS) -> None:
        self.connect_args = listener_connect_args(database_url)
        self.hub = to
        self.keepalive_seconds = keepalive_seconds
        self.listening = asyncio.Event()
        self._connection: asyncpg.Connection | None = None
        self._lost = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()

    def _heard(self, connection: object, pid: int, channel: str, payload: str) -> None:
        parsed = _parse(payload)
        if parsed is None:
            log.warning("ignored a %s notification: %r", CHANNEL, payload)
            return
        task = asyncio.get_running_loop().create_task(self.hub.deliver(*parsed))
        self._tasks.add(task)
        task.add_done_callback(self._delivered)

    def _delivered(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("a live alert could not be delivered", exc_info=task.exception())

    async def _open(self) -> None:
        connection = await asyncpg.connect(**self.connect_args, timeout=10)
        connection.add_termination_listener(lambda _: self._lost.set())
        await connection.add_listener(CHANNEL, self._heard)
        self._connection = connection
        self._lost.clear()
        self.listening.set()

    async def _close(self) -> None:
        self.listening.clear()
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(connection.close(), KEEPALIVE_TIMEOUT)
            if not connection.is_closed():
                connection.terminate()

    async def _alive(self) -> bool:
        connection = self._connection
        if connection is None or connection.is_closed() or self._lost.is_set():
            return False
        try:
            await asyncio.wait_for(connection.fetchval("SELECT 1"), KEEPALIVE_TIMEOUT)
        except (Exception, TimeoutError):
            return False
        return True

    async def run(self, stop: asyncio.Event) -> None:
        """Listen until `stop` is set; call after the first `_open` (see `started`)."""
        wait = RECONNECT_FIRST_WAIT
        lost_at: datetime | None = None
        try:
            while not stop.is_set():
                if self._connection is not None and await self._alive():
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(_either(stop, self._lost), self.keepalive_seconds)
                    continue
                if lost_at is None:
                    lost_at = now()
                    log.warning("the live alerts listener lost its connection; opening it again")
                await self._close()
                try:
                    await self._open()
                except (Exception, TimeoutError) as error:
                    log.warning("live alerts listener: cannot connect (%r); again in %.1f s", error, wait)
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), wait)
                    wait = min(wait * 2, RECONNECT_LONGEST_WAIT)
                    continue
                wait = RECONNECT_FIRST_WAIT
                caught_up = await self.hub.catch_up(lost_at - CATCH_UP_MARGIN)
                log.info("the live alerts listener is back; %d alerts delivered from the table", caught_up)
                lost_at = None
        finally:
            await self._close()
            for task in list(self._tasks):
                task.cancel()

    async def started(self) -> None:
        """Open the connection once; a failure is left to `run`, which tries again."""
        try:
            await self._open()
        except (Exception, TimeoutError) as error:
            log.warning("the live alerts listener could not connect at startup: %r", error)


async def _either(first: asyncio.Event, second: asyncio.Event) -> None:
    waits = [asyncio.ensure_future(first.wait()), asyncio.ensure_future(second.wait())]
    try:
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for wait in waits:
            wait.cancel()


@contextlib.asynccontextmanager
async def running_broker(database_url: str) -> AsyncIterator[None]:
    """This process's part of the broker for as long as the app runs: on PostgreSQL, its listener."""
    if not is_postgres(database_url):
        yield
        return
    listener = PostgresListener(database_url, hub)
    await listener.started()
    stop = asyncio.Event()
    task = asyncio.create_task(listener.run(stop))
    try:
        yield
    finally:
        stop.set()
        await task
