"""Running hypothesis against the app: hypothesis is synchronous and runs in a worker thread, while
each request runs on the test's event loop, where the database connections live."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import httpx
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings

from shopwatch.app import create_app
from shopwatch.settings import PRODUCTION, Settings
from tests.api.conftest import mode_settings

T = TypeVar("T")


def against_the_app(examples: int) -> hypothesis_settings:
    """Settings for examples sent to the app: no deadline (each waits on real requests), nothing
    replayed from a saved example database (the seed fixes what is sent), and no health checks,
    which take a slow live server for a slow strategy."""
    return hypothesis_settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=[Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )


# What a response must never show: exception names, source paths, database drivers, or the masked
# stand-in for an internal error (a bug was hit even though nothing leaked).
LEAKS = (
    "Traceback",
    'File "',
    '.py"',
    "tortoise",
    "asyncpg",
    "sqlite3",
    "aiosqlite",
    "Exception",
    "Something went wrong",
)


def leaks(text: str) -> list[str]:
    return [marker for marker in LEAKS if marker in text]


def assert_answered_cleanly(response: httpx.Response, sent: object) -> None:
    assert response.status_code < 500, (response.status_code, sent, response.text[:1000])
    assert not leaks(response.text), (leaks(response.text), sent, response.text[:1000])


class Blocking:
    """Runs coroutines on the test's loop from hypothesis's thread, waiting for each."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop

    def __call__(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result()


@asynccontextmanager
async def production_client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(mode_settings(settings, PRODUCTION))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="https://shopwatch.example.org"
    ) as http:
        yield http


async def run_in_thread(test: Callable[[], None]) -> None:
    """Runs a @given test off the loop, so the loop is free to serve its requests."""
    await asyncio.to_thread(test)
