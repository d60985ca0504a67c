"""Case actions called as a script would: ending an exclusion and changing an incident's status,
each with its audit entry, and what the alert rules make of an ended exclusion."""

from __future__ import annotations

import asyncio

from shopwatch.accounts.models import Role
from shopwatch.actions.exclusions import end_exclusion
from shopwatch.actions.links import link_offender
from shopwatch.actions.triage import change_incident_status
from shopwatch.alerts.models import Alert
from shopwatch.core.clock import now
from shopwatch.core.errors import InvalidInput
from shopwatch.incidents.models import Incident, IncidentStatus, IncidentStatusChange
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
    # Now, after the day the exclusion ended (an hour ago may still be that day, near midnight).
    incident = await a_staff_report(world, settings, occurred_at=now())
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


async def test_two_managers_ending_one_exclusion_at_once_end_it_once(
    world: World, settings: Settings
) -> None:
    dave = await excluded_offender(world)
    exclusion = await Exclusion.get(offender_id=dave.id)
    manager, admin = (
        await acting(world, settings, Role.BID_MANAGER),
        await acting(world, settings, Role.ADMIN),
    )

    results = await asyncio.gather(
        end_exclusion(manager, exclusion, "Moved away."),
        end_exclusion(admin, exclusion, "Banned elsewhere instead."),
        return_exceptions=True,
    )

    refused = [result for result in results if isinstance(result, InvalidInput)]
    assert len(refused) == 1 and refused[0].message == "This exclusion has already been ended."
    assert len(await audit_actions(f"Offender:{dave.id}")) == 1


async def test_two_status_changes_at_once_are_kept_one_after_the_other(
    world: World, settings: Settings
) -> None:
    incident = await a_staff_report(world, settings)
    manager, police = (
        await acting(world, settings, Role.BID_MANAGER),
        await acting(world, settings, Role.POLICE),
    )

    results = await asyncio.gather(
        change_incident_status(manager, incident, IncidentStatus.CLOSED, "Done."),
        change_incident_status(police, incident, IncidentStatus.REVIEWED, "Looking at it."),
    )

    history = await IncidentStatusChange.filter(incident_id=incident.id).order_by("id")
    # Each change starts from what the one before it left, whichever came first.
    assert [change.previous_status for change in history] == [IncidentStatus.NEW, history[0].status]
    assert (await Incident.get(id=incident.id)).status == history[1].status
    assert {result.change.status for result in results} == {IncidentStatus.CLOSED, IncidentStatus.REVIEWED}
