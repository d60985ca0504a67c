"""Reporting and adding photos, called directly: the alerts and their emails come without the API."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from shopwatch.accounts.models import Role
from shopwatch.actions.acting import acting_as
from shopwatch.actions.incidents import NOT_YOUR_REPORT, add_incident_photo, report_incident
from shopwatch.actions.photos import PhotoFile
from shopwatch.alerts.models import Alert, AlertRule
from shopwatch.core.clock import now
from shopwatch.core.errors import InvalidInput, PermissionRefused
from shopwatch.incidents.models import IncidentKind, Photo
from shopwatch.incidents.services import IncidentReport
from shopwatch.offenders.models import OffenderLink
from shopwatch.settings import Settings
from tests.actions import acting, emails_to, excluded_offender
from tests.support.images import jpeg, scene
from tests.support.world import World, make_colleague


def a_report(client_id: uuid.UUID | None = None) -> IncidentReport:
    return IncidentReport(
        client_id=client_id or uuid.uuid4(),
        kind=IncidentKind.THEFT,
        occurred_at=now() - timedelta(minutes=5),
        description="Razor blades taken from the shelf by the door.",
    )


def a_photo(seed: int = 1) -> PhotoFile:
    return PhotoFile.of_bytes(f"photo {seed}", jpeg(scene(seed)))


async def test_a_report_naming_an_excluded_offender_alerts_the_police(
    world: World, settings: Settings
) -> None:
    dave = await excluded_offender(world)
    staff = await acting(world, settings, Role.SHOP_STAFF)

    reported = await report_incident(staff, world.home.shops[0], a_report(), [dave.id], [a_photo()])

    assert reported.duplicate is False and reported.photo_errors == []
    assert await OffenderLink.filter(incident_id=reported.incident.id, offender_id=dave.id).exists()
    assert await Photo.filter(incident_id=reported.incident.id).count() == 1
    [alert] = await Alert.filter(incidents__id=reported.incident.id)
    assert alert.rule == AlertRule.EXCLUSION_BREACH
    assert len(await emails_to(world.home.team.email)) == 1


async def test_an_offender_from_another_gallery_stores_nothing(world: World, settings: Settings) -> None:
    staff = await acting(world, settings, Role.SHOP_STAFF, "away")
    dave = await excluded_offender(world)
    with pytest.raises(InvalidInput) as refused:
        await report_incident(staff, world.away.shops[0], a_report(), [dave.id])
    assert refused.value.field == "offenderIds"
    assert await Alert.all().count() == 0


async def test_a_resent_client_id_adds_photos_only_for_whoever_may_add_them(
    world: World, settings: Settings
) -> None:
    client_id = uuid.uuid4()
    staff = await acting(world, settings, Role.SHOP_STAFF)
    first = await report_incident(staff, world.home.shops[0], a_report(client_id))
    colleague_user = await make_colleague(world.home)
    colleague = await acting_as(colleague_user, settings)

    resent = await report_incident(colleague, world.home.shops[0], a_report(client_id), photos=[a_photo()])
    assert resent.duplicate is True and resent.incident.id == first.incident.id
    [refused] = resent.photo_errors
    assert (refused.index, refused.message) == (0, f"photo 1: {NOT_YOUR_REPORT}")
    with pytest.raises(PermissionRefused):
        await add_incident_photo(colleague, first.incident, a_photo())
    assert await Photo.all().count() == 0

    again = await report_incident(staff, world.home.shops[0], a_report(client_id), photos=[a_photo()])
    assert again.photo_errors == []
    assert await Photo.filter(incident_id=first.incident.id).count() == 1


async def test_a_client_id_of_a_report_out_of_sight_is_refused(world: World, settings: Settings) -> None:
    client_id = uuid.uuid4()
    await report_incident(
        await acting(world, settings, Role.SHOP_STAFF), world.home.shops[0], a_report(client_id)
    )
    away = await acting(world, settings, Role.SHOP_STAFF, "away")
    with pytest.raises(InvalidInput) as refused:
        await report_incident(away, world.away.shops[0], a_report(client_id), photos=[a_photo()])
    assert refused.value.field == "clientId"
    assert await Photo.all().count() == 0


async def test_the_bids_manager_adds_a_photo_to_a_staff_report(world: World, settings: Settings) -> None:
    reported = await report_incident(
        await acting(world, settings, Role.SHOP_STAFF), world.home.shops[0], a_report()
    )
    manager = await acting(world, settings, Role.BID_MANAGER)
    photo = await add_incident_photo(manager, reported.incident, a_photo(2))
    assert photo.incident_id == reported.incident.id
