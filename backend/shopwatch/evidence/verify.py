"""Checking an evidence pack months later: every file against manifest.json and SHA256SUMS, and the
manifest against the audit trail (an `evidence.pack` entry naming its SHA-256, with the chain intact
up to that entry). The first thing that differs is named; nothing else is trusted.

The manifest is checked first, since every other file is judged by it: a manifest edited to match
an altered photo is named as the manifest, not as the photo.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shopwatch.core.audit.models import AuditEntry
from shopwatch.core.audit.trail import verify_chain
from shopwatch.core.ids import decode_id
from shopwatch.evidence.pack import CHUNK, FORMAT, MANIFEST, SUMS

# manifest.json and SHA256SUMS are read whole; a real one is a few kilobytes.
_MAX_LISTING_BYTES = 4 * 1024 * 1024


class PackRejected(Exception):
    """The pack does not verify; `message` says which file, or what, and why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class PackFiles:
    """What the files of a pack say once they all match its manifest."""

    reference: str
    incident_pk: int
    manifest_sha256: str
    files: int


@dataclass(frozen=True)
class VerifiedPack:
    files: PackFiles
    entry: AuditEntry

    @property
    def message(self) -> str:
        at = self.entry.at.strftime("%Y-%m-%d %H:%M:%S %Z")
        return (
            f"OK: evidence pack {self.files.reference}: {self.files.files} files match manifest.json and "
            f"SHA256SUMS; manifest.json (SHA-256 {self.files.manifest_sha256}) is audit entry "
            f"{self.entry.id}, made {at} by {self.entry.actor}, and the audit trail is intact up to it."
        )


async def verify_pack(path: Path) -> VerifiedPack:
    """The pack at `path`, checked; `PackRejected` names the first file (or entry) that differs."""
    files = await asyncio.to_thread(check_files, path)
    return VerifiedPack(files=files, entry=await check_trail(files))


def check_files(path: Path) -> PackFiles:
    """Every file of the ZIP against manifest.json and SHA256SUMS, without the database."""
    try:
        with zipfile.ZipFile(path) as archive:
            return _check_archive(archive)
    except (zipfile.BadZipFile, OSError) as error:
        raise PackRejected(f"{path} is not a readable ZIP file: {error}") from None


def _check_archive(archive: zipfile.ZipFile) -> PackFiles:
    names = [info.filename for info in archive.infolist() if not info.is_dir()]
    folder = names[0].split("/", 1)[0] if names else ""
    if not folder or any(not name.startswith(folder + "/") for name in names):
        raise PackRejected("This is not an evidence pack: its files are not all in one folder.")
    inside = [name.removeprefix(folder + "/") for name in names]
    if len(set(inside)) != len(inside):
        raise PackRejected("The pack holds two files under the same name.")
    for required in (MANIFEST, SUMS):
        if required not in inside:
            raise PackRejected(f"{required} is missing from the pack.")

    sums = _read_sums(_read_listing(archive, folder, SUMS))
    manifest_bytes = _read_listing(archive, folder, MANIFEST)
    manifest_sha256 = hashlib.sha256(manifest_bytes).hexdigest()
    if sums.get(MANIFEST) != manifest_sha256:
        raise PackRejected(
            f"{MANIFEST} differs: its SHA-256 is {manifest_sha256}, SHA256SUMS says {sums.get(MANIFEST)}."
        )
    manifest = _parse_manifest(manifest_bytes)
    listed = {entry["path"]: entry for entry in manifest["files"]}
    if set(sums) != {*listed, MANIFEST}:
        differing = sorted(set(sums) ^ {*listed, MANIFEST})[0]
        raise PackRejected(f"{differing} is in one of manifest.json and SHA256SUMS but not the other.")

    for name in inside:
        if name in (MANIFEST, SUMS):
            continue
        if name not in listed:
            raise PackRejected(f"{name} is in the pack but not in manifest.json.")
        size, sha256 = _hash_member(archive, f"{folder}/{name}", name)
        expected = listed[name]
        if sha256 != expected["sha256"] or size != expected["bytes"]:
            raise PackRejected(
                f"{name} differs: its SHA-256 is {sha256} ({size} bytes), manifest.json says "
                f"{expected['sha256']} ({expected['bytes']} bytes)."
            )
        if sums[name] != sha256:
            raise PackRejected(f"{name} differs from SHA256SUMS.")
    missing = [path for path in listed if path not in inside]
    if missing:
        raise PackRejected(f"{missing[0]} is listed in manifest.json but missing from the pack.")

    incident = manifest["incident"]
    incident_pk = decode_id("Incident", str(incident.get("id", "")))
    if incident_pk is None or incident.get("reference") != folder:
        raise PackRejected(f"{MANIFEST} does not name the incident of this pack ({folder}).")
    return PackFiles(
        reference=folder, incident_pk=incident_pk, manifest_sha256=manifest_sha256, files=len(inside)
    )


def _read_listing(archive: zipfile.ZipFile, folder: str, name: str) -> bytes:
    info = archive.getinfo(f"{folder}/{name}")
    if info.file_size > _MAX_LISTING_BYTES:
        raise PackRejected(f"{name} is too large to be a real one ({info.file_size} bytes).")
    try:
        return archive.read(info)
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise PackRejected(f"{name} is damaged: {error}") from None


def _read_sums(data: bytes) -> dict[str, str]:
    sums: dict[str, str] = {}
    for line in data.decode("utf-8", errors="replace").splitlines():
        sha256, separator, name = line.partition("  ")
        if not separator or len(sha256) != 64 or name in sums:
            raise PackRejected(f"{SUMS} differs: the line {line[:100]!r} is not a checksum line.")
        sums[name] = sha256
    return sums


def _parse_manifest(data: bytes) -> dict[str, Any]:
    try:
        manifest = json.loads(data)
        valid = (
            manifest["format"] == FORMAT
            and isinstance(manifest["incident"], dict)
            and all(
                isinstance(entry["path"], str)
                and isinstance(entry["bytes"], int)
                and isinstance(entry["sha256"], str)
                for entry in manifest["files"]
            )
        )
    except (ValueError, KeyError, TypeError):
        valid = False
    if not valid:
        raise PackRejected(f"{MANIFEST} differs: it is not a {FORMAT} manifest.")
    result: dict[str, Any] = manifest
    return result


def _hash_member(archive: zipfile.ZipFile, member: str, name: str) -> tuple[int, str]:
    hasher = hashlib.sha256()
    size = 0
    try:
        with archive.open(member) as file:
            while data := file.read(CHUNK):
                hasher.update(data)
                size += len(data)
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        # The ZIP's own CRC caught the change before the hash could.
        raise PackRejected(f"{name} differs: it is damaged or altered ({error}).") from None
    return size, hasher.hexdigest()


async def check_trail(files: PackFiles) -> AuditEntry:
    """The `evidence.pack` entry that recorded this manifest, with the chain intact up to it."""
    entry = (
        await AuditEntry.filter(
            action="evidence.pack",
            subject=f"Incident:{files.incident_pk}",
            detail=json.dumps({"manifest_sha256": files.manifest_sha256}, separators=(",", ":")),
        )
        .order_by("id")
        .first()
    )
    if entry is None:
        raise PackRejected(
            f"{MANIFEST} (SHA-256 {files.manifest_sha256}) is not in the audit trail: this database "
            "never made this pack, or the manifest was rewritten."
        )
    chain = await verify_chain(up_to=entry.id)
    if not chain.intact:
        raise PackRejected(
            f"The audit trail is broken at entry {chain.first_broken_id}, before the entry that "
            f"recorded this pack ({entry.id}): the record of the pack cannot be relied on."
        )
    return entry
