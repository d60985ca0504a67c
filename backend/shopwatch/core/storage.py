"""Photo files on disk, addressed by the SHA-256 of the original.

Layout under the media root (`settings.media_root`):

    originals/<sha[:2]>/<sha>        the untouched original, byte for byte (evidence); no extension,
                                     the content type lives in the database row
    display/<sha[:2]>/<sha>.jpg      the display copy
    thumbs/<sha[:2]>/<sha>.jpg       the thumbnail

Every file is written atomically (a temporary file in the same directory, fsynced, then renamed over
the final name), so a reader never sees half a photo and a crash leaves no partial file under a real
name. Saving the same photo twice is harmless. The rule "never a file without its row" belongs to the
caller: save the files, insert the row, and `delete` the files if the insert fails, unless another row
still refers to the same SHA-256.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Protocol

from tortoise.models import Model

ORIGINALS = "originals"
DISPLAY = "display"
THUMBNAILS = "thumbs"
FILE_MODE = 0o640  # readable by the app and its group only: originals are evidence

_SHA256 = re.compile(r"[0-9a-f]{64}")


class PhotoFiles(Protocol):
    """What a processed photo must offer to be stored (incidents.photos.ProcessedPhoto does)."""

    @property
    def sha256(self) -> str: ...
    @property
    def original(self) -> bytes: ...
    @property
    def display_jpeg(self) -> bytes: ...
    @property
    def thumbnail_jpeg(self) -> bytes: ...


@dataclass(frozen=True)
class StoredPaths:
    """Where a photo's files are, relative to the media root, with forward slashes."""

    original: str
    display: str
    thumbnail: str

    def __iter__(self) -> Iterator[str]:
        return iter((self.original, self.display, self.thumbnail))


class UnsafePath(ValueError):
    """A relative media path that is absolute, climbs out of the media root, or is otherwise odd."""


def paths_for(sha256: str) -> StoredPaths:
    if not _SHA256.fullmatch(sha256):
        raise ValueError(f"not a lowercase hex SHA-256: {sha256!r}")
    shard = sha256[:2]
    return StoredPaths(
        original=f"{ORIGINALS}/{shard}/{sha256}",
        display=f"{DISPLAY}/{shard}/{sha256}.jpg",
        thumbnail=f"{THUMBNAILS}/{shard}/{sha256}.jpg",
    )


class PhotoStore:
    def __init__(self, media_root: Path) -> None:
        self.media_root = Path(media_root).resolve()

    def open_path(self, relative: str) -> Path:
        """The absolute path of a stored file, refusing anything that is not a plain relative path
        inside the media root (absolute paths, `..`, backslashes, NUL bytes, symlinks leading out)."""
        if not relative or "\\" in relative or "\0" in relative:
            raise UnsafePath(f"not a media path: {relative!r}")
        pure = PurePosixPath(relative)
        if pure.is_absolute() or any(part in ("..", ".") for part in pure.parts) or relative != str(pure):
            raise UnsafePath(f"not a media path: {relative!r}")
        path = (self.media_root / pure).resolve()
        if not path.is_relative_to(self.media_root) or path == self.media_root:
            raise UnsafePath(f"not a media path: {relative!r}")
        return path

    async def save(self, photo: PhotoFiles) -> StoredPaths:
        """Write the photo's three files (in a worker thread); files already there are kept."""
        return await asyncio.to_thread(self.save_sync, photo)

    def save_sync(self, photo: PhotoFiles) -> StoredPaths:
        paths = paths_for(photo.sha256)
        contents = (
            (paths.original, photo.original),
            (paths.display, photo.display_jpeg),
            (paths.thumbnail, photo.thumbnail_jpeg),
        )
        created: list[Path] = []
        try:
            for relative, data in contents:
                path = self.open_path(relative)
                size = _stored_size(path)
                if size == len(data):
                    # The name is the content's hash and writes are atomic, so this is the same file.
                    # Touched so the orphan sweep's grace period counts from this upload.
                    os.utime(path)
                    continue
                _write_atomically(path, data)
                if size is None:
                    created.append(path)
        except BaseException:
            for path in created:  # leave things as they were: no display copy without its original
                path.unlink(missing_ok=True)
            raise
        return paths

    async def delete(self, paths: StoredPaths) -> None:
        """Remove a photo's files (in a worker thread); files already gone are fine."""
        await asyncio.to_thread(self.delete_sync, paths)

    def delete_sync(self, paths: StoredPaths) -> None:
        for relative in paths:
            self.open_path(relative).unlink(missing_ok=True)


def _stored_size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return None


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as file:
            os.fchmod(file.fileno(), FILE_MODE)
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    _fsync_directory(path.parent)


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable; not every platform lets a directory be opened for this."""
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


# Every table whose rows name photo files by SHA-256; each domain registers its own, so deciding
# whether files may go needs no knowledge of the domains above this one.
_PHOTO_TABLES: list[type[Model]] = []


def register_photo_table(table: type[Model]) -> None:
    if table not in _PHOTO_TABLES:
        _PHOTO_TABLES.append(table)


def photo_tables() -> list[type[Model]]:
    return list(_PHOTO_TABLES)


async def is_referenced(sha256: str) -> bool:
    """Whether any photo row of any registered table still refers to these files."""
    for table in _PHOTO_TABLES:
        if await table.exists(sha256=sha256):
            return True
    return False


async def delete_unreferenced(store: PhotoStore, sha256s: Iterator[str] | list[str]) -> int:
    """Delete the files of each photo no row refers to any more (after its rows were deleted)."""
    deleted = 0
    for sha256 in sha256s:
        if not await is_referenced(sha256):
            await store.delete(paths_for(sha256))
            deleted += 1
    return deleted
