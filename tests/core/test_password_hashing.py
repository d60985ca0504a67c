"""Password hashing is slow on purpose, so it runs in worker threads of its own, at most one per CPU,
and the event loop goes on answering other requests meanwhile."""

from __future__ import annotations

import asyncio
import os
import threading

from shopwatch.core.security import (
    HASHING_THREAD_NAME,
    hash_password,
    verify_password,
)

PASSWORD = "correct horse battery"


async def test_checking_passwords_leaves_the_loop_free_with_at_most_one_thread_per_cpu() -> None:
    stored = await hash_password(PASSWORD)
    turns = 0
    checking = True

    async def take_turns() -> None:
        nonlocal turns
        while checking:
            turns += 1
            await asyncio.sleep(0)

    turn_taker = asyncio.create_task(take_turns())
    guesses = [PASSWORD if n % 2 else f"guess {n}" for n in range(3 * (os.cpu_count() or 2))]
    results = await asyncio.gather(*(verify_password(stored, guess) for guess in guesses))
    checking = False
    await turn_taker

    assert results == [guess == PASSWORD for guess in guesses]
    # The loop went round many times while the passwords were checked, so nothing else waited.
    assert turns > len(guesses)
    hashing_threads = [t for t in threading.enumerate() if t.name.startswith(HASHING_THREAD_NAME)]
    assert 1 <= len(hashing_threads) <= (os.cpu_count() or 2)


async def test_an_unknown_account_is_checked_against_a_hash_too_and_never_matches() -> None:
    assert await verify_password(None, PASSWORD) is False
    assert await verify_password("not an argon2 hash", PASSWORD) is False
