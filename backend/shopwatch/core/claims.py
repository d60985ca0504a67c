"""Claiming due rows of an outbox (emails, pushes) for one worker: the record made before each send.

Rows are claimed for a lease (`claimed_until`, attempts counted) in a short transaction using
`FOR UPDATE SKIP LOCKED` where the database has it, then confirmed one by one with a
compare-and-set update, so two workers never send the same row at once even on SQLite. A worker
that dies mid-send leaves its rows to be reclaimed when the lease runs out.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, TypeVar

from tortoise.expressions import F, Q
from tortoise.models import Model
from tortoise.transactions import in_transaction

from shopwatch.core.clock import now
from shopwatch.core.mail.models import DeliveryState

log = logging.getLogger(__name__)

Row = TypeVar("Row", bound=Model)


async def claim_due(model: type[Row], batch_size: int, lease: timedelta) -> list[Row]:
    """Up to `batch_size` rows of `model` that are due (pending and due, or a lapsed claim), now
    SENDING until the lease runs out. `model` has state, next_attempt_at, claimed_until, attempts."""
    moment = now()
    due = Q(state=DeliveryState.PENDING, next_attempt_at__lte=moment) | Q(
        state=DeliveryState.SENDING, claimed_until__lt=moment
    )
    claimed = []
    async with in_transaction():
        candidates = (
            await model.filter(due)
            .order_by("next_attempt_at", "id")
            .limit(batch_size)
            .select_for_update(skip_locked=True)
        )
        for row in candidates:
            fields: Any = row
            won = await model.filter(
                id=fields.id, state=fields.state, claimed_until=fields.claimed_until
            ).update(state=DeliveryState.SENDING, claimed_until=moment + lease, attempts=F("attempts") + 1)
            if won:
                fields.attempts += 1
                claimed.append(row)
    return claimed


async def keep_sending(
    send_due: Callable[[], Awaitable[int]],
    batch_size: int,
    stop: asyncio.Event,
    poll_seconds: float,
    name: str,
) -> None:
    """Call `send_due` (one batch; the number claimed) until `stop` is set: again at once after a full
    batch, as more may be waiting, else after `poll_seconds`."""
    while not stop.is_set():
        try:
            claimed = await send_due()
        except Exception:  # the database may be restarting; keep the worker alive
            log.exception("%s pass failed", name)
            claimed = 0
        if claimed < batch_size:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=poll_seconds)
