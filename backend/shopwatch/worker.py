"""Background work of `shopwatch worker` (or of `shopwatch serve` when it runs alone):
sending the outbox continuously, and every hour tidying stale records and photo files that no
row refers to."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta

from shopwatch.accounts.housekeeping import delete_stale_records
from shopwatch.core.mail import worker as mail_worker
from shopwatch.core.mail.backends import MailBackend, backend_for
from shopwatch.core.photo_sweep import sweep_orphan_photos
from shopwatch.core.storage import PhotoStore
from shopwatch.settings import Settings

log = logging.getLogger(__name__)

HOUSEKEEPING_SECONDS = 3600.0


async def _housekeeping(stop: asyncio.Event, every_seconds: float, store: PhotoStore) -> None:
    while not stop.is_set():
        try:
            deleted = await delete_stale_records()
            if deleted:
                log.info("housekeeping deleted %d stale records", deleted)
            swept = await sweep_orphan_photos(store)
            if swept:
                log.info("housekeeping deleted %d photo files that no row refers to", swept)
        except Exception:  # the database may be restarting; try again next time
            log.exception("housekeeping failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=every_seconds)


async def run_background(
    settings: Settings,
    stop: asyncio.Event,
    backend: MailBackend | None = None,
    housekeeping_seconds: float = HOUSEKEEPING_SECONDS,
) -> None:
    backend = backend or backend_for(settings.smtp_url, settings.mail_dir)
    await asyncio.gather(
        mail_worker.run(
            backend,
            settings.mail_from,
            stop,
            first_retry=timedelta(seconds=settings.mail_first_retry_seconds),
        ),
        _housekeeping(stop, housekeeping_seconds, PhotoStore(settings.media_root)),
    )
