"""A loader's batches handed over while the request's work waits for turns load as one."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from shopwatch.api.settled_batches import SettledBatches


class Loads:
    def __init__(self, fail: bool = False) -> None:
        self.calls: list[list[int]] = []
        self.fail = fail

    async def __call__(self, keys: list[int]) -> Sequence[str]:
        self.calls.append(list(keys))
        if self.fail:
            raise LookupError("the database went away")
        return [f"value {key}" for key in keys]


async def test_batches_handed_over_before_the_work_settles_are_loaded_at_once() -> None:
    loads = Loads()
    settled = asyncio.Event()
    batches = SettledBatches(loads, settled.wait, gathering=lambda: True)
    first = asyncio.create_task(batches([1, 2]))
    await asyncio.sleep(0)
    second = asyncio.create_task(batches([3]))
    for _ in range(5):
        await asyncio.sleep(0)
    assert loads.calls == []  # the request's work has not settled
    settled.set()
    assert await first == ["value 1", "value 2"]
    assert await second == ["value 3"]
    assert loads.calls == [[1, 2, 3]]
    # Once loaded, the next batch is a round of its own.
    assert await batches([4]) == ["value 4"]
    assert loads.calls == [[1, 2, 3], [4]]


async def test_a_failed_load_fails_every_batch_of_its_round() -> None:
    settled = asyncio.Event()
    batches = SettledBatches(Loads(fail=True), settled.wait, gathering=lambda: True)
    first = asyncio.create_task(batches([1]))
    second = asyncio.create_task(batches([2]))
    await asyncio.sleep(0)
    settled.set()
    for batch in (first, second):
        with pytest.raises(LookupError, match="went away"):
            await batch


async def test_a_batch_given_up_leaves_the_round_to_the_others() -> None:
    loads = Loads()
    settled = asyncio.Event()
    batches = SettledBatches(loads, settled.wait, gathering=lambda: True)
    given_up = asyncio.create_task(batches([1]))
    kept = asyncio.create_task(batches([2]))
    await asyncio.sleep(0)
    given_up.cancel()
    settled.set()
    assert await kept == ["value 2"]
    assert given_up.cancelled()


async def test_a_request_that_is_not_gathering_has_each_batch_loaded_at_once() -> None:
    loads = Loads()
    never = asyncio.Event()  # its work would never settle
    batches = SettledBatches(loads, never.wait, gathering=lambda: False)
    assert await asyncio.wait_for(batches([1]), timeout=5) == ["value 1"]
    assert await asyncio.wait_for(batches([2]), timeout=5) == ["value 2"]
    assert loads.calls == [[1], [2]]
