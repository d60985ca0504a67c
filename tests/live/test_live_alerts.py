"""Which live alerts a report or a link raises, and what each member of the BID is shown of them."""

from __future__ import annotations

import uuid
from datetime import timedelta

from shopwatch.accounts.models import Role
from shopwatch.accounts.viewer import Viewer, load_viewer
from shopwatch.actions.incidents import report_incident
from shopwatch.actions.links import link_offender
from shopwatch.core.clock import now
from shopwatch.incidents.models import Incident, IncidentKind
from shopwatch.incidents.services import IncidentReport
from shopwatch.live.models import LiveAlert, LiveAlertKind
from shopwatch.live.services import missed_alerts
from shopwatch.offenders.models import Offender, OffenderStatus
from shopwatch.settings import Settings
from tests.actions import acting, excluded_offender
from tests.support.world import World

DESCRIPTION = "Razor blades taken from the shelf by the door, worth a lot."


def a_report(ago: timedelta = timedelta(minutes=5), value: int | None = 4599) -> IncidentReport:
    return IncidentReport(
        client_id=uuid.uuid4(),
        kind=IncidentKind.THEFT,
        occurred_at=now() - ago,
        description=DESCRIPTION,
        value_stolen_pence=value,
    )


async def viewer(world: World, role: Role, town: str = "home") -> Viewer:
    return await load_viewer((world.home if town == "home" else world.away).users[role], 0)


async def shown(world: World, role: Role, town: str = "home") -> list[tuple[LiveAlertKind, str | None]]:
    """(kind, offender's name or None) of each live alert of the home BID as `role` is shown it."""
    views = await missed_alerts(await viewer(world, role, town), world.home.bid.id, None)
    return [(view.kind, view.offender.display_name if view.offender else None) for view in views]


async def test_a_report_naming_gallery_offenders_warns_the_bid_without_the_report(
    world: World, settings: Settings
) -> None:
    red_cap = await Offender.create(bid=world.home.bid, display_name="Red cap", description="Tall")
    dave = await excluded_offender(world)
    staff = await acting(world, settings, Role.SHOP_STAFF)

    await report_incident(staff, world.home.shops[0], a_report(), [red_cap.id, dave.id])

    expected = [(LiveAlertKind.OFFENDER_SEEN, "Red cap"), (LiveAlertKind.EXCLUSION_BREACH, "Dave Excluded")]
    assert sorted(await shown(world, Role.SHOP_STAFF), key=str) == sorted(expected, key=str)
    # The breach rule's own alert is the EXCLUSION_BREACH: managers are not told twice.
    assert sorted(await shown(world, Role.BID_MANAGER), key=str) == sorted(expected, key=str)
    assert await shown(world, Role.SHOP_STAFF, "away") == []
    assert await shown(world, Role.BID_MANAGER, "away") == []
    for alert in await LiveAlert.all():
        assert alert.message.endswith(world.home.shops[0].name)
        assert "Razor" not in alert.message and "45" not in alert.message
        assert "Dave" not in alert.message and "Red cap" not in alert.message


async def test_staff_are_not_shown_archived_offenders_or_pattern_alerts(
    world: World, settings: Settings
) -> None:
    gone = await Offender.create(
        bid=world.home.bid, display_name="Old record", status=OffenderStatus.ARCHIVED
    )
    regular = await Offender.create(bid=world.home.bid, display_name="Regular")
    manager = await acting(world, settings, Role.BID_MANAGER)
    for _ in range(3):  # the third incident in 30 days makes a repeat offender
        await report_incident(manager, world.home.shops[1], a_report(), [regular.id])
    await report_incident(manager, world.home.shops[1], a_report(), [gone.id])

    assert await shown(world, Role.SHOP_STAFF) == [(LiveAlertKind.OFFENDER_SEEN, "Regular")] * 3
    police = await shown(world, Role.POLICE)
    assert (LiveAlertKind.OFFENDER_SEEN, "Old record") in police
    assert (LiveAlertKind.PATTERN_ALERT, "Regular") in police
    [pattern] = await LiveAlert.filter(kind=LiveAlertKind.PATTERN_ALERT)
    assert pattern.message == f"Repeat offender at {world.home.shops[1].name}"


async def test_a_link_warns_only_while_the_incident_is_recent(world: World, settings: Settings) -> None:
    red_cap = await Offender.create(bid=world.home.bid, display_name="Red cap")
    manager = await acting(world, settings, Role.BID_MANAGER)
    today = await report_incident(manager, world.home.shops[0], a_report())
    last_week = await report_incident(manager, world.home.shops[0], a_report(ago=timedelta(days=7)))

    await link_offender(manager, last_week.incident, red_cap)
    assert await shown(world, Role.SHOP_STAFF) == []
    await link_offender(manager, await Incident.get(id=today.incident.id), red_cap)
    assert await shown(world, Role.SHOP_STAFF) == [(LiveAlertKind.OFFENDER_SEEN, "Red cap")]
