"""What an evidence pack holds: the originals byte for byte, the continuity log, a manifest and
SHA256SUMS covering every file; its manifest's SHA-256 in the audit trail before it is sent."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from pathlib import Path

import httpx
import pytest
from pypdf import PdfReader

from shopwatch.accounts.models import Role
from shopwatch.actions.acting import acting_as
from shopwatch.actions.links import link_offender
from shopwatch.core.audit.models import AuditEntry
from shopwatch.core.audit.trail import verify_chain
from shopwatch.core.ids import encode_id
from shopwatch.evidence.pack import CONTINUITY_HEADER, OriginalChanged
from shopwatch.incidents.models import Photo
from shopwatch.settings import Settings
from tests.api.offenders.helpers import make_incident, make_offender
from tests.evidence.packs import (
    download,
    incident_with_photos,
    incident_with_statements,
    members,
    pack_url,
)
from tests.support.world import World


async def test_the_pack_holds_the_originals_continuity_manifest_and_sums(
    http: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    incident = await incident_with_photos(world, settings, photos=2)
    response = await download(http, world, incident, Role.POLICE)
    files = members(response.content)
    photos = await Photo.filter(incident_id=incident.id).order_by("id")

    # Every file under one folder named after the incident's reference, the manifest and sums last.
    names = list(files)
    assert names[0] == "incident-summary.pdf" and files[names[0]].startswith(b"%PDF-")
    assert names[-2:] == ["manifest.json", "SHA256SUMS"]
    for photo in photos:
        original = (Path(settings.media_root) / photo.original_path).read_bytes()
        assert files[f"photos/{photo.sha256}.jpg"] == original

    manifest = json.loads(files["manifest.json"])
    assert manifest["format"] == "shopwatch-evidence-pack/1"
    assert manifest["incident"] == {"id": encode_id("Incident", incident.id), "reference": incident.reference}
    assert manifest["createdBy"] == world.home.users[Role.POLICE].email
    assert [entry["path"] for entry in manifest["files"]] == names[:-2]
    for entry in manifest["files"]:
        data = files[entry["path"]]
        assert (entry["bytes"], entry["sha256"]) == (len(data), hashlib.sha256(data).hexdigest())

    # `sha256sum -c SHA256SUMS` in the unzipped folder checks every file, the manifest too.
    sums = files["SHA256SUMS"].decode().splitlines()
    assert sums == [f"{hashlib.sha256(files[name]).hexdigest()}  {name}" for name in names[:-1]]

    entry = await AuditEntry.get(action="evidence.pack")
    assert entry.subject == f"Incident:{incident.id}"
    assert entry.bid_id == incident.bid_id
    assert json.loads(entry.detail) == {"manifest_sha256": hashlib.sha256(files["manifest.json"]).hexdigest()}
    assert (await verify_chain()).intact


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


async def test_statements_and_exhibits_are_named_as_an_officer_files_them(
    http: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    incident = await incident_with_statements(world, settings)
    files = members((await download(http, world, incident, Role.POLICE)).content)
    photos = await Photo.filter(incident_id=incident.id).order_by("id")
    ref = incident.reference
    assert list(files) == [
        "incident-summary.pdf",
        f"statements/{ref}-MG11-MS-v1.pdf",
        f"statements/{ref}-MG11-MS-v2.pdf",
        f"statements/{ref}-MG11-MS2-v1.pdf",  # Martin Sŵn: the second witness with the initials MS
        "exhibits/MS-1.jpg",
        "exhibits/MS-2.jpg",
        f"photos/{photos[2].sha256}.jpg",  # produced by no statement
        "continuity.csv",
        "manifest.json",
        "SHA256SUMS",
    ]
    for name, photo in zip(["exhibits/MS-1.jpg", "exhibits/MS-2.jpg"], photos, strict=False):
        assert files[name] == (Path(settings.media_root) / photo.original_path).read_bytes()

    corrected = text_of(files[f"statements/{ref}-MG11-MS-v2.pdf"])
    assert "WITNESS STATEMENT" in corrected and "Mary Ann Smith" in corrected
    assert "Page 1 of 1" in corrected and "replaces version 1" in corrected
    assert "MS/1" in corrected and "MS/2" in corrected and "Crime reference: WM/1234/26" in corrected
    assert "Martin Sŵn" in text_of(files[f"statements/{ref}-MG11-MS2-v1.pdf"])

    summary = text_of(files["incident-summary.pdf"])
    assert "Shoplifting" in summary and "WM/1234/26" in summary
    assert "exhibits/MS-1.jpg" in summary and f"statements/{ref}-MG11-MS-v2.pdf" in summary
    assert "CCTV kept for 30 days." in summary  # the referral's note, in the case history

    actions = [row.split(",")[3] for row in files["continuity.csv"].decode().splitlines()[1:]]
    assert actions == [
        "statement.sign",
        "statement.sign",
        "statement.sign",
        "incident.refer",
        "police_case.update",
    ]


async def test_the_zip_is_named_by_the_incidents_reference(
    http: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    incident = await incident_with_photos(world, settings, photos=1)
    response = await download(http, world, incident)
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert archive.testzip() is None
        assert {name.split("/")[0] for name in archive.namelist()} == {incident.reference}


async def test_the_continuity_log_lists_what_touched_the_incident_with_the_chain(
    http: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    incident = await incident_with_photos(world, settings, photos=1)
    other = await make_incident(world.home, description="Another one.")
    manager = await acting_as(world.home.users[Role.BID_MANAGER], settings, "192.0.2.1")
    offender = await make_offender(world.home, "Grey hoodie")
    await link_offender(manager, incident, offender)
    await link_offender(manager, other, offender)
    photo = await Photo.get(incident_id=incident.id)
    headers = {"Authorization": f"Bearer {world.token(Role.BID_MANAGER)}"}
    await http.get(f"/media/photos/{encode_id('Photo', photo.id)}/original", headers=headers)
    first = await download(http, world, incident)
    second = await download(http, world, incident)

    rows = list(csv.reader(io.StringIO(members(second.content)["continuity.csv"].decode())))
    assert tuple(rows[0]) == CONTINUITY_HEADER
    entries = {entry.id: entry for entry in await AuditEntry.all()}
    listed = [entries[int(row[0])] for row in rows[1:]]
    # The link to this incident (not the other's), the original opened, the first pack made.
    assert [(entry.action, entry.subject) for entry in listed] == [
        ("offender.link", f"Offender:{offender.id}"),
        ("photo.open_original", f"Photo:{photo.id}"),
        ("evidence.pack", f"Incident:{incident.id}"),
    ]
    for row, entry in zip(rows[1:], listed, strict=True):
        assert row == [
            str(entry.id),
            entry.at.isoformat(),
            entry.actor,
            entry.action,
            entry.subject,
            entry.detail,
            entry.previous_hash,
            entry.entry_hash,
        ]
    assert (
        json.loads(listed[2].detail)["manifest_sha256"]
        == hashlib.sha256(members(first.content)["manifest.json"]).hexdigest()
    )


async def test_a_missing_original_refuses_the_pack_and_records_nothing(
    http: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    incident = await incident_with_photos(world, settings, photos=1)
    photo = await Photo.get(incident_id=incident.id)
    (Path(settings.media_root) / photo.original_path).unlink()
    response = await download(http, world, incident)
    assert response.status_code == 409
    assert "missing" in response.json()["error"]
    assert await AuditEntry.filter(action="evidence.pack").count() == 0


async def test_an_original_altered_on_disk_cuts_the_download_short(
    http: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    """Same size, one byte different: only hashing it while it is read can tell."""
    incident = await incident_with_photos(world, settings, photos=1)
    photo = await Photo.get(incident_id=incident.id)
    file = Path(settings.media_root) / photo.original_path
    data = bytearray(file.read_bytes())
    data[len(data) // 2] ^= 1
    file.write_bytes(bytes(data))
    with pytest.raises(OriginalChanged):
        await http.get(pack_url(incident), headers={"Authorization": f"Bearer {world.token(Role.ADMIN)}"})
