"""Gallery actions called directly: links run the rules and each change writes its audit entry."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

import pytest

from shopwatch.accounts.models import Role
from shopwatch.actions.exclusions import issue_exclusion
from shopwatch.actions.gallery import create_offender, merge_offenders, update_offender
from shopwatch.actions.incidents import report_incident
from shopwatch.actions.links import link_offender, unlink_offender
from shopwatch.actions.photos import PhotoFile
from shopwatch.alerts.models import Alert, AlertRule
from shopwatch.core.audit.models import AuditEntry
from shopwatch.core.clock import now
from shopwatch.core.errors import InvalidInput
from shopwatch.incidents.models import Incident, IncidentKind
from shopwatch.incidents.services import IncidentReport
from shopwatch.offenders.exclusions import validate_exclusion
from shopwatch.offenders.models import Offender, OffenderPhoto, OffenderStatus
from shopwatch.settings import Settings
from tests.actions import acting, audit_actions, emails_to, excluded_offender
from tests.support.images import jpeg, scene
from tests.support.world import World

MANAGER = "bid_manager@home.example.org"


async def a_staff_report(world: World, settings: Settings, occurred_at: datetime | None = None) -> Incident:
    report = IncidentReport(
        client_id=uuid.uuid4(),
        kind=IncidentKind.THEFT,
        occurred_at=occurred_at or now() - timedelta(hours=1),
        description="Meat joints taken from the chiller.",
    )
    staff = await acting(world, settings, Role.SHOP_STAFF)
    return (await report_incident(staff, world.home.shops[0], report)).incident


async def test_linking_an_excluded_offender_alerts_and_is_audited_once(
    world: World, settings: Settings
) -> None:
    incident = await a_staff_report(world, settings)
    dave = await excluded_offender(world)
    manager = await acting(world, settings, Role.BID_MANAGER)

    linked = await link_offender(manager, incident, dave)
    again = await link_offender(manager, incident, dave)

    assert (linked.changed, again.changed) == (True, False)
    assert linked.offender.last_seen_at == incident.occurred_at
    [alert] = await Alert.filter(incidents__id=incident.id)
    assert alert.rule == AlertRule.EXCLUSION_BREACH
    assert len(await emails_to(world.home.team.email)) == 1
    assert await audit_actions(f"Offender:{dave.id}") == [("offender.link", MANAGER)]


async def test_unlinking_is_audited_only_when_a_link_goes(world: World, settings: Settings) -> None:
    incident = await a_staff_report(world, settings)
    dave = await Offender.create(bid=world.home.bid, display_name="Dave", description="")
    manager = await acting(world, settings, Role.BID_MANAGER)
    await link_offender(manager, incident, dave)

    assert (await unlink_offender(manager, incident, dave)).changed is True
    assert (await unlink_offender(manager, incident, dave)).changed is False
    assert await audit_actions(f"Offender:{dave.id}") == [
        ("offender.link", MANAGER),
        ("offender.unlink", MANAGER),
    ]


async def test_an_offender_of_another_gallery_is_not_linked(world: World, settings: Settings) -> None:
    incident = await a_staff_report(world, settings)
    stranger = await Offender.create(bid=world.away.bid, display_name="Away", description="")
    with pytest.raises(InvalidInput) as refused:
        await link_offender(await acting(world, settings, Role.ADMIN), incident, stranger)
    assert refused.value.field == "offenderId"
    assert await AuditEntry.all().count() == 0


async def test_an_exclusion_excludes_and_is_audited(world: World, settings: Settings) -> None:
    dave = await Offender.create(bid=world.home.bid, display_name="Dave", description="")
    notice = validate_exclusion(date.today(), None, "Repeated thefts")
    issued = await issue_exclusion(await acting(world, settings, Role.BID_MANAGER), dave, notice)
    assert issued.offender.status == OffenderStatus.EXCLUDED
    assert issued.exclusion.ends_on == notice.ends_on
    assert await audit_actions(f"Offender:{dave.id}") == [("exclusion.issue", MANAGER)]


async def test_a_merge_is_audited_against_the_record_kept(world: World, settings: Settings) -> None:
    keep = await Offender.create(bid=world.home.bid, display_name="Dave", description="")
    merge = await Offender.create(bid=world.home.bid, display_name="David", description="Red cap")
    merged = await merge_offenders(await acting(world, settings, Role.BID_MANAGER), keep, merge)
    assert merged.kept.description == "Red cap"
    assert await audit_actions(f"Offender:{keep.id}") == [("offender.merge", MANAGER)]


async def test_a_change_is_audited_by_field_never_by_value(world: World, settings: Settings) -> None:
    dave = await Offender.create(bid=world.home.bid, display_name="Dave", description="")
    manager = await acting(world, settings, Role.BID_MANAGER)
    updated = await update_offender(manager, dave, display_name="Dave Quorn", status=OffenderStatus.ARCHIVED)
    assert (updated.display_name, updated.status) == ("Dave Quorn", OffenderStatus.ARCHIVED)
    [entry] = await AuditEntry.filter(subject=f"Offender:{dave.id}")
    assert entry.action == "offender.update"
    assert "displayName" in entry.detail and "ARCHIVED" in entry.detail
    assert "Quorn" not in entry.detail

    with pytest.raises(InvalidInput):
        await update_offender(manager, dave, display_name=" ")
    await update_offender(manager, dave)  # nothing given: nothing to record
    assert await AuditEntry.all().count() == 1


async def test_a_refused_first_photo_keeps_the_new_record(world: World, settings: Settings) -> None:
    manager = await acting(world, settings, Role.BID_MANAGER)
    kept = await create_offender(
        manager, world.home.bid.id, "Dave", "", PhotoFile.of_bytes("still.jpg", jpeg(scene(3)))
    )
    assert kept.photo_error is None
    assert await OffenderPhoto.filter(offender_id=kept.offender.id).count() == 1

    refused = await create_offender(
        manager, world.home.bid.id, "Dan", "", PhotoFile.of_bytes("notes.jpg", b"not a photo")
    )
    assert refused.photo_error is not None and refused.photo_error.startswith("notes.jpg: ")
    assert await Offender.filter(id=refused.offender.id).exists()
