"""Background work of `shopwatch worker` (or of `shopwatch serve` when it runs alone):
sending the outbox continuously, tidying stale records every hour and applying retention daily."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from shopwatch.accounts.housekeeping import delete_stale_records
from shopwatch.core.clock import now
from shopwatch.core.mail import worker as mail_worker
from shopwatch.core.mail.backends import MailBackend, backend_for
from shopwatch.core.storage import PhotoStore
from shopwatch.offenders.retention import purge
from shopwatch.settings import Settings

log = logging.getLogger(__name__)

HOUSEKEEPING_SECONDS = 3600.0
RETENTION_SECONDS = 24 * 3600.0


async def _every(
    stop: asyncio.Event, every_seconds: float, name: str, work: Callable[[], Awaitable[int]]
) -> None:
    while not stop.is_set():
        try:
            done = await work()
            if done:
                log.info("%s: %d records", name, done)
        except Exception:  # the database may be restarting; try again next time
            log.exception("%s failed", name)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=every_seconds)


async def _retention(settings: Settings) -> int:
    purged = await purge(PhotoStore(settings.media_root), now())
    return purged.offenders + purged.incidents


async def run_background(
    settings: Settings,
    stop: asyncio.Event,
    backend: MailBackend | None = None,
    housekeeping_seconds: float = HOUSEKEEPING_SECONDS,
) -> None:
    backend = backend or backend_for(settings.smtp_url, settings.mail_dir)
    await asyncio.gather(
        mail_worker.run(backend, settings.mail_from, stop),
        _every(stop, housekeeping_seconds, "housekeeping", delete_stale_records),
        _every(stop, RETENTION_SECONDS, "retention", lambda: _retention(settings)),
    )
