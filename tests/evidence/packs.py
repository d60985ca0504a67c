"""An incident with photos, its evidence pack downloaded as a manager would, and packs altered the
ways a pack can be altered."""

from __future__ import annotations

import io
import zipfile

import httpx

from shopwatch.accounts.models import Role
from shopwatch.actions.acting import acting_as
from shopwatch.actions.evidence import record_witness_statement, refer_to_police, update_police_case
from shopwatch.core.ids import encode_id
from shopwatch.core.storage import PhotoStore
from shopwatch.evidence.models import PoliceCaseState
from shopwatch.incidents.attachments import attach_photo
from shopwatch.incidents.models import Incident, Photo
from shopwatch.settings import Settings
from tests.api.offenders.helpers import make_incident
from tests.support.evidence import staff_report_with_photos, statement_input
from tests.support.images import jpeg, scene
from tests.support.world import World


async def incident_with_statements(world: World, settings: Settings) -> Incident:
    """A theft with three photos: a witness's statement produced two of them (MS/1, MS/2) and was
    corrected once (v2); a second witness with the same initials gave one; the manager referred it
    and the police gave a crime number. The third photo is no one's exhibit."""
    incident = await staff_report_with_photos(world, settings, photos=3)
    photos = await Photo.filter(incident_id=incident.id).order_by("id").values_list("id", flat=True)
    staff = await acting_as(world.home.users[Role.SHOP_STAFF], settings)
    manager = await acting_as(world.home.users[Role.BID_MANAGER], settings)
    police = await acting_as(world.home.users[Role.POLICE], settings)
    first = await record_witness_statement(staff, incident, statement_input(exhibit_photo_ids=photos[:2]))
    await record_witness_statement(
        staff,
        incident,
        statement_input(
            text="At about 14:10 I saw a man in a red cap take two bottles of gin.",
            replaces_id=first.statement.id,
            exhibit_photo_ids=[],
        ),
    )
    await record_witness_statement(
        manager,
        incident,
        statement_input(witness_name="Martin Sŵn", typed_name="Martin Sŵn", exhibit_photo_ids=[]),
    )
    await refer_to_police(manager, incident, crime_reference=None, note="CCTV kept for 30 days.")
    await update_police_case(police, incident, PoliceCaseState.CRIME_NUMBER_ISSUED, None, "WM/1234/26")
    return await Incident.get(id=incident.id)


async def incident_with_photos(world: World, settings: Settings, photos: int = 2) -> Incident:
    incident = await make_incident(world.home, police_reference="WM/1234/26")
    for seed in range(photos):
        await attach_photo(incident, jpeg(scene(seed + 1)), PhotoStore(settings.media_root))
    return incident


def pack_url(incident: Incident) -> str:
    return f"/export/evidence/{encode_id('Incident', incident.id)}.zip"


async def download(
    http: httpx.AsyncClient,
    world: World,
    incident: Incident,
    role: Role | None = Role.BID_MANAGER,
    town: str = "home",
) -> httpx.Response:
    token = world.token(role, town)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return await http.get(pack_url(incident), headers=headers)


def members(pack: bytes) -> dict[str, bytes]:
    """Each file of the pack by its path inside the pack's folder."""
    with zipfile.ZipFile(io.BytesIO(pack)) as archive:
        return {info.filename.split("/", 1)[1]: archive.read(info) for info in archive.infolist()}


def rezipped(pack: bytes, changes: dict[str, bytes]) -> bytes:
    """The pack made again with some files' contents replaced, as someone who unzipped it, edited a
    file and zipped it up again would leave it (so the ZIP's own CRCs are right)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(pack)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            path = info.filename.split("/", 1)[1]
            target.writestr(info, changes.get(path, source.read(info)))
    return out.getvalue()


def one_byte_changed(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0x01]) + data[middle + 1 :]
