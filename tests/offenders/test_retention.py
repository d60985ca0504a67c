"""Retention: dormant offenders are forgotten and old incidents lose their free text and photos,
while every count stays the same."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from shopwatch.actions.retention import purge
from shopwatch.core.audit.models import AuditEntry
from shopwatch.core.clock import now
from shopwatch.core.storage import PhotoStore
from shopwatch.incidents.attachments import attach_photo
from shopwatch.incidents.models import Incident, IncidentKind, IncidentStatus, IncidentStatusChange, Photo
from shopwatch.incidents.retention import REDACTED_DESCRIPTION, years_before
from shopwatch.offenders.exclusions import today
from shopwatch.offenders.models import Exclusion, Offender, OffenderLink, OffenderPhoto, OffenderStatus
from shopwatch.offenders.photos import attach_offender_photo
from shopwatch.offenders.retention import REDACTED_NAME
from shopwatch.summaries.area import area_figures
from shopwatch.summaries.periods import Period
from tests.summaries.data import Area, add_incidents, make_area
from tests.support.images import jpeg, scene

MOMENT = now()


@pytest.fixture
def store(tmp_path: Path) -> PhotoStore:
    return PhotoStore(tmp_path / "media")


async def _offender(area: Area, name: str, *, months_ago: float, linked: bool = True) -> Offender:
    offender = await Offender.create(
        bid=area.bid, display_name=name, description="Tall, red cap.", created_at=MOMENT - timedelta(days=800)
    )
    if linked:
        seen = MOMENT - timedelta(days=30.5 * months_ago)
        await add_incidents(area, [(0, IncidentKind.THEFT, seen, 500, [])])
        await OffenderLink.create(incident_id=area.rows[-1].id, offender=offender)
        offender.last_seen_at = seen
        await offender.save(update_fields=["last_seen_at"])
    return offender


def _files(store: PhotoStore, photo: Photo | OffenderPhoto) -> list[Path]:
    return [store.open_path(path) for path in (photo.original_path, photo.display_path, photo.thumbnail_path)]


async def test_an_offender_not_seen_for_a_year_is_forgotten_but_still_counted(
    database: str, store: PhotoStore
) -> None:
    area = await make_area("retention", 1)
    dormant = await _offender(area, "Red cap", months_ago=13)
    photo = await attach_offender_photo(dormant, jpeg(scene(1)), store)
    await Exclusion.create(
        offender=dormant,
        starts_on=date(2024, 1, 1),
        ends_on=date(2024, 6, 1),
        reason="Shoplifting at Riverside.",
        ended_at=MOMENT - timedelta(days=500),
        end_reason="Moved away from Riverside.",
    )
    recent = await _offender(area, "Green parka", months_ago=11)
    period = Period(today() - timedelta(days=500), today())
    before = await area_figures(area.bid.id, period)

    purged = await purge(store, MOMENT)

    assert (purged.offenders, purged.incidents) == (1, 0)
    forgotten = await Offender.get(id=dormant.id)
    assert (forgotten.display_name, forgotten.description, forgotten.status) == (
        REDACTED_NAME,
        "",
        OffenderStatus.ARCHIVED,
    )
    assert forgotten.redacted_at is not None
    assert await OffenderPhoto.filter(offender_id=dormant.id).count() == 0
    assert not any(path.exists() for path in _files(store, photo))
    forgotten_exclusion = await Exclusion.get(offender_id=dormant.id)
    assert (forgotten_exclusion.reason, forgotten_exclusion.end_reason) == ("", "")
    assert await OffenderLink.filter(offender_id=dormant.id).count() == 1
    assert (await Offender.get(id=recent.id)).display_name == "Green parka"
    assert await area_figures(area.bid.id, period) == before
    assert [entry.action for entry in await AuditEntry.all()] == ["retention.purge"]
    again = await purge(store, MOMENT)
    assert (again.offenders, again.incidents) == (0, 0)
    assert await AuditEntry.all().count() == 1


async def test_an_exclusion_running_or_to_come_keeps_the_record(database: str, store: PhotoStore) -> None:
    area = await make_area("excluded", 1)
    running = await _offender(area, "Running", months_ago=14)
    await Exclusion.create(
        offender=running, starts_on=today() - timedelta(days=400), ends_on=today(), reason="x"
    )
    to_come = await _offender(area, "To come", months_ago=14)
    await Exclusion.create(
        offender=to_come,
        starts_on=today() + timedelta(days=1),
        ends_on=today() + timedelta(days=300),
        reason="y",
    )
    assert (await purge(store, MOMENT)).offenders == 0


async def test_a_bid_may_keep_records_longer(database: str, store: PhotoStore) -> None:
    area = await make_area("longer", 1)
    area.bid.offender_retention_months = 24
    await area.bid.save()
    kept = await _offender(area, "Kept", months_ago=13)
    never_seen = await _offender(area, "Never seen", months_ago=0, linked=False)  # created 800 days ago
    assert (await purge(store, MOMENT)).offenders == 1
    assert (await Offender.get(id=kept.id)).display_name == "Kept"
    assert (await Offender.get(id=never_seen.id)).display_name == REDACTED_NAME


async def test_incidents_lose_free_text_and_photos_after_six_years(database: str, store: PhotoStore) -> None:
    area = await make_area("sixyears", 1)
    old_moment = years_before(MOMENT, 6) - timedelta(days=1)
    await add_incidents(
        area,
        [
            (0, IncidentKind.THEFT, old_moment, 1500, []),
            (0, IncidentKind.FRAUD, MOMENT - timedelta(days=365 * 5), None, []),
        ],
    )
    old, newer = [await Incident.get(id=row.id) for row in area.rows]
    old.vehicle_registration = newer.vehicle_registration = "AB12CDE"
    await old.save()
    await newer.save()
    shared = jpeg(scene(2))
    old_photo = await attach_photo(old, shared, store)
    await attach_photo(newer, shared, store)  # the same file, still needed by the newer incident
    only_old = await attach_photo(old, jpeg(scene(3)), store)
    for incident in (old, newer):
        await IncidentStatusChange.create(
            incident=incident,
            previous_status=IncidentStatus.NEW,
            status=IncidentStatus.CLOSED,
            note="Spoke to the manager, Mr Smith.",
            changed_at=incident.occurred_at,
        )

    purged = await purge(store, MOMENT)

    assert purged.incidents == 1
    redacted = await Incident.get(id=old.id)
    assert (redacted.description, redacted.vehicle_registration) == (REDACTED_DESCRIPTION, None)
    assert (redacted.kind, redacted.value_stolen_pence, redacted.occurred_at) == (
        IncidentKind.THEFT,
        1500,
        old.occurred_at,
    )
    assert await Photo.filter(incident_id=old.id).count() == 0
    assert all(path.exists() for path in _files(store, old_photo))  # shared with the newer incident
    assert not any(path.exists() for path in _files(store, only_old))
    kept = await Incident.get(id=newer.id)
    assert (kept.description, kept.vehicle_registration) == ("Taken from the shelf by the door.", "AB12CDE")
    notes = dict(await IncidentStatusChange.all().values_list("incident_id", "note"))
    assert notes == {old.id: "", newer.id: "Spoke to the manager, Mr Smith."}


def test_six_years_before_a_leap_day() -> None:
    assert years_before(datetime(2028, 2, 29, 12, tzinfo=UTC), 6) == datetime(2022, 2, 28, 12, tzinfo=UTC)
