"""Scratch PostgreSQL databases beside the one the run is given, so runs in parallel never disturb
each other and the named database is left alone."""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import asyncpg


def _admin_dsn(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1).rsplit("/", 1)[0] + "/postgres"


def dsn(url: str) -> str:
    """What asyncpg takes for one of our `postgres://` database URLs."""
    return url.replace("postgres://", "postgresql://", 1)


async def scratch_postgres_database(url: str, suffix: str = "", template: str | None = None) -> str:
    """A new database beside the named one (`<name>_<pid><suffix>`), empty or a copy of the
    database at the URL `template`; its URL."""
    base, _, name = url.rpartition("/")
    scratch = f"{name.split('?', 1)[0]}_{os.getpid()}{suffix}"
    copied = f' TEMPLATE "{template.rpartition("/")[2]}"' if template else ""
    admin = await asyncpg.connect(_admin_dsn(url))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{scratch}"{copied}')
    finally:
        await admin.close()
    return f"{base}/{scratch}"


async def drop_postgres_database(url: str) -> None:
    admin = await asyncpg.connect(_admin_dsn(url))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{url.rpartition("/")[2]}" WITH (FORCE)')
    finally:
        await admin.close()


def run_apart(work: Any) -> Any:
    """Runs a coroutine to its end on a loop of its own, from code that may sit inside another
    loop (Playwright's synchronous API drives one)."""
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, work).result()
