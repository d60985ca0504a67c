"""Keeping the gallery through the API: validation, archiving, merging, links and exclusions."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from shopwatch.accounts.models import Role
from shopwatch.api.ids import encode_id
from shopwatch.incidents.models import Incident
from shopwatch.offenders.exclusions import add_months, today
from shopwatch.offenders.models import Exclusion, Offender, OffenderLink, OffenderPhoto, OffenderStatus
from tests.api.incidents.helpers import REPORT, report_input
from tests.api.offenders.helpers import (
    CREATE,
    ISSUE_EXCLUSION,
    LINK,
    MERGE,
    OFFENDER,
    OFFENDERS,
    UNLINK,
    UPDATE,
    incident_id,
    link,
    make_incident,
    make_offender,
    offender_id,
)
from tests.support.graphql import GraphQLClient
from tests.support.world import World


def photo_row(offender: Offender, sha: str) -> dict[str, Any]:
    return {
        "offender": offender,
        "sha256": sha,
        "content_type": "image/jpeg",
        "original_path": "o",
        "display_path": "d",
        "thumbnail_path": "t",
        "width": 1,
        "height": 1,
        "byte_size": 1,
        "perceptual_hash": "0" * 16,
    }


async def create(gql: GraphQLClient, world: World, **values: Any) -> dict[str, Any]:
    variables = {"input": {"bidId": world.home.bid_id, "displayName": "Red cap", **values}}
    result: dict[str, Any] = (await gql.execute(CREATE, variables, token=world.token(Role.BID_MANAGER)))[
        "createOffender"
    ]
    return result


async def test_a_manager_creates_an_offender(gql: GraphQLClient, world: World) -> None:
    result = await create(gql, world, displayName="  Unknown male, red cap ", description=" Tall, local. ")
    assert result["__typename"] == "CreateOffenderSuccess"
    assert result["photoErrors"] == []
    offender = result["offender"]
    assert offender["displayName"] == "Unknown male, red cap"
    assert offender["description"] == "Tall, local."
    assert offender["status"] == "ACTIVE"
    assert offender["incidentCount"] == 0
    assert offender["lastSeenAt"] is None
    assert offender["photos"] == [] and offender["thumbnailUrl"] is None
    stored = await Offender.get()
    assert stored.bid_id == world.home.bid.id
    assert await Offender.filter(created_by_id=world.home.users[Role.BID_MANAGER].id).exists()


async def test_an_administrator_creating_an_offender_in_no_bid_gets_not_found(
    gql: GraphQLClient, world: World
) -> None:
    variables = {"input": {"bidId": encode_id("Bid", 0), "displayName": "Red cap", "description": ""}}
    result = (await gql.execute(CREATE, variables, token=world.token(Role.ADMIN)))["createOffender"]
    assert result["__typename"] == "NotFound"
    assert not await Offender.exists()


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"displayName": "   "}, "displayName"),
        ({"displayName": "x" * 201}, "displayName"),
        ({"description": "x" * 5001}, "description"),
    ],
)
async def test_invalid_offenders_are_refused(
    gql: GraphQLClient, world: World, values: dict[str, str], field: str
) -> None:
    result = await create(gql, world, **values)
    assert result["__typename"] == "ValidationError"
    assert result["field"] == field
    assert not await Offender.exists()


async def update(gql: GraphQLClient, world: World, offender: Offender, **values: Any) -> dict[str, Any]:
    variables = {"input": {"offenderId": offender_id(offender), **values}}
    result: dict[str, Any] = (await gql.execute(UPDATE, variables, token=world.token(Role.BID_MANAGER)))[
        "updateOffender"
    ]
    return result


async def staff_gallery(gql: GraphQLClient, world: World) -> list[str]:
    data = await gql.execute(OFFENDERS, {"bidId": world.home.bid_id}, token=world.token(Role.SHOP_STAFF))
    return [edge["node"]["displayName"] for edge in data["offenders"]["edges"]]


async def test_update_changes_only_what_is_given_and_archiving_hides_from_staff(
    gql: GraphQLClient, world: World
) -> None:
    offender = await make_offender(world.home, "Red cap", description="Tall")
    result = await update(gql, world, offender, displayName="Red cap, tall")
    assert result["offender"]["displayName"] == "Red cap, tall"
    assert result["offender"]["description"] == "Tall"
    assert await staff_gallery(gql, world) == ["Red cap, tall"]

    archived = await update(gql, world, offender, status="ARCHIVED")
    assert archived["offender"]["status"] == "ARCHIVED"
    assert await staff_gallery(gql, world) == []
    staff_view = await gql.execute(
        OFFENDER, {"id": offender_id(offender)}, token=world.token(Role.SHOP_STAFF)
    )
    assert staff_view["offender"] is None

    restored = await update(gql, world, offender, status="ACTIVE")
    assert restored["offender"]["status"] == "ACTIVE"
    assert await staff_gallery(gql, world) == ["Red cap, tall"]


async def test_excluded_comes_only_from_an_exclusion(gql: GraphQLClient, world: World) -> None:
    offender = await make_offender(world.home)
    result = await update(gql, world, offender, status="EXCLUDED")
    assert result == {
        "__typename": "ValidationError",
        "field": "status",
        "message": "Issue an exclusion to exclude someone.",
    }
    invalid = await update(gql, world, offender, displayName="")
    assert invalid["field"] == "displayName"


async def test_reactivating_a_record_under_an_exclusion_keeps_it_excluded(
    gql: GraphQLClient, world: World
) -> None:
    offender = await make_offender(world.home, status=OffenderStatus.ARCHIVED)
    await Exclusion.create(
        offender=offender, starts_on=today(), ends_on=today() + timedelta(days=30), reason="Theft"
    )
    result = await update(gql, world, offender, status="ACTIVE")
    assert result["offender"]["status"] == "EXCLUDED"
    assert (await Offender.get(id=offender.id)).status == OffenderStatus.EXCLUDED


# Exclusions


async def issue(gql: GraphQLClient, world: World, offender: Offender, **values: Any) -> dict[str, Any]:
    variables = {
        "input": {
            "offenderId": offender_id(offender),
            "startsOn": today().isoformat(),
            "reason": "Theft and abuse towards staff",
            **values,
        }
    }
    result: dict[str, Any] = (
        await gql.execute(ISSUE_EXCLUSION, variables, token=world.token(Role.BID_MANAGER))
    )["issueExclusion"]
    return result


async def test_an_exclusion_runs_12_months_by_default_and_excludes_at_once(
    gql: GraphQLClient, world: World
) -> None:
    offender = await make_offender(world.home)
    result = await issue(gql, world, offender)
    assert result["__typename"] == "IssueExclusionSuccess"
    assert result["exclusion"]["startsOn"] == today().isoformat()
    assert result["exclusion"]["endsOn"] == add_months(today(), 12).isoformat()
    assert result["exclusion"]["inForce"] is True
    assert result["offender"]["status"] == "EXCLUDED"
    assert result["offender"]["exclusion"]["reason"] == "Theft and abuse towards staff"
    assert (await Offender.get(id=offender.id)).status == OffenderStatus.EXCLUDED
    # Excluded people are exactly who shop staff need to see.
    assert await staff_gallery(gql, world) == ["Red cap"]


async def test_an_exclusion_starting_later_leaves_the_offender_active(
    gql: GraphQLClient, world: World
) -> None:
    offender = await make_offender(world.home)
    starts = today() + timedelta(days=7)
    result = await issue(gql, world, offender, startsOn=starts.isoformat())
    assert result["exclusion"]["inForce"] is False
    assert result["offender"]["status"] == "ACTIVE"
    assert result["offender"]["exclusion"]["startsOn"] == starts.isoformat()


async def test_an_exclusion_brings_an_archived_record_back(gql: GraphQLClient, world: World) -> None:
    offender = await make_offender(world.home, status=OffenderStatus.ARCHIVED)
    assert (await issue(gql, world, offender))["offender"]["status"] == "EXCLUDED"
    assert await staff_gallery(gql, world) == ["Red cap"]


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"endsOn": today().isoformat()}, "endsOn", "The exclusion must end after it starts."),
        ({"endsOn": (today() - timedelta(days=1)).isoformat()}, "endsOn", "must end after it starts"),
        (
            {"endsOn": (add_months(today(), 24) + timedelta(days=1)).isoformat()},
            "endsOn",
            "at most 24 months",
        ),
        (
            {
                "startsOn": (today() - timedelta(days=400)).isoformat(),
                "endsOn": (today() - timedelta(days=40)).isoformat(),
            },
            "endsOn",
            "would already have ended",
        ),
        ({"reason": "   "}, "reason", "1 to 2,000 characters"),
        ({"reason": "x" * 2001}, "reason", "1 to 2,000 characters"),
    ],
)
async def test_invalid_exclusions_are_refused(
    gql: GraphQLClient, world: World, values: dict[str, str], field: str, message: str
) -> None:
    offender = await make_offender(world.home)
    result = await issue(gql, world, offender, **values)
    assert result["__typename"] == "ValidationError"
    assert result["field"] == field
    assert message in result["message"]
    assert not await Exclusion.exists()
    assert (await Offender.get(id=offender.id)).status == OffenderStatus.ACTIVE


async def test_the_longest_exclusion_allowed_is_24_months(gql: GraphQLClient, world: World) -> None:
    offender = await make_offender(world.home)
    result = await issue(gql, world, offender, endsOn=add_months(today(), 24).isoformat(), reason="x" * 2000)
    assert result["__typename"] == "IssueExclusionSuccess"


# Merging


async def merge(gql: GraphQLClient, token: str | None, keep: Offender, other: Offender) -> dict[str, Any]:
    variables = {"keepId": offender_id(keep), "mergeId": offender_id(other)}
    result: dict[str, Any] = (await gql.execute(MERGE, variables, token=token))["mergeOffenders"]
    return result


async def test_merging_moves_links_photos_and_exclusions_to_the_record_kept(
    gql: GraphQLClient, world: World
) -> None:
    keep = await make_offender(world.home, "Red cap")
    other = await make_offender(world.home, "Man in red cap", description="Seen with a dog")
    both = await make_incident(world.home, hours_ago=30, description="both")
    only_keep = await make_incident(world.home, hours_ago=20, description="keep")
    only_other = await make_incident(world.home, hours_ago=2, description="other")
    for incident in (both, only_keep):
        await link(incident, keep)
    for incident in (both, only_other):
        await link(incident, other)
    await OffenderPhoto.create(**photo_row(keep, "a" * 64))
    await OffenderPhoto.create(**photo_row(other, "a" * 64))  # the same photo on both records
    await OffenderPhoto.create(**photo_row(other, "b" * 64))
    await Exclusion.create(offender=other, starts_on=today(), ends_on=add_months(today(), 12), reason="Theft")

    result = await merge(gql, world.token(Role.BID_MANAGER), keep, other)
    assert result["__typename"] == "MergeOffendersSuccess"
    assert result["movedLinks"] == 1
    kept = result["offender"]
    assert kept["id"] == offender_id(keep)
    assert kept["incidentCount"] == 3
    assert kept["status"] == "EXCLUDED"
    assert kept["exclusions"] == [{"reason": "Theft"}]
    assert kept["description"] == "Seen with a dog"  # the kept record had none
    assert kept["lastSeenAt"] == only_other.occurred_at.isoformat()

    assert sorted(
        await OffenderLink.filter(offender_id=keep.id).values_list("incident_id", flat=True)
    ) == sorted([both.id, only_keep.id, only_other.id])
    assert not await OffenderLink.filter(offender_id=other.id).exists()
    assert sorted(await OffenderPhoto.filter(offender_id=keep.id).values_list("sha256", flat=True)) == [
        "a" * 64,
        "b" * 64,
    ]
    merged = await Offender.get(id=other.id)
    assert merged.status == OffenderStatus.ARCHIVED
    assert await Offender.filter(id=other.id, merged_into_id=keep.id).exists()
    # The merged record is gone from every view.
    manager = world.token(Role.BID_MANAGER)
    assert (await gql.execute(OFFENDER, {"id": offender_id(other)}, token=manager))["offender"] is None
    listed = await gql.execute(OFFENDERS, {"bidId": world.home.bid_id}, token=manager)
    assert [edge["node"]["displayName"] for edge in listed["offenders"]["edges"]] == ["Red cap"]
    # ... and cannot be merged again.
    again = await merge(gql, manager, keep, other)
    assert again["__typename"] == "NotFound"


async def test_merging_twice_points_every_old_record_at_the_last_one_kept(
    gql: GraphQLClient, world: World
) -> None:
    first, second, third = [await make_offender(world.home, name) for name in ("one", "two", "three")]
    manager = world.token(Role.BID_MANAGER)
    assert (await merge(gql, manager, second, first))["__typename"] == "MergeOffendersSuccess"
    assert (await merge(gql, manager, third, second))["__typename"] == "MergeOffendersSuccess"
    assert await Offender.filter(merged_into_id=third.id).count() == 2


async def test_a_report_queued_offline_with_a_merged_record_links_the_one_kept(
    gql: GraphQLClient, world: World
) -> None:
    keep = await make_offender(world.home, "Red cap")
    other = await make_offender(world.home, "Man in red cap")
    await merge(gql, world.token(Role.BID_MANAGER), keep, other)
    variables = {"input": report_input(world.home.shop_id(0), offenderIds=[offender_id(other)])}
    data = await gql.execute(REPORT, variables, token=world.token(Role.SHOP_STAFF))
    assert data["reportIncident"]["__typename"] == "ReportIncidentSuccess"
    assert data["reportIncident"]["incident"]["offenders"] == [{"id": offender_id(keep)}]


async def test_merging_is_refused_across_bids_and_with_itself(gql: GraphQLClient, world: World) -> None:
    home = await make_offender(world.home, "Home record")
    away = await make_offender(world.away, "Away record")
    admin = world.token(Role.ADMIN)
    across = await merge(gql, admin, home, away)
    assert across == {
        "__typename": "ValidationError",
        "field": "mergeId",
        "message": "Only records in the same BID's gallery can be merged.",
    }
    itself = await merge(gql, admin, home, home)
    assert itself["__typename"] == "ValidationError"
    # A manager of one BID cannot even see the other record.
    assert (await merge(gql, world.token(Role.BID_MANAGER), home, away))["__typename"] == "NotFound"
    assert not await Offender.filter(merged_into_id__isnull=False).exists()


# Linking


async def link_via_api(
    gql: GraphQLClient, token: str | None, incident: Incident, offender: Offender, document: str = LINK
) -> dict[str, Any]:
    variables = {"incidentId": incident_id(incident), "offenderId": offender_id(offender)}
    data = await gql.execute(document, variables, token=token)
    result: dict[str, Any] = data["linkOffender" if document == LINK else "unlinkOffender"]
    return result


async def test_linking_is_idempotent_and_moves_last_seen(gql: GraphQLClient, world: World) -> None:
    offender = await make_offender(world.home)
    earlier = await make_incident(world.home, hours_ago=5)
    later = await make_incident(world.home, hours_ago=1)
    manager = world.token(Role.BID_MANAGER)
    first = await link_via_api(gql, manager, later, offender)
    assert first["linked"] is True
    assert first["incident"]["offenders"] == [{"id": offender_id(offender)}]
    assert first["offender"]["lastSeenAt"] == later.occurred_at.isoformat()
    again = await link_via_api(gql, manager, later, offender)
    assert again["__typename"] == "LinkOffenderSuccess"
    assert again["linked"] is False
    assert await OffenderLink.filter(offender_id=offender.id).count() == 1
    # An earlier incident does not move the last sighting back.
    assert (await link_via_api(gql, manager, earlier, offender))["offender"]["lastSeenAt"] == (
        later.occurred_at.isoformat()
    )


async def test_unlinking_is_idempotent_and_works_out_last_seen_again(
    gql: GraphQLClient, world: World
) -> None:
    offender = await make_offender(world.home)
    earlier = await make_incident(world.home, hours_ago=5)
    later = await make_incident(world.home, hours_ago=1)
    await link(earlier, offender)
    await link(later, offender)
    manager = world.token(Role.BID_MANAGER)
    removed = await link_via_api(gql, manager, later, offender, UNLINK)
    assert removed["unlinked"] is True
    assert removed["incident"]["offenders"] == []
    assert removed["offender"]["lastSeenAt"] == earlier.occurred_at.isoformat()
    again = await link_via_api(gql, manager, later, offender, UNLINK)
    assert again["__typename"] == "UnlinkOffenderSuccess"
    assert again["unlinked"] is False
    last = await link_via_api(gql, manager, earlier, offender, UNLINK)
    assert last["offender"]["lastSeenAt"] is None


async def test_linking_across_bids_is_refused(gql: GraphQLClient, world: World) -> None:
    offender = await make_offender(world.away)
    incident = await make_incident(world.home)
    result = await link_via_api(gql, world.token(Role.ADMIN), incident, offender)
    assert result == {
        "__typename": "ValidationError",
        "field": "offenderId",
        "message": "Pick an offender from this BID's gallery.",
    }
    assert not await OffenderLink.exists()


async def test_staff_cannot_link_an_archived_record_they_cannot_see(gql: GraphQLClient, world: World) -> None:
    offender = await make_offender(world.home, status=OffenderStatus.ARCHIVED)
    incident = await make_incident(world.home)
    result = await link_via_api(gql, world.token(Role.SHOP_STAFF), incident, offender)
    assert result == {"__typename": "NotFound", "message": "There is no such offender."}


async def test_ids_of_the_wrong_kind_are_not_found(gql: GraphQLClient, world: World) -> None:
    offender = await make_offender(world.home)
    incident = await make_incident(world.home)
    manager = world.token(Role.BID_MANAGER)
    variables = {"incidentId": encode_id("Shop", incident.id), "offenderId": offender_id(offender)}
    assert (await gql.execute(LINK, variables, token=manager))["linkOffender"]["__typename"] == "NotFound"
    variables = {"incidentId": incident_id(incident), "offenderId": "nonsense"}
    assert (await gql.execute(LINK, variables, token=manager))["linkOffender"]["__typename"] == "NotFound"
