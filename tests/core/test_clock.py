"""`clock_at`: the time for the code inside it only (the demo replays its history with it)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from shopwatch.core.clock import clock_at, now

THEN = datetime(2026, 8, 1, 14, 30, tzinfo=UTC)


async def test_now_is_the_moment_inside_and_the_real_time_outside() -> None:
    with clock_at(THEN):
        assert now() == THEN
        with clock_at(THEN + timedelta(days=1)):
            assert now() == THEN + timedelta(days=1)
        assert now() == THEN

        async def elsewhere() -> datetime:
            return now()

        # A task started inside keeps the moment (it copies the context).
        assert await asyncio.create_task(elsewhere()) == THEN
    assert abs(now() - datetime.now(UTC)) < timedelta(seconds=5)


def test_a_moment_without_a_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"), clock_at(datetime(2026, 8, 1, 14, 30)):
        pass
