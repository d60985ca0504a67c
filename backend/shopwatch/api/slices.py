"""One request's work in slices, so that other requests run between them.

Execution asks `used_up()` before each object and around each resolver's awaited value, and when the
slice is used up waits for `next_slice()`: the very next turn of the event loop, with a new slice
of `YIELD_AFTER` seconds. Everything of the request that waits resumes in that one turn, in time
to join the batches its loaders are making, so a page of any size costs the same statements.

A costly query (api/cost.py) also gives way: while cheaper queries are running, its next slice
waits for them to finish, for at most `GIVE_WAY_FOR` seconds, so it never starves; everything of
it that waits then resumes together.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from time import monotonic

YIELD_AFTER = 0.005
GIVE_WAY_FOR = 0.015
GIVE_WAY_POLL = 0.001


class Slices:
    def __init__(self, gives_way_while: Callable[[], bool] | None = None) -> None:
        self._gives_way_while = gives_way_while
        self._ends_at = monotonic() + YIELD_AFTER
        self._giving_way: asyncio.Future[None] | None = None
        self._giving_way_since = 0.0

    def used_up(self) -> bool:
        return monotonic() >= self._ends_at

    async def next_slice(self) -> None:
        if self._giving_way is None and (self._gives_way_while is None or not self._gives_way_while()):
            await asyncio.sleep(0)
        else:
            await self._give_way()
        self._ends_at = monotonic() + YIELD_AFTER

    async def _give_way(self) -> None:
        if self._giving_way is None:
            loop = asyncio.get_running_loop()
            self._giving_way = loop.create_future()
            self._giving_way_since = loop.time()
            loop.call_later(GIVE_WAY_POLL, self._end_giving_way)
        # Shielded: one waiter cancelled must not cancel the others' wait.
        await asyncio.shield(self._giving_way)

    def _end_giving_way(self) -> None:
        loop = asyncio.get_running_loop()
        assert self._gives_way_while is not None and self._giving_way is not None
        if self._gives_way_while() and loop.time() - self._giving_way_since < GIVE_WAY_FOR:
            loop.call_later(GIVE_WAY_POLL, self._end_giving_way)
            return
        ended, self._giving_way = self._giving_way, None
        ended.set_result(None)
