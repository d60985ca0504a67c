"""One request's work in slices, so that other requests run between them.

Execution asks `used_up()` before each object and around each resolver's awaited value, and when the
slice is used up waits for `next_slice()`: the next turn of the event loop, with a new slice of
`YIELD_AFTER` seconds. Everything of a request that waits resumes in that turn, in time to join the
batches its loaders are making, so a page of any size costs the same statements.

A costly query (api/cost.py) is held tighter. While cheaper requests are in flight its next slice
waits for them to finish, for at most `GIVE_WAY_FOR` seconds at a time and `GIVE_WAY_SHARE` of its
time in all, so it never starves: however busy the process, half of its time is its own. And what
of it resumes after the new slice is used up waits again, for a page's hundreds of items resuming
in one turn ran 20-90 ms in which no other request moved. Its items then ask for their loads over
several turns; its loaders wait until its work has `settled()` and load them at once
(api/settled_batches.py), so its pages too cost the same statements whatever their size.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from time import monotonic

YIELD_AFTER = 0.001
GIVE_WAY_FOR = 0.05
GIVE_WAY_SHARE = 0.5
GIVE_WAY_POLL = 0.001
QUIET_TURNS = 3


class Slices:
    """A request's slices. Given `gives_way_while` (a costly query's), it gives way to others, and
    what resumes after the slice is used up waits again; otherwise everything waiting resumes
    together, each with a new slice, as a cheaper query's whole work is small."""

    def __init__(self, gives_way_while: Callable[[], bool] | None = None) -> None:
        self._gives_way_while = gives_way_while
        self._ends_at = monotonic() + YIELD_AFTER
        self._giving_way: asyncio.Future[None] | None = None
        self._giving_way_since = 0.0
        self._started = monotonic()
        self._given_way = 0.0  # seconds given way so far
        self._slice = 0  # which slice this is, counted from the first
        self._waiting = 0  # of the request's work, how much waits for a slice
        self._checks = 0  # how often the work has asked `used_up()`: it moves while this grows

    def in_pieces(self) -> bool:
        """Whether its work resumes in pieces (a costly query's), so its loads come over several turns."""
        return self._gives_way_while is not None

    def used_up(self) -> bool:
        self._checks += 1
        return monotonic() >= self._ends_at

    async def next_slice(self) -> None:
        self._waiting += 1
        try:
            await self._next_slice()
        finally:
            self._waiting -= 1

    async def settled(self) -> None:
        """Returns once the request's work has stopped moving: nothing waits for a slice and nothing
        has run for `QUIET_TURNS` turns of the loop, so everything left waits for something else (a
        load). Work handed to a new task starts a turn later, and a load asked for is handed to its
        loader two turns later, hence more than one turn. Work that never pauses is settled at once."""
        if not self.in_pieces():
            return
        while True:
            checks = self._checks
            for _ in range(QUIET_TURNS):
                await asyncio.sleep(0)
            if not self._waiting and self._checks == checks:
                return

    async def _next_slice(self) -> None:
        while True:
            waited_in = self._slice
            if self._giving_way is None and not self._should_give_way():
                await asyncio.sleep(0)
            else:
                await self._give_way()
            # The first to resume starts the next slice; so does each one of work that never waits again.
            if self._slice == waited_in or not self.in_pieces():
                self._slice += 1
                self._ends_at = monotonic() + YIELD_AFTER
                return
            if not self.used_up():
                return

    def _should_give_way(self) -> bool:
        return self._gives_way_while is not None and self._gives_way_while() and self._within_share()

    def _within_share(self) -> bool:
        """Whether it has given way for less than its share of the time since it started, so that
        at least the rest is its own however busy the process: it always finishes."""
        now = monotonic()
        giving_way_now = now - self._giving_way_since if self._giving_way is not None else 0.0
        return self._given_way + giving_way_now < GIVE_WAY_SHARE * (now - self._started)

    async def _give_way(self) -> None:
        if self._giving_way is None:
            loop = asyncio.get_running_loop()
            self._giving_way = loop.create_future()
            self._giving_way_since = monotonic()
            loop.call_later(GIVE_WAY_POLL, self._end_giving_way)
        # Shielded: one waiter cancelled must not cancel the others' wait.
        await asyncio.shield(self._giving_way)

    def _end_giving_way(self) -> None:
        assert self._gives_way_while is not None and self._giving_way is not None
        since = self._giving_way_since
        if self._gives_way_while() and monotonic() - since < GIVE_WAY_FOR and self._within_share():
            asyncio.get_running_loop().call_later(GIVE_WAY_POLL, self._end_giving_way)
            return
        self._given_way += monotonic() - since
        ended, self._giving_way = self._giving_way, None
        ended.set_result(None)


class RequestSlices:
    """Whichever slices a request's execution works in, once it has started."""

    def __init__(self) -> None:
        self.current = Slices()

    async def settled(self) -> None:
        await self.current.settled()

    def in_pieces(self) -> bool:
        return self.current.in_pieces()
