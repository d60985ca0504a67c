"""Deleting photo files that no photo row refers to.

A process killed between writing a photo's files and committing its row leaves files with no row
(and, killed mid-write, a hidden temporary file). They are harmless, since files are named by
content, but must not pile up. Only files older than a grace period go, so an upload in flight,
whose files are written before its row, is never touched: saving a photo whose files already
exist touches them, so the grace period counts from the latest upload.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from shopwatch.core.storage import DISPLAY, ORIGINALS, THUMBNAILS, PhotoStore, photo_tables

GRACE_SECONDS = 3600.0
_LOOKUP_BATCH = 500  # SHA-256s per query: well under every database's limit on bound parameters
# The names the store writes: `<sha>` (originals), `<sha>.jpg` (copies), and `.<name>.<random>.tmp`
# while writing. Anything else under the media root is not ours to delete.
_STORED_NAME = re.compile(r"(?P<sha256>[0-9a-f]{64})(\.jpg)?")
_TEMPORARY_NAME = re.compile(r"\.[0-9a-f]{64}(\.jpg)?\..+\.tmp")


@dataclass
class _OldFiles:
    by_sha256: dict[str, list[Path]] = field(default_factory=dict)
    temporary: list[Path] = field(default_factory=list)


async def sweep_orphan_photos(store: PhotoStore, grace_seconds: float = GRACE_SECONDS) -> int:
    """Delete photo files older than `grace_seconds` that no row of any photo table names; the
    number of files deleted."""
    tables = photo_tables()
    if not tables:
        # Without the photo tables every file would look like an orphan: refuse rather than wipe.
        raise RuntimeError("no photo tables registered; are the models loaded?")
    cutoff = time.time() - grace_seconds
    old = await asyncio.to_thread(_old_files, store.media_root, cutoff)
    unreferenced = set(old.by_sha256)
    candidates = list(unreferenced)
    for start in range(0, len(candidates), _LOOKUP_BATCH):
        batch = candidates[start : start + _LOOKUP_BATCH]
        for table in tables:
            found = await table.filter(sha256__in=batch).values_list("sha256", flat=True)
            unreferenced.difference_update(str(sha) for sha in found)
    doomed = [path for sha in unreferenced for path in old.by_sha256[sha]] + old.temporary
    return await asyncio.to_thread(_delete_if_still_old, doomed, cutoff)


def _old_files(media_root: Path, cutoff: float) -> _OldFiles:
    found = _OldFiles()
    for kind in (ORIGINALS, DISPLAY, THUMBNAILS):
        for path in _files_under(media_root / kind):
            if _modified(path) >= cutoff:
                continue
            if _TEMPORARY_NAME.fullmatch(path.name):  # left by a write that never finished
                found.temporary.append(path)
            elif stored := _STORED_NAME.fullmatch(path.name):
                found.by_sha256.setdefault(stored["sha256"], []).append(path)
    return found


def _files_under(directory: Path) -> Iterable[Path]:
    if not directory.is_dir():
        return []
    return (path for path in directory.glob("*/*") if path.is_file())


def _modified(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return float("inf")  # gone already: nothing to do


def _delete_if_still_old(paths: list[Path], cutoff: float) -> int:
    """Look at each file's age once more just before deleting it: an upload of the same photo may
    have touched it since the rows were read."""
    deleted = 0
    for path in paths:
        if _modified(path) < cutoff:
            path.unlink(missing_ok=True)
            deleted += 1
    return deleted
