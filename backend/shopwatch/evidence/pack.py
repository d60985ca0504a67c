"""The evidence pack: one incident's documents, original photos and continuity log in a ZIP, with a
manifest and SHA256SUMS covering every file, streamed so memory stays flat however large the photos.

Everything but the photos is made in memory before the first byte goes out (PDFs and CSV are
small), and the photos' hashes are in the database, so the manifest and its SHA-256 are known up
front: the audit entry naming it is written before the response starts. Each original is hashed
again as it is read; one that no longer matches aborts the stream rather than send a pack that
would not verify.

Layout, every path under one folder named after the incident's reference:

    incident-summary.pdf
    statements/<REFERENCE>-MG11-<initials>-v<version>.pdf
    exhibits/<MS-1>.<ext>          originals produced as exhibits, byte for byte
    photos/<sha256>.<ext>          originals no statement has produced yet
    continuity.csv                 the audit entries touching the incident, with their chain hashes
    manifest.json                  every file above: path, bytes, SHA-256
    SHA256SUMS                     every file above and manifest.json, for `sha256sum -c`
"""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
import json
import logging
import zipfile
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO

from shopwatch.core.audit.models import AuditEntry
from shopwatch.core.ids import encode_id
from shopwatch.core.storage import PhotoStore, UnsafePath
from shopwatch.evidence.pack_contents import (
    Evidence,
    continuity_entries,
    evidence_of,
    folder_of,
    natural,
)
from shopwatch.evidence.pack_contents import documents as rendered_documents
from shopwatch.incidents.models import Incident, Photo

FORMAT = "shopwatch-evidence-pack/1"
MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
CONTINUITY = "continuity.csv"
CONTINUITY_HEADER = ("id", "at", "actor", "action", "subject", "detail", "previous_hash", "entry_hash")
# Read and written a megabyte at a time: a 12 MP photo is a handful of chunks, and memory holds one.
CHUNK = 1024 * 1024

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class InMemory:
    """A file made for the pack (PDF, CSV, JSON), small enough to hold."""

    path: str
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class Original:
    """A photo's original on disk, with the size and SHA-256 the database holds for it."""

    path: str
    file: Path
    size: int
    sha256: str
    photo_id: int


PackFile = InMemory | Original


@dataclass(frozen=True)
class EvidencePack:
    reference: str  # the folder every file is in
    created_at: datetime
    files: tuple[PackFile, ...]  # in the ZIP's order, manifest.json last but one, SHA256SUMS last

    @property
    def manifest(self) -> InMemory:
        manifest = self.files[-2]
        assert isinstance(manifest, InMemory) and manifest.path == MANIFEST
        return manifest

    @property
    def manifest_sha256(self) -> str:
        return self.manifest.sha256

    @property
    def filename(self) -> str:
        return f"{self.reference}-evidence.zip"


class PackUnavailable(Exception):
    """The pack cannot be made as it would not be whole (an original's file is missing)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class OriginalChanged(Exception):
    """An original read while streaming does not match the size or SHA-256 the manifest gave it."""


async def plan_pack(
    incident: Incident, created_by: str, prepared_by: str, created_at: datetime, store: PhotoStore
) -> EvidencePack:
    """Everything the pack holds, its manifest and sums; `PackUnavailable` when an original is
    missing. `created_by` goes in the manifest (the email the audit trail names), `prepared_by` on
    the summary (the person's name)."""
    photos = await Photo.filter(incident_id=incident.id).order_by("id")
    evidence = await evidence_of(incident, photos)
    originals = await _originals(photos, evidence, store)
    documents = [
        InMemory(document.path, document.data)
        for document in await rendered_documents(evidence, prepared_by, created_at)
    ]
    continuity = InMemory(CONTINUITY, continuity_csv(await continuity_entries(incident, evidence)))
    contents: list[PackFile] = [*documents, *originals, continuity]
    reference = folder_of(incident)
    manifest = InMemory(MANIFEST, manifest_json(incident, reference, created_by, created_at, contents))
    sums = InMemory(SUMS, sha256sums([*contents, manifest]))
    return EvidencePack(reference=reference, created_at=created_at, files=(*contents, manifest, sums))


async def _originals(photos: Sequence[Photo], evidence: Evidence, store: PhotoStore) -> list[Original]:
    """Exhibits in the order of their references (MS/2 before MS/10), then the other photos."""
    references = {exhibit.photo_id: exhibit.reference for exhibit in evidence.exhibits}
    ordered = sorted(
        photos, key=lambda photo: (photo.id not in references, natural(references.get(photo.id, "")))
    )
    originals = []
    for photo in ordered:
        try:
            file = store.open_path(photo.original_path)
        except UnsafePath:
            file = None
        if file is None or await asyncio.to_thread(_size_of, file) != photo.byte_size:
            raise PackUnavailable(
                f"The original of photo {photo.sha256[:12]}… is missing or incomplete in storage, "
                "so no pack can be made. Ask an administrator to restore it from the backup."
            )
        originals.append(
            Original(evidence.photo_paths[photo.id], file, photo.byte_size, photo.sha256, photo.id)
        )
    return originals


def _size_of(file: Path) -> int | None:
    try:
        return file.stat().st_size if file.is_file() else None
    except OSError:
        return None


def continuity_csv(entries: Sequence[AuditEntry]) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(CONTINUITY_HEADER)
    for entry in entries:
        writer.writerow(
            (
                entry.id,
                entry.at.isoformat(),
                entry.actor,
                entry.action,
                entry.subject,
                entry.detail,
                entry.previous_hash,
                entry.entry_hash,
            )
        )
    return text.getvalue().encode()


def manifest_json(
    incident: Incident, reference: str, created_by: str, created_at: datetime, files: Sequence[PackFile]
) -> bytes:
    manifest = {
        "format": FORMAT,
        "incident": {"id": encode_id("Incident", incident.id), "reference": reference},
        "createdAt": created_at.isoformat(),
        "createdBy": created_by,
        "files": [{"path": file.path, "bytes": file.size, "sha256": file.sha256} for file in files],
    }
    return (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode()


def sha256sums(files: Sequence[PackFile]) -> bytes:
    """In `sha256sum`'s own format (two spaces: text mode), so `sha256sum -c SHA256SUMS` checks them."""
    return "".join(f"{file.sha256}  {file.path}\n" for file in files).encode()


class _Sink:
    """A write-only file that cannot seek: zipfile then writes each entry's CRC and sizes after its
    data (a data descriptor), so nothing has to be gone back to and the bytes can leave at once."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._chunks.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


async def stream_pack(pack: EvidencePack) -> AsyncIterator[bytes]:
    """The ZIP, a piece at a time; raises `OriginalChanged` (cutting the download short, so no one
    is handed a pack that does not verify) if an original no longer matches its hash."""
    sink = _Sink()
    archive = zipfile.ZipFile(sink, "w")
    stamp = pack.created_at.timetuple()[:6]
    for file in pack.files:
        info = zipfile.ZipInfo(f"{pack.reference}/{file.path}", date_time=stamp)
        info.file_size = file.size
        info.external_attr = 0o640 << 16
        if isinstance(file, InMemory):
            # Photos and PDFs are compressed already; only the text files gain from deflating.
            if file.path.endswith((".csv", ".json")) or file.path == SUMS:
                info.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(info, "w") as entry:
                entry.write(file.data)
            yield sink.take()
        else:
            async for data in _stream_original(file, archive, info, sink):
                yield data
    archive.close()
    yield sink.take()


async def _stream_original(
    original: Original, archive: zipfile.ZipFile, info: zipfile.ZipInfo, sink: _Sink
) -> AsyncIterator[bytes]:
    hasher = hashlib.sha256()
    read = 0
    handle = await asyncio.to_thread(original.file.open, "rb")
    try:
        with archive.open(info, "w") as entry:
            while True:
                # Read, hashed and CRC'd in a thread: megabytes of it would hold up the event loop.
                size = await asyncio.to_thread(_copy_chunk, handle, entry, hasher)
                if not size:
                    break
                read += size
                if read > original.size:
                    break
                yield sink.take()
    finally:
        await asyncio.to_thread(handle.close)
    if read != original.size or hasher.hexdigest() != original.sha256:
        log.error(
            "Evidence pack %s aborted: the original of photo %s no longer matches its SHA-256 %s",
            info.filename,
            original.photo_id,
            original.sha256,
        )
        raise OriginalChanged(f"{original.path} does not match its SHA-256 {original.sha256}")
    yield sink.take()


def _copy_chunk(handle: IO[bytes], entry: IO[bytes], hasher: hashlib._Hash) -> int:
    data = handle.read(CHUNK)
    if data:
        hasher.update(data)
        entry.write(data)
    return len(data)
