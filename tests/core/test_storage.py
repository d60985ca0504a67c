"""Photo files on disk: content-addressed, written atomically, never outside the media root."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from shopwatch.core import storage
from shopwatch.core.storage import PhotoStore, StoredPaths, UnsafePath, paths_for


@dataclass(frozen=True)
class Files:
    sha256: str
    original: bytes
    display_jpeg: bytes
    thumbnail_jpeg: bytes


def files(original: bytes = b"original photo bytes") -> Files:
    return Files(hashlib.sha256(original).hexdigest(), original, b"display " + original, b"thumb " + original)


def all_files(root: Path) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


async def test_save_writes_the_three_files_under_content_addressed_paths(tmp_path: Path) -> None:
    store = PhotoStore(tmp_path / "media")
    photo = files()
    sha = photo.sha256

    paths = await store.save(photo)

    assert paths == StoredPaths(
        original=f"originals/{sha[:2]}/{sha}",
        display=f"display/{sha[:2]}/{sha}.jpg",
        thumbnail=f"thumbs/{sha[:2]}/{sha}.jpg",
    )
    assert store.open_path(paths.original).read_bytes() == photo.original
    assert store.open_path(paths.display).read_bytes() == photo.display_jpeg
    assert store.open_path(paths.thumbnail).read_bytes() == photo.thumbnail_jpeg
    assert all_files(tmp_path / "media") == sorted(paths)  # nothing else: no temporary files
    assert store.open_path(paths.original).stat().st_mode & 0o777 == storage.FILE_MODE


async def test_saving_the_same_photo_twice_is_harmless(tmp_path: Path) -> None:
    store = PhotoStore(tmp_path)
    first = await store.save(files())
    written = store.open_path(first.original).stat().st_ino
    second = await store.save(files())
    assert first == second
    assert store.open_path(first.original).stat().st_ino == written  # not rewritten (no new file renamed in)
    assert all_files(tmp_path) == sorted(first)


async def test_a_failed_write_leaves_no_temporary_file_and_no_half_saved_photo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = PhotoStore(tmp_path)
    real_fsync = os.fsync
    calls = 0

    def failing_fsync(descriptor: int) -> None:
        nonlocal calls
        calls += 1
        if calls == 3:  # original written, its directory synced, then the display copy fails
            raise OSError(28, "No space left on device")
        real_fsync(descriptor)

    monkeypatch.setattr(storage.os, "fsync", failing_fsync)
    with pytest.raises(OSError, match="No space left"):
        await store.save(files())
    assert all_files(tmp_path) == []  # the original written before the failure was removed again


async def test_a_failed_save_keeps_files_that_were_already_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = PhotoStore(tmp_path)
    photo = files()
    paths = paths_for(photo.sha256)
    original = tmp_path / paths.original
    original.parent.mkdir(parents=True)
    original.write_bytes(photo.original)  # stored earlier for another incident

    def failing_replace(source: str, destination: str) -> None:
        raise OSError(5, "I/O error")

    monkeypatch.setattr(storage.os, "replace", failing_replace)
    with pytest.raises(OSError, match="I/O error"):
        await store.save(photo)
    assert all_files(tmp_path) == [paths.original]


async def test_delete_removes_the_files_and_tolerates_missing_ones(tmp_path: Path) -> None:
    store = PhotoStore(tmp_path)
    kept = await store.save(files(b"another photo"))
    paths = await store.save(files())
    store.open_path(paths.thumbnail).unlink()

    await store.delete(paths)

    assert all_files(tmp_path) == sorted(kept)
    await store.delete(paths)  # again: nothing left to do


def test_paths_need_a_real_sha256() -> None:
    for bad in ("", "../" + "a" * 61, "A" * 64, "a" * 63, "g" * 64):
        with pytest.raises(ValueError):
            paths_for(bad)


@pytest.mark.parametrize(
    "relative",
    [
        "../etc/passwd",
        "originals/../../etc/passwd",
        "/etc/passwd",
        "//etc/passwd",
        "originals/ab/../../../secret",
        "..",
        ".",
        "",
        "originals\\..\\..\\etc\\passwd",
        "originals/./ab",
        "originals//ab",
        "originals/ab/\0",
    ],
)
def test_open_path_refuses_anything_outside_the_media_root(tmp_path: Path, relative: str) -> None:
    with pytest.raises(UnsafePath):
        PhotoStore(tmp_path / "media").open_path(relative)


def test_open_path_refuses_a_symlink_out_of_the_media_root(tmp_path: Path) -> None:
    media = tmp_path / "media"
    (media / "originals").mkdir(parents=True)
    (tmp_path / "elsewhere").mkdir()
    (media / "originals" / "ab").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(UnsafePath):
        PhotoStore(media).open_path("originals/ab/" + "ab" * 32)


def test_open_path_gives_the_absolute_path_inside_the_root(tmp_path: Path) -> None:
    store = PhotoStore(tmp_path / "media")
    sha = "ab" * 32
    assert store.open_path(f"display/ab/{sha}.jpg") == (tmp_path / "media" / "display" / "ab" / f"{sha}.jpg")
