"""Looks at personal data or evidence, called directly: each is in the audit trail before it is shown."""

from __future__ import annotations

from datetime import date, timedelta

from shopwatch.accounts.models import Role
from shopwatch.actions.access import export_incidents, export_offender_data, open_original, view_offender
from shopwatch.actions.gallery import create_offender
from shopwatch.actions.photos import PhotoFile
from shopwatch.offenders.models import OffenderPhoto
from shopwatch.settings import Settings
from shopwatch.summaries.periods import period_between
from tests.actions import acting, audit_actions
from tests.support.images import jpeg, scene
from tests.support.world import World

MANAGER = "bid_manager@home.example.org"


async def test_each_look_at_a_record_is_in_its_access_log(world: World, settings: Settings) -> None:
    manager = await acting(world, settings, Role.BID_MANAGER)
    dave = await create_offender(
        manager, world.home.bid.id, "Dave", "", PhotoFile.of_bytes("cctv.jpg", jpeg(scene(4)))
    )
    photo = await OffenderPhoto.get(offender_id=dave.offender.id)
    police = await acting(world, settings, Role.POLICE)

    await view_offender(police, dave.offender)
    await open_original(police, photo, world.home.bid.id)
    held = await export_offender_data(manager, dave.offender)

    assert [(entry.action, entry.actor) for entry in held.access_log] == [
        ("offender.view", "police@home.example.org"),
        ("photo.open_original", "police@home.example.org"),
        ("offender.export_data", MANAGER),
    ]


async def test_an_export_is_recorded_before_its_rows(world: World, settings: Settings) -> None:
    period = period_between(date.today() - timedelta(days=30), date.today())
    rows = await export_incidents(await acting(world, settings, Role.POLICE), world.home.bid, period)
    assert await audit_actions(f"Bid:{world.home.bid.id}") == [
        ("incidents.export_csv", "police@home.example.org")
    ]
    assert "".join([piece async for piece in rows]).startswith("\ufeff")
