"""Background work of `shopwatch worker` (or of `shopwatch serve` when it runs alone): sending the
email outbox and the Web Push outbox continuously; every hour tidying stale records (live alerts
older than two days among them, with their push messages) and photo files that no row refers to;
and every day applying the retention rules (which also empty the bodies of emails finished 30 days
ago)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from shopwatch.accounts.housekeeping import delete_stale_records
from shopwatch.actions.retention import purge
from shopwatch.core.clock import now
from shopwatch.core.mail import worker as mail_worker
from shopwatch.core.mail.backends import MailBackend, backend_for
from shopwatch.core.mail.sealing import OutboxSeal
from shopwatch.core.photo_sweep import sweep_orphan_photos
from shopwatch.core.storage import PhotoStore
from shopwatch.live import push_worker
from shopwatch.live.services import delete_old_alerts
from shopwatch.settings import Settings

log = logging.getLogger(__name__)

HOUSEKEEPING_SECONDS = 3600.0
RETENTION_SECONDS = 24 * 3600.0


async def _every(
    stop: asyncio.Event, every_seconds: float, name: str, work: Callable[[], Awaitable[int]]
) -> None:
    """Run `work` now and then every `every_seconds` until stopped; a failure waits for next time."""
    while not stop.is_set():
        try:
            done = await work()
            if done:
                log.info("%s: %d records or files", name, done)
        except Exception:  # the database may be restarting; try again next time
            log.exception("%s failed", name)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=every_seconds)


async def _housekeeping(store: PhotoStore) -> int:
    return await delete_stale_records() + await delete_old_alerts() + await sweep_orphan_photos(store)


async def _retention(store: PhotoStore) -> int:
    return (await purge(store, now())).changed


async def run_background(
    settings: Settings,
    stop: asyncio.Event,
    backend: MailBackend | None = None,
    housekeeping_seconds: float = HOUSEKEEPING_SECONDS,
) -> None:
    backend = backend or backend_for(settings.smtp_url, settings.mail_dir)
    store = PhotoStore(settings.media_root)
    pushes = (
        [push_worker.run(settings.vapid_private_key, settings.vapid_subject, stop)]
        if settings.vapid_private_key
        else []
    )
    await asyncio.gather(
        *pushes,
        mail_worker.run(
            backend,
            settings.mail_from,
            stop,
            first_retry=timedelta(seconds=settings.mail_first_retry_seconds),
            seal=OutboxSeal(settings.secret_key),
        ),
        _every(stop, housekeeping_seconds, "housekeeping", lambda: _housekeeping(store)),
        _every(stop, RETENTION_SECONDS, "retention", lambda: _retention(store)),
    )
