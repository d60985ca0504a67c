"""The background loop's housekeeping: it runs at start and then every hour, sweeping orphan photo
files among the rest."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

from shopwatch.core.mail.backends import FileBackend
from shopwatch.core.storage import PhotoStore
from shopwatch.incidents.photos import process_photo
from shopwatch.settings import Settings
from shopwatch.worker import run_background
from tests.api.incidents.helpers import jpeg_bytes
from tests.support.world import World


async def test_housekeeping_deletes_old_orphan_photo_files(
    settings: Settings, tmp_path: Path, world: World
) -> None:
    store = PhotoStore(settings.media_root)
    paths = await store.save(await process_photo(jpeg_bytes()))  # files whose row never came
    two_hours_ago = time.time() - 7200
    for relative in paths:
        os.utime(store.open_path(relative), (two_hours_ago, two_hours_ago))

    stop = asyncio.Event()
    background = asyncio.create_task(run_background(settings, stop, backend=FileBackend(tmp_path / "mail")))
    try:
        deadline = time.monotonic() + 10
        while any(store.open_path(relative).exists() for relative in paths):
            assert time.monotonic() < deadline, "housekeeping did not sweep the orphan files"
            await asyncio.sleep(0.05)
    finally:
        stop.set()
        await asyncio.wait_for(background, timeout=10)
