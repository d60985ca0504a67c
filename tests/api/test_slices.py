"""A request's work in slices: at most one a turn of the event loop, and a costly query's giving way
to cheaper ones for a bounded time."""

from __future__ import annotations

import asyncio
from time import monotonic

import pytest

from shopwatch.api import slices
from shopwatch.api.slices import GIVE_WAY_POLL as GIVE_WAY_POLL_SECONDS
from shopwatch.api.slices import Slices


async def turns(count: int) -> None:
    for _ in range(count):
        await asyncio.sleep(0)


async def test_work_waits_for_the_next_slice_once_this_one_is_used_up(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(slices, "YIELD_AFTER", 0.0)
    work = Slices()
    assert work.used_up()
    waiting = asyncio.create_task(work.next_slice())
    await turns(5)
    assert waiting.done()


async def test_everything_waiting_resumes_in_one_later_turn_with_a_new_slice(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Together, so what they load next is still one batch.
    monkeypatch.setattr(slices, "YIELD_AFTER", 60.0)
    work = Slices()
    monkeypatch.setattr(work, "_ends_at", 0.0)  # this slice is used up
    assert work.used_up()
    resumed: list[bool] = []

    async def one() -> None:
        await work.next_slice()
        resumed.append(work.used_up())

    tasks = [asyncio.create_task(one()) for _ in range(10)]
    while not resumed:
        await asyncio.sleep(0)
    assert resumed == [False] * 10
    await asyncio.gather(*tasks)


async def test_while_others_wait_what_resumes_after_the_new_slice_is_used_up_waits_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A new slice is started once a turn, not by every waiter that resumes in it.
    monkeypatch.setattr(slices, "YIELD_AFTER", 0.0)
    monkeypatch.setattr(slices, "GIVE_WAY_FOR", 0.0)
    work = Slices(lambda: True)  # a costly query's
    turn = 0
    resumed_in: list[int] = []

    async def one() -> None:
        await work.next_slice()
        resumed_in.append(turn)

    tasks = [asyncio.create_task(one()) for _ in range(5)]
    while len(resumed_in) < 5:
        await asyncio.sleep(0)
        turn += 1
    await asyncio.gather(*tasks)
    assert len(set(resumed_in)) == 5  # each slice, used up at once, let one through


async def test_a_costly_query_gives_way_while_cheaper_ones_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(slices, "YIELD_AFTER", 60.0)
    monkeypatch.setattr(slices, "GIVE_WAY_FOR", 60.0)
    others_running = True
    work = Slices(lambda: others_running)
    monkeypatch.setattr(work, "_ends_at", 0.0)  # this slice is used up
    monkeypatch.setattr(work, "_started", monotonic() - 3600)  # with its share of giving way to spend
    turn = 0
    resumed_in: list[int] = []

    async def one() -> None:
        await work.next_slice()
        resumed_in.append(turn)

    waiting = [asyncio.create_task(one()) for _ in range(5)]
    for _ in range(200):
        await asyncio.sleep(0)
    assert resumed_in == []
    others_running = False
    while len(resumed_in) < 5:
        await asyncio.sleep(GIVE_WAY_POLL_SECONDS)
        turn += 1
    await asyncio.gather(*waiting)
    assert len(set(resumed_in)) == 1  # together, so their loads are still one batch


async def test_giving_way_never_starves_the_costly_query(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(slices, "YIELD_AFTER", 0.0)
    monkeypatch.setattr(slices, "GIVE_WAY_FOR", 0.0)
    work = Slices(lambda: True)  # cheaper queries never stop
    for _ in range(3):
        await asyncio.wait_for(work.next_slice(), timeout=5)


async def test_a_waiter_cancelled_while_giving_way_leaves_the_others_waiting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(slices, "YIELD_AFTER", 0.0)
    monkeypatch.setattr(slices, "GIVE_WAY_FOR", 0.05)
    work = Slices(lambda: True)
    monkeypatch.setattr(work, "_started", monotonic() - 3600)
    first = asyncio.create_task(work.next_slice())
    second = asyncio.create_task(work.next_slice())
    await asyncio.sleep(0)
    first.cancel()
    await asyncio.wait_for(second, timeout=5)
    assert first.cancelled()


async def test_a_costly_querys_work_has_settled_once_nothing_of_it_moves(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(slices, "YIELD_AFTER", 0.0)
    monkeypatch.setattr(slices, "GIVE_WAY_FOR", 0.0)
    work = Slices(lambda: False)
    await asyncio.wait_for(work.settled(), timeout=1)  # nothing waits
    resumed = 0

    async def one() -> None:
        nonlocal resumed
        await work.next_slice()
        resumed += 1

    tasks = [asyncio.create_task(one()) for _ in range(5)]
    await work.settled()
    assert resumed == 5  # one a turn, each slice being used up at once
    await asyncio.gather(*tasks)


async def test_a_costly_query_still_moves_when_others_never_stop_and_a_wait_has_no_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Giving way at most half of its time, it gets slices however busy the process.
    monkeypatch.setattr(slices, "YIELD_AFTER", 0.0)
    monkeypatch.setattr(slices, "GIVE_WAY_FOR", 3600.0)
    work = Slices(lambda: True)  # cheaper requests never stop
    for _ in range(20):
        await asyncio.wait_for(work.next_slice(), timeout=5)
        begun = monotonic()
        while monotonic() - begun < 0.002:  # its own work in the slice
            pass
