"""`shopwatch evidence verify`: a pack as made verifies; a byte changed anywhere is named; a pack the
audit trail does not know, or whose record in it cannot be relied on, is refused."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import httpx
import pytest
from tortoise import connections

from shopwatch.core.audit.models import AuditEntry
from shopwatch.core.audit.trail import SYSTEM, record
from shopwatch.evidence.verify import PackRejected, verify_pack
from shopwatch.incidents.models import Photo
from shopwatch.settings import Settings
from tests.evidence.packs import (
    download,
    incident_with_photos,
    incident_with_statements,
    members,
    one_byte_changed,
    rezipped,
)
from tests.support.world import World

SHOPWATCH = str(Path(sys.executable).with_name("shopwatch"))


@pytest.fixture
async def pack(http: httpx.AsyncClient, world: World, settings: Settings) -> bytes:
    await record(SYSTEM, "bid.update", f"Bid:{world.home.bid.id}")  # an entry before the pack's
    incident = await incident_with_photos(world, settings, photos=2)
    response = await download(http, world, incident)
    assert response.status_code == 200
    return response.content


def saved(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "pack.zip"
    path.write_bytes(data)
    return path


async def rejection(tmp_path: Path, data: bytes) -> str:
    with pytest.raises(PackRejected) as rejected:
        await verify_pack(saved(tmp_path, data))
    return rejected.value.message


async def test_a_pack_as_made_verifies(tmp_path: Path, pack: bytes) -> None:
    verified = await verify_pack(saved(tmp_path, pack))
    entry = await AuditEntry.get(action="evidence.pack")
    assert verified.entry.id == entry.id
    assert verified.message.startswith(f"OK: evidence pack {verified.files.reference}: 6 files match")
    assert f"audit entry {entry.id}" in verified.message


async def test_a_byte_changed_in_a_photo_is_named(tmp_path: Path, pack: bytes) -> None:
    photo = await Photo.filter().order_by("id").first()
    assert photo is not None
    name = f"photos/{photo.sha256}.jpg"
    message = await rejection(tmp_path, rezipped(pack, {name: one_byte_changed(members(pack)[name])}))
    assert message.startswith(f"{name} differs: its SHA-256 is ")
    assert f"manifest.json says {photo.sha256}" in message


async def test_a_byte_changed_in_a_pdf_is_named(tmp_path: Path, pack: bytes) -> None:
    name = "incident-summary.pdf"
    message = await rejection(tmp_path, rezipped(pack, {name: one_byte_changed(members(pack)[name])}))
    assert message.startswith(f"{name} differs: its SHA-256 is ")


async def test_a_byte_changed_in_a_statement_is_named(
    http: httpx.AsyncClient, world: World, settings: Settings, tmp_path: Path
) -> None:
    incident = await incident_with_statements(world, settings)
    pack = (await download(http, world, incident)).content
    name = f"statements/{incident.reference}-MG11-MS-v2.pdf"
    assert (await verify_pack(saved(tmp_path, pack))).files.files == 10
    message = await rejection(tmp_path, rezipped(pack, {name: one_byte_changed(members(pack)[name])}))
    assert message.startswith(f"{name} differs: its SHA-256 is ")


async def test_a_byte_changed_in_the_continuity_log_is_named(tmp_path: Path, pack: bytes) -> None:
    changed = members(pack)["continuity.csv"][:-3] + b"X\r\n"
    message = await rejection(tmp_path, rezipped(pack, {"continuity.csv": changed}))
    assert message.startswith("continuity.csv differs")


async def test_a_byte_changed_in_the_manifest_is_named(tmp_path: Path, pack: bytes) -> None:
    manifest = members(pack)["manifest.json"]
    changed = manifest.replace(b'"bytes": ', b'"bytes": 1', 1)
    message = await rejection(tmp_path, rezipped(pack, {"manifest.json": changed}))
    assert message.startswith("manifest.json differs: its SHA-256 is ")


async def test_a_byte_flipped_in_the_zip_itself_is_named(tmp_path: Path, pack: bytes) -> None:
    """Not unzipped and zipped again: the ZIP's own CRC catches it, and the file is still named."""
    photo = await Photo.filter().order_by("id").first()
    assert photo is not None
    original = members(pack)[f"photos/{photo.sha256}.jpg"]
    at = pack.index(original) + len(original) // 2
    flipped = pack[:at] + bytes([pack[at] ^ 0xFF]) + pack[at + 1 :]
    assert (await rejection(tmp_path, flipped)).startswith(f"photos/{photo.sha256}.jpg differs")


async def test_a_file_slipped_in_or_taken_out_is_named(tmp_path: Path, pack: bytes) -> None:
    files = members(pack)
    photo = next(name for name in files if name.startswith("photos/"))
    without = {name: data for name, data in files.items() if name != photo}
    message = await rejection(tmp_path, _zip_of(without, folder=_folder(pack)))
    assert message == f"{photo} is listed in manifest.json but missing from the pack."
    message = await rejection(tmp_path, _zip_of({**files, "photos/extra.jpg": b"x"}, folder=_folder(pack)))
    assert message == "photos/extra.jpg is in the pack but not in manifest.json."


async def test_a_manifest_rewritten_to_match_is_not_in_the_audit_trail(tmp_path: Path, pack: bytes) -> None:
    """Photo, manifest and SHA256SUMS all changed to agree: only the audit trail can tell."""
    files = members(pack)
    photo = next(name for name in files if name.startswith("photos/"))
    forged_photo = one_byte_changed(files[photo])
    manifest = json.loads(files["manifest.json"])
    for entry in manifest["files"]:
        if entry["path"] == photo:
            entry["sha256"] = hashlib.sha256(forged_photo).hexdigest()
    forged_manifest = json.dumps(manifest, indent=2).encode()
    sums = {**files, photo: forged_photo, "manifest.json": forged_manifest}
    forged_sums = "".join(
        f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in sums.items() if name != "SHA256SUMS"
    ).encode()
    forged = rezipped(
        pack, {photo: forged_photo, "manifest.json": forged_manifest, "SHA256SUMS": forged_sums}
    )
    message = await rejection(tmp_path, forged)
    assert message.startswith(
        f"manifest.json (SHA-256 {hashlib.sha256(forged_manifest).hexdigest()}) is not in"
    )


async def test_a_pack_whose_record_follows_a_broken_chain_is_refused(tmp_path: Path, pack: bytes) -> None:
    first = await AuditEntry.all().order_by("id").first()
    assert first is not None
    await connections.get("default").execute_query(
        "UPDATE audit_entry SET detail = '{\"altered\":true}' WHERE id = " + str(first.id)
    )
    message = await rejection(tmp_path, pack)
    assert message.startswith(f"The audit trail is broken at entry {first.id}, before the entry")


async def test_a_file_that_is_not_a_pack_is_refused(tmp_path: Path) -> None:
    assert "is not a readable ZIP file" in await rejection(tmp_path, b"not a zip")


def _folder(pack: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(pack)) as archive:
        return archive.namelist()[0].split("/")[0]


def _zip_of(files: dict[str, bytes], folder: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in files.items():
            archive.writestr(f"{folder}/{name}", data)
    return out.getvalue()


def _verify(pack: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own console script
        [SHOPWATCH, "evidence", "verify", str(pack)], env=env, capture_output=True, text=True, check=False
    )


async def test_the_command_says_ok_or_names_the_file_with_exit_status_1(
    tmp_path: Path, pack: bytes, database: str
) -> None:
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": database, "SHOPWATCH_VAR_DIR": str(tmp_path / "var")}
    good = saved(tmp_path, pack)
    result = _verify(good, env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK: evidence pack ")

    bad = tmp_path / "altered.zip"
    name = next(name for name in members(pack) if name.startswith("photos/"))
    bad.write_bytes(rezipped(pack, {name: one_byte_changed(members(pack)[name])}))
    result = _verify(bad, env)
    assert result.returncode == 1
    assert result.stderr.startswith(f"FAILED: {name} differs")
