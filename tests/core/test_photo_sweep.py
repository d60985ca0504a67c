"""The orphan sweep: photo files no row refers to go once they are old enough; nothing else does."""

from __future__ import annotations

import os
import time
from pathlib import Path

from shopwatch.core.photo_sweep import GRACE_SECONDS, sweep_orphan_photos
from shopwatch.core.storage import PhotoStore, paths_for
from shopwatch.incidents.attachments import attach_photo
from shopwatch.incidents.photos import process_photo
from tests.api.incidents.helpers import jpeg_bytes
from tests.api.offenders.helpers import make_incident
from tests.support.world import World

TWO_HOURS_AGO = time.time() - 2 * 3600


def age(root: Path) -> None:
    """Make every file under `root` look two hours old."""
    for path in root.rglob("*"):
        if path.is_file():
            os.utime(path, (TWO_HOURS_AGO, TWO_HOURS_AGO))


def files_under(root: Path) -> set[str]:
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}


async def save_orphan(store: PhotoStore, colour: tuple[int, int, int]) -> set[str]:
    """A photo's files written with no row, as a crash between the two leaves them."""
    return set(await store.save(await process_photo(jpeg_bytes(colour=colour))))


async def test_old_files_with_no_row_are_deleted_and_files_with_a_row_are_kept(
    tmp_path: Path, world: World
) -> None:
    store = PhotoStore(tmp_path)
    kept = await attach_photo(await make_incident(world.home), jpeg_bytes(colour=(10, 200, 10)), store)
    orphan = await save_orphan(store, (200, 10, 10))
    age(tmp_path)

    assert await sweep_orphan_photos(store) == 3

    assert files_under(tmp_path) == set(paths_for(kept.sha256))
    assert not files_under(tmp_path) & orphan


async def test_files_younger_than_the_grace_period_are_kept(tmp_path: Path, world: World) -> None:
    store = PhotoStore(tmp_path)
    in_flight = await save_orphan(store, (200, 10, 10))  # written, its row not yet committed

    assert await sweep_orphan_photos(store, grace_seconds=GRACE_SECONDS) == 0
    assert files_under(tmp_path) == in_flight
    assert await sweep_orphan_photos(store, grace_seconds=0) == 3
    assert files_under(tmp_path) == set()


async def test_saving_a_photo_again_restarts_its_grace_period(tmp_path: Path, world: World) -> None:
    store = PhotoStore(tmp_path)
    orphan = await save_orphan(store, (200, 10, 10))
    age(tmp_path)
    await save_orphan(store, (200, 10, 10))  # a retried upload of the same photo, its row to come

    assert await sweep_orphan_photos(store) == 0
    assert files_under(tmp_path) == orphan


async def test_temporary_files_of_an_interrupted_write_are_deleted_when_old(
    tmp_path: Path, world: World
) -> None:
    store = PhotoStore(tmp_path)
    shard = tmp_path / "originals" / "ab"
    shard.mkdir(parents=True)
    (shard / (".ab" + "0" * 62 + ".x1y2.tmp")).write_bytes(b"half a photo")
    age(tmp_path)
    (shard / (".ab" + "1" * 62 + ".x3y4.tmp")).write_bytes(b"being written now")

    assert await sweep_orphan_photos(store) == 1
    assert files_under(tmp_path) == {f"originals/ab/.ab{'1' * 62}.x3y4.tmp"}


async def test_files_the_store_did_not_name_are_left_alone(tmp_path: Path, world: World) -> None:
    store = PhotoStore(tmp_path)
    shard = tmp_path / "display" / "ab"
    shard.mkdir(parents=True)
    (shard / "README.txt").write_text("someone's notes")
    (shard / ".DS_Store").write_bytes(b"")
    age(tmp_path)

    assert await sweep_orphan_photos(store) == 0
    assert files_under(tmp_path) == {"display/ab/README.txt", "display/ab/.DS_Store"}


async def test_an_empty_or_missing_media_root_is_fine(tmp_path: Path, world: World) -> None:
    assert await sweep_orphan_photos(PhotoStore(tmp_path / "nothing yet")) == 0
