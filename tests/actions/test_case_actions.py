"""Case actions called as a script would: ending an exclusion and changing an incident's status,
each with its audit entry, and what the alert rules make of an ended exclusion."""

from __future__ import annotations

from shopwatch.accounts.models import Role
from shopwatch.actions.exclusions import end_exclusion
from shopwatch.actions.links import link_offender
from shopwatch.actions.triage import change_incident_status
from shopwatch.alerts.models import Alert
from shopwatch.incidents.models import IncidentStatus
from shopwatch.offenders.exclusions import today
from shopwatch.offenders.models import Exclusion, OffenderStatus
from shopwatch.settings import Settings
from tests.actions import acting, audit_actions, excluded_offender
from tests.actions.test_gallery_actions import MANAGER, a_staff_report
from tests.support.world import World


async def test_an_ended_exclusion_is_no_breach(world: World, settings: Settings) -> None:
    dave = await excluded_offender(world)
    manager = await acting(world, settings, Role.BID_MANAGER)
    exclusion = await Exclusion.get(offender_id=dave.id)

    ended = await end_exclusion(manager, exclusion, "Moved away.")
    incident = await a_staff_report(world, settings)
    await link_offender(manager, incident, dave)

    assert ended.offender.status == OffenderStatus.ACTIVE
    assert ended.exclusion.ends_on < today()
    assert await Alert.filter(incidents__id=incident.id).count() == 0
    assert await audit_actions(f"Offender:{dave.id}") == [
        ("exclusion.end", MANAGER),
        ("offender.link", MANAGER),
    ]


async def test_a_status_change_returns_the_incident_as_it_now_is(world: World, settings: Settings) -> None:
    incident = await a_staff_report(world, settings)
    police = await acting(world, settings, Role.POLICE)

    changed = await change_incident_status(police, incident, IncidentStatus.REFERRED_TO_POLICE, "Ours now.")

    assert changed.incident.status == IncidentStatus.REFERRED_TO_POLICE
    assert (changed.change.previous_status, changed.change.note) == (IncidentStatus.NEW, "Ours now.")
    assert await audit_actions(f"Incident:{incident.id}") == [("incident.status", "police@home.example.org")]
