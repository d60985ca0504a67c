"""The login throttle: in any window, at most so many passwords checked per email and per address.

Each attempt is recorded as a failure before its password is checked, and the record is taken
back when the password is right. Recording first, and counting in the same transaction while the
attempts for that email and address take turns, is what keeps the limit exact when many guesses
arrive at once, in one process or in several: each is counted before any is checked.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from shopwatch.accounts.models import LoginFailure
from shopwatch.core.clock import now

THROTTLE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_EMAIL = 5
MAX_FAILURES_PER_ADDRESS = 20


async def reserve_attempt(email: str, address: str) -> int | None:
    """Record a failed attempt for `email` from `address` if both have room for one in the window;
    its id (to `release_attempt` when the password turns out right), or None when either is full."""
    async with in_transaction() as connection:
        await _take_turns(connection, email, address)
        # On SQLite this insert takes the database's one write lock before anything is counted.
        attempt = await LoginFailure.create(email=email, address=address, created_at=now())
        since = attempt.created_at - THROTTLE_WINDOW
        if (
            await LoginFailure.filter(email=email, created_at__gte=since).count() > MAX_FAILURES_PER_EMAIL
            or await LoginFailure.filter(address=address, created_at__gte=since).count()
            > MAX_FAILURES_PER_ADDRESS
        ):
            await attempt.delete()
            return None
    return attempt.id


async def release_attempt(attempt_id: int) -> None:
    """The password was right: the attempt was not a failure after all."""
    await LoginFailure.filter(id=attempt_id).delete()


async def _take_turns(connection: BaseDBAsyncClient, email: str, address: str) -> None:
    """On PostgreSQL, attempts for the same email or from the same address wait for each other
    until the transaction ends (email first, then address, always in that order, so no two can
    wait for each other). SQLite has one writer anyway."""
    if connection.capabilities.dialect != "postgres":
        return
    for key in (f"email:{email}", f"address:{address}"):
        digest = hashlib.sha256(f"shopwatch-login:{key}".encode()).digest()
        await connection.execute_query(
            "SELECT pg_advisory_xact_lock($1)", [int.from_bytes(digest[:8], signed=True)]
        )
