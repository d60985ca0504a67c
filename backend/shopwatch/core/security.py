"""Password hashing (argon2id) and opaque tokens stored only as their hash.

argon2 is slow on purpose, so `hash_password` and `verify_password` run it in worker threads of
their own, at most one per CPU at a time: the event loop goes on answering other requests, and
password checks queue among themselves rather than behind photo or file work. The `_sync`
functions are for scripts and start-up, where nothing else is waiting.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import secrets
from concurrent.futures import ThreadPoolExecutor

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# argon2id with the time and memory of RFC 9106's low-memory profile (argon2-cffi's default) in one
# lane: more lanes run in threads of argon2's own, so one hash would take several CPUs at once.
# Hashes made with other parameters still verify, and are made again at the next login.
_hasher = PasswordHasher(time_cost=3, memory_cost=64 * 1024, parallelism=1)
# Verified against when the email is unknown, so both paths cost the same time.
_UNUSABLE_HASH = _hasher.hash(secrets.token_urlsafe(16))

TOKEN_BYTES = 32  # 256 bits

HASHING_THREAD_NAME = "password-hashing"
# argon2-cffi releases the GIL while it hashes, so each thread can keep one CPU busy.
_hashing_threads = ThreadPoolExecutor(max_workers=os.cpu_count() or 2, thread_name_prefix=HASHING_THREAD_NAME)


async def hash_password(password: str) -> str:
    return await asyncio.get_running_loop().run_in_executor(_hashing_threads, hash_password_sync, password)


async def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether `password` matches; an unknown account (None) costs a check all the same."""
    return await asyncio.get_running_loop().run_in_executor(
        _hashing_threads, verify_password_sync, password_hash, password
    )


def hash_password_sync(password: str) -> str:
    return _hasher.hash(password)


def verify_password_sync(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _UNUSABLE_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def password_needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    """Tokens carry 256 random bits, so a plain SHA-256 is enough to make a stolen table useless."""
    return hashlib.sha256(token.encode()).hexdigest()
