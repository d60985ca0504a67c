"""A loader's batches, loaded together once the request's work has settled.

strawberry's DataLoader loads what was asked in one turn of the event loop (and the next) as one
batch. A request working in slices (api/slices.py) may ask for a page's keys over several turns,
and each turn's batch would be a statement of its own. Each batch handed over while the request
still has work waiting for a slice joins one round instead, and the round is loaded once nothing
waits: one statement, as if the page had been worked through in one turn. A request whose work
never waits for a slice in pieces (not `gathering`) has each batch loaded at once, as strawberry's.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class _Round(Generic[K, V]):
    def __init__(self) -> None:
        self.keys: list[K] = []
        self.values: asyncio.Future[Sequence[V]] = asyncio.get_running_loop().create_future()


class SettledBatches(Generic[K, V]):
    """A DataLoader's `load_fn` that, while `gathering()`, loads every batch handed over before
    `settled()` returns in one call of `load`."""

    def __init__(
        self,
        load: Callable[[list[K]], Awaitable[Sequence[V]]],
        settled: Callable[[], Awaitable[None]],
        gathering: Callable[[], bool],
    ) -> None:
        self._load = load
        self._settled = settled
        self._gathering = gathering
        self._round: _Round[K, V] | None = None
        self._loading: set[asyncio.Task[None]] = set()

    async def __call__(self, keys: list[K]) -> Sequence[V]:
        round_ = self._round
        if round_ is None and not self._gathering():
            return await self._load(keys)
        if round_ is None:
            round_ = self._round = _Round()
            task = asyncio.create_task(self._when_settled(round_))
            self._loading.add(task)
            task.add_done_callback(self._loading.discard)
        start = len(round_.keys)
        round_.keys.extend(keys)
        # Shielded: a batch given up (its request stopped) leaves the round to the others.
        values = await asyncio.shield(round_.values)
        return values[start : start + len(keys)]

    async def _when_settled(self, round_: _Round[K, V]) -> None:
        try:
            await self._settled()
            self._round = None  # keys handed over from now on make a new round
            values = await self._load(round_.keys)
        except asyncio.CancelledError:
            if self._round is round_:
                self._round = None
            round_.values.cancel()
            raise
        except Exception as error:  # each batch's keys fail with it, as strawberry's own do
            round_.values.set_exception(error)
            return
        round_.values.set_result(values)
