"""Links and match suggestions, without the API."""

from __future__ import annotations

import asyncio

import pytest

from shopwatch.accounts.viewer import Viewer
from shopwatch.core.errors import InvalidInput
from shopwatch.incidents.models import Incident, Photo
from shopwatch.offenders.gallery import visible_offenders
from shopwatch.offenders.matching import PHOTO_DISTANCE, IncidentKey, suggest_offenders
from shopwatch.offenders.models import Offender, OffenderLink, OffenderPhoto, OffenderStatus
from shopwatch.offenders.services import link_offender, offenders_in_bid, unlink_offender
from tests.api.offenders.helpers import make_incident, make_offender
from tests.support.world import World

BASE = 0x0123456789ABCDEF


def bits_apart(count: int) -> str:
    """A hash `count` bits away from BASE."""
    return f"{BASE ^ ((1 << count) - 1):016x}"


def photo_fields(sha: str, perceptual_hash: str) -> dict[str, object]:
    return {
        "sha256": sha,
        "content_type": "image/jpeg",
        "original_path": "o",
        "display_path": "d",
        "thumbnail_path": "t",
        "width": 1,
        "height": 1,
        "byte_size": 1,
        "perceptual_hash": perceptual_hash,
    }


def key(incident: Incident) -> IncidentKey:
    return IncidentKey(incident.id, incident.bid_id, incident.vehicle_registration)


async def link(incident: Incident, offender: Offender) -> None:
    await OffenderLink.create(incident=incident, offender=offender)


async def test_racing_links_make_one(world: World) -> None:
    offender = await make_offender(world.home)
    incident = await make_incident(world.home)
    user = world.admin
    made = await asyncio.gather(*(link_offender(incident, offender, user) for _ in range(4)))
    assert sorted(made) == [False, False, False, True]
    assert await OffenderLink.filter(offender_id=offender.id).count() == 1
    assert (await Offender.get(id=offender.id)).last_seen_at == incident.occurred_at
    assert await unlink_offender(incident, offender) is True
    assert await unlink_offender(incident, offender) is False
    assert (await Offender.get(id=offender.id)).last_seen_at is None


async def test_offenders_in_bid_refuses_other_bids_and_follows_merges(world: World) -> None:
    kept = await make_offender(world.home, "kept")
    merged = await make_offender(world.home, "merged", OffenderStatus.ARCHIVED, merged_into=kept)
    away = await make_offender(world.away)
    assert [offender.id for offender in await offenders_in_bid([merged.id], world.home.bid.id)] == [kept.id]
    assert len(await offenders_in_bid([merged.id, kept.id], world.home.bid.id)) == 1
    with pytest.raises(InvalidInput):
        await offenders_in_bid([away.id], world.home.bid.id)
    with pytest.raises(InvalidInput):
        await offenders_in_bid([kept.id, 10**12], world.home.bid.id)


async def test_photo_matches_up_to_the_distance_limit(world: World) -> None:
    incident = await make_incident(world.home)
    await Photo.create(incident=incident, **photo_fields("1" * 64, f"{BASE:016x}"))
    at_limit = await make_offender(world.home, "at limit")
    beyond = await make_offender(world.home, "beyond")
    identical = await make_offender(world.home, "identical")
    other_town = await make_offender(world.away, "other town")
    for offender, distance in [(at_limit, PHOTO_DISTANCE), (beyond, PHOTO_DISTANCE + 1), (identical, 0)]:
        await OffenderPhoto.create(offender=offender, **photo_fields("2" * 64, bits_apart(distance)))
    await OffenderPhoto.create(offender=other_town, **photo_fields("3" * 64, bits_apart(0)))
    await OffenderPhoto.create(offender=identical, **photo_fields("4" * 64, "not a hash"))

    [suggestions] = await suggest_offenders([key(incident)])
    assert [(s.offender.display_name, s.photo_distance) for s in suggestions] == [
        ("identical", 0),
        ("at limit", PHOTO_DISTANCE),
    ]


async def test_batches_answer_each_incident_in_order(world: World) -> None:
    offender = await make_offender(world.home)
    await link(await make_incident(world.home, vehicle_registration="AB12CDE"), offender)
    linked = await make_incident(world.home, vehicle_registration="AB12CDE")
    await OffenderLink.create(incident=linked, offender=offender)
    open_one = await make_incident(world.home, vehicle_registration="AB12CDE")
    nothing = await make_incident(world.home)
    answers = await suggest_offenders([key(open_one), key(linked), key(nothing)])
    assert [[s.offender.id for s in answer] for answer in answers] == [[offender.id], [], []]
    assert await suggest_offenders([key(linked)]) == [[]]


async def test_visible_offenders_for_someone_without_memberships_is_empty(world: World) -> None:
    await make_offender(world.home)
    nobody = Viewer(
        user=world.admin,
        session_id=0,
        memberships=(),
        is_admin=False,
        managed_bid_ids=frozenset(),
        staff_shop_bids={},
        police_bid_ids=frozenset(),
    )
    assert await visible_offenders(nobody).count() == 0
