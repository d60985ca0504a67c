"""Ending an exclusion early: who may, what it changes (the notice stops today, the offender is ACTIVE
again unless another notice is in force), every refusal, and its audit entry."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from shopwatch.accounts.models import Role
from shopwatch.api.ids import encode_id
from shopwatch.core.audit.models import AuditEntry
from shopwatch.offenders.exclusions import refresh_status, today
from shopwatch.offenders.models import Exclusion, Offender, OffenderStatus
from tests.api.offenders.helpers import EVERY_VIEWER, RESULT_MEMBERS, make_offender, offender_id
from tests.support.graphql import GraphQLClient
from tests.support.world import Town, World

END = f"""
mutation End($input: EndExclusionInput!) {{
  endExclusion(input: $input) {{
    __typename
    ... on EndExclusionSuccess {{
      exclusion {{ id startsOn endsOn inForce endedAt endReason reason }}
      offender {{ id status exclusion {{ id inForce }} }}
    }}
    {RESULT_MEMBERS}
  }}
}}
"""


async def excluded(
    town: Town, name: str = "Red cap", *, days_in: int = 30, days_left: int = 300
) -> Exclusion:
    """A record under a notice in force today, its stored status EXCLUDED as issuing leaves it."""
    offender = await make_offender(town, name)
    exclusion = await Exclusion.create(
        offender=offender,
        starts_on=today() - timedelta(days=days_in),
        ends_on=today() + timedelta(days=days_left),
        reason="Repeated thefts.",
    )
    await refresh_status(offender.id)
    return exclusion


def _end(exclusion: Exclusion, reason: str = "Moved out of the area.") -> dict[str, object]:
    return {"input": {"exclusionId": encode_id("Exclusion", exclusion.id), "reason": reason}}


def expected(role: Role | None, town: str) -> str:
    if role is None:
        return "PermissionDenied"
    if town == "away" and role != Role.ADMIN:
        return "NotFound"
    if role in (Role.BID_MANAGER, Role.ADMIN):
        return "EndExclusionSuccess"
    return "PermissionDenied"  # shop staff and police see the notice but do not keep the scheme


@pytest.mark.parametrize(("role", "town"), EVERY_VIEWER)
async def test_who_may_end_an_exclusion(
    gql: GraphQLClient, world: World, role: Role | None, town: str
) -> None:
    exclusion = await excluded(world.home)
    data = await gql.execute(END, _end(exclusion), token=world.token(role, town))
    result = data["endExclusion"]
    assert result["__typename"] == expected(role, town), result
    ended = result["__typename"] == "EndExclusionSuccess"
    stored = await Exclusion.get(id=exclusion.id)
    assert (stored.ended_at is not None) is ended
    assert (await Offender.get(id=exclusion.offender_id)).status == (
        OffenderStatus.ACTIVE if ended else OffenderStatus.EXCLUDED
    )
    assert await AuditEntry.filter(action="exclusion.end").count() == (1 if ended else 0)


async def test_the_notice_stops_today_and_the_offender_is_active_again(
    gql: GraphQLClient, world: World
) -> None:
    exclusion = await excluded(world.home)
    data = await gql.execute(
        END, _end(exclusion, "  Moved out of the area.  "), token=world.token(Role.BID_MANAGER)
    )
    result = data["endExclusion"]
    yesterday = (today() - timedelta(days=1)).isoformat()
    assert result["exclusion"]["endsOn"] == yesterday
    assert result["exclusion"]["inForce"] is False
    assert result["exclusion"]["endReason"] == "Moved out of the area."
    assert result["exclusion"]["reason"] == "Repeated thefts."
    assert result["exclusion"]["endedAt"] is not None
    assert result["offender"]["status"] == "ACTIVE"
    assert result["offender"]["exclusion"] == {"id": result["exclusion"]["id"], "inForce": False}
    entry = await AuditEntry.get(action="exclusion.end")
    assert entry.subject == f"Offender:{exclusion.offender_id}"
    assert entry.actor == world.home.users[Role.BID_MANAGER].email
    assert json.loads(entry.detail) == {
        "exclusion": exclusion.id,
        "ends_on": yesterday,
        "issued_ends_on": exclusion.ends_on.isoformat(),
    }
    # Staff see the notice ended in the gallery.
    staff_view = await gql.execute(
        "query Q($id: ID!) { offender(id: $id) { status exclusions { endReason endedAt } } }",
        {"id": offender_id(await Offender.get(id=exclusion.offender_id))},
        token=world.token(Role.SHOP_STAFF),
    )
    assert staff_view["offender"]["status"] == "ACTIVE"
    assert staff_view["offender"]["exclusions"][0]["endReason"] == "Moved out of the area."


async def test_another_notice_in_force_keeps_the_offender_excluded(gql: GraphQLClient, world: World) -> None:
    first = await excluded(world.home)
    await Exclusion.create(
        offender_id=first.offender_id,
        starts_on=today() - timedelta(days=5),
        ends_on=today() + timedelta(days=100),
        reason="Assault.",
    )
    data = await gql.execute(END, _end(first), token=world.token(Role.BID_MANAGER))
    assert data["endExclusion"]["offender"]["status"] == "EXCLUDED"
    assert (await Offender.get(id=first.offender_id)).status == OffenderStatus.EXCLUDED


async def test_a_notice_not_yet_begun_is_ended_before_its_first_day(gql: GraphQLClient, world: World) -> None:
    offender = await make_offender(world.home)
    later = await Exclusion.create(
        offender=offender,
        starts_on=today() + timedelta(days=10),
        ends_on=today() + timedelta(days=200),
        reason="Thefts.",
    )
    data = await gql.execute(END, _end(later), token=world.token(Role.BID_MANAGER))
    result = data["endExclusion"]
    assert result["exclusion"]["endsOn"] == (today() + timedelta(days=9)).isoformat()
    assert result["offender"]["status"] == "ACTIVE"


async def test_an_id_sought_record_ended_is_active(gql: GraphQLClient, world: World) -> None:
    exclusion = await excluded(world.home)
    await Offender.filter(id=exclusion.offender_id).update(status=OffenderStatus.ID_SOUGHT)
    await refresh_status(exclusion.offender_id)
    data = await gql.execute(END, _end(exclusion), token=world.token(Role.BID_MANAGER))
    assert data["endExclusion"]["offender"]["status"] == "ACTIVE"


async def test_a_notice_already_ended_or_run_out_is_refused(gql: GraphQLClient, world: World) -> None:
    exclusion = await excluded(world.home)
    token = world.token(Role.BID_MANAGER)
    await gql.execute(END, _end(exclusion), token=token)
    again = await gql.execute(END, _end(exclusion), token=token)
    assert again["endExclusion"] == {
        "__typename": "ValidationError",
        "field": "exclusionId",
        "message": "This exclusion has already been ended.",
    }
    past = await excluded(world.home, "Blue coat", days_in=400, days_left=-40)
    data = await gql.execute(END, _end(past), token=token)
    assert data["endExclusion"] == {
        "__typename": "ValidationError",
        "field": "exclusionId",
        "message": "This exclusion has already run out.",
    }
    assert (await Exclusion.get(id=past.id)).ended_at is None
    assert await AuditEntry.filter(action="exclusion.end").count() == 1


@pytest.mark.parametrize("reason", ["", "   ", "x" * 2001])
async def test_a_reason_that_cannot_be_kept_is_refused(gql: GraphQLClient, world: World, reason: str) -> None:
    exclusion = await excluded(world.home)
    data = await gql.execute(END, _end(exclusion, reason), token=world.token(Role.BID_MANAGER))
    assert data["endExclusion"] == {
        "__typename": "ValidationError",
        "field": "reason",
        "message": "Give the reason for ending it in 1 to 2,000 characters.",
    }
    assert (await Exclusion.get(id=exclusion.id)).ended_at is None


async def test_staff_cannot_reach_a_notice_of_a_record_they_cannot_see(
    gql: GraphQLClient, world: World
) -> None:
    exclusion = await excluded(world.home)
    await Offender.filter(id=exclusion.offender_id).update(status=OffenderStatus.ARCHIVED)
    data = await gql.execute(END, _end(exclusion), token=world.token(Role.SHOP_STAFF))
    assert data["endExclusion"] == {"__typename": "NotFound", "message": "There is no such exclusion."}


@pytest.mark.parametrize("key", ["nonsense", encode_id("Offender", 1), encode_id("Exclusion", 999999)])
async def test_an_exclusion_that_does_not_exist_is_not_found(
    gql: GraphQLClient, world: World, key: str
) -> None:
    data = await gql.execute(
        END, {"input": {"exclusionId": key, "reason": "Gone."}}, token=world.token(Role.ADMIN)
    )
    assert data["endExclusion"]["__typename"] == "NotFound"
