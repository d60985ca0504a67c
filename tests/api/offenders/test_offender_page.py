"""What the offender page shows beside the record: alerts about them and possible duplicates (for the
BID's managers, covering police and administrators; null for shop staff), and the ID_SOUGHT status
shop staff are shown so they can help identify someone."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from shopwatch.accounts.models import Role
from shopwatch.alerts.models import Alert, AlertRule
from shopwatch.api.ids import encode_id
from shopwatch.core.clock import now
from shopwatch.offenders.models import Offender, OffenderPhoto, OffenderStatus
from tests.api.offenders.helpers import CREATE, UPDATE, make_offender, offender_id
from tests.api.offenders.test_end_exclusion import END, excluded
from tests.support.graphql import GraphQLClient
from tests.support.queries import counting_queries
from tests.support.world import Town, World

PAGE = """
query Page($id: ID!, $first: Int, $after: String) {
  offender(id: $id) {
    id
    alerts(first: $first, after: $after) {
      edges { cursor node { id summary offender { id } } }
      pageInfo { hasNextPage endCursor }
    }
    possibleDuplicates { id displayName }
  }
}
"""


async def page(gql: GraphQLClient, token: str | None, offender: Offender, **variables: Any) -> Any:
    data = await gql.execute(PAGE, {"id": offender_id(offender), **variables}, token=token)
    return data["offender"]


async def alert_about(town: Town, offender: Offender, summary: str, hours_ago: int) -> Alert:
    moment = now() - timedelta(hours=hours_ago)
    return await Alert.create(
        bid=town.bid,
        rule=AlertRule.REPEAT_OFFENDER,
        summary=summary,
        offender=offender,
        created_at=moment,
        open_until=moment + timedelta(days=7),
    )


async def photo(offender: Offender, perceptual_hash: str) -> None:
    await OffenderPhoto.create(
        offender=offender,
        sha256=f"{offender.id:064d}",
        content_type="image/jpeg",
        original_path="o",
        display_path="d",
        thumbnail_path="t",
        width=1,
        height=1,
        byte_size=1,
        perceptual_hash=perceptual_hash,
    )


@pytest.mark.parametrize(
    ("role", "sees"),
    [(Role.SHOP_STAFF, False), (Role.BID_MANAGER, True), (Role.POLICE, True), (Role.ADMIN, True)],
)
async def test_alerts_and_duplicates_are_for_those_who_see_the_whole_gallery(
    gql: GraphQLClient, world: World, role: Role, sees: bool
) -> None:
    red_cap = await make_offender(world.home, "Red cap")
    again = await make_offender(world.home, "red-cap")
    await alert_about(world.home, red_cap, "3 incidents in 30 days", 1)
    shown = await page(gql, world.token(role), red_cap)
    if not sees:
        assert (shown["alerts"], shown["possibleDuplicates"]) == (None, None)
        return
    assert [edge["node"]["summary"] for edge in shown["alerts"]["edges"]] == ["3 incidents in 30 days"]
    assert shown["possibleDuplicates"] == [{"id": offender_id(again), "displayName": "red-cap"}]


async def test_alerts_newest_first_across_pages_with_those_of_merged_records(
    gql: GraphQLClient, world: World
) -> None:
    kept = await make_offender(world.home, "Kept")
    merged = await make_offender(world.home, "Merged", OffenderStatus.ARCHIVED, merged_into=kept)
    other = await make_offender(world.home, "Someone else")
    await alert_about(world.home, kept, "newest", 1)
    await alert_about(world.home, merged, "middle", 2)
    await alert_about(world.home, kept, "oldest", 3)
    await alert_about(world.home, other, "not theirs", 0)
    token = world.token(Role.BID_MANAGER)
    first = (await page(gql, token, kept, first=2))["alerts"]
    assert [edge["node"]["summary"] for edge in first["edges"]] == ["newest", "middle"]
    assert first["pageInfo"]["hasNextPage"] is True
    rest = (await page(gql, token, kept, first=2, after=first["pageInfo"]["endCursor"]))["alerts"]
    assert [edge["node"]["summary"] for edge in rest["edges"]] == ["oldest"]
    assert rest["pageInfo"]["hasNextPage"] is False


async def test_duplicates_by_photo_or_name_within_the_bid_only(gql: GraphQLClient, world: World) -> None:
    red_cap = await make_offender(world.home, "Red cap")
    await photo(red_cap, "ffff0000ffff0000")
    by_photo = await make_offender(world.home, "Tall man, green coat")
    await photo(by_photo, "ffff0000ffff0001")  # one bit off
    far_photo = await make_offender(world.home, "Short woman")
    await photo(far_photo, "0000ffff0000ffff")
    by_name = await make_offender(world.home, "RED CAP")
    merged_away = await make_offender(world.home, "Red Cap", OffenderStatus.ARCHIVED, merged_into=red_cap)
    archived = await make_offender(world.home, "red cap.", OffenderStatus.ARCHIVED)
    away = await make_offender(world.away, "Red cap")
    await photo(away, "ffff0000ffff0000")

    shown = await page(gql, world.token(Role.BID_MANAGER), red_cap)
    ids = [row["id"] for row in shown["possibleDuplicates"]]
    assert ids == [offender_id(by_photo), offender_id(by_name), offender_id(archived)]
    assert offender_id(merged_away) not in ids and offender_id(away) not in ids
    assert offender_id(far_photo) not in ids
    # An administrator sees the away record's duplicates from its own BID only: none.
    assert (await page(gql, world.token(Role.ADMIN), away))["possibleDuplicates"] == []


async def test_another_bids_offender_is_out_of_reach(gql: GraphQLClient, world: World) -> None:
    away = await make_offender(world.away, "Red cap")
    await alert_about(world.away, away, "away alert", 1)
    assert await page(gql, world.token(Role.BID_MANAGER), away) is None


async def test_duplicates_for_a_page_of_offenders_cost_the_same_whatever_its_size(
    gql: GraphQLClient, world: World
) -> None:
    for n in range(30):
        offender = await make_offender(
            world.home, f"offender {n % 10}", last_seen_at=now() - timedelta(hours=n)
        )
        await photo(offender, f"{n:016x}")
    document = """query Q($bidId: ID!, $first: Int) {
      offenders(bidId: $bidId, first: $first) { edges { node { id possibleDuplicates { id } } } }
    }"""

    async def cost(first: int) -> int:
        with counting_queries() as statements:
            data = await gql.execute(
                document, {"bidId": world.home.bid_id, "first": first}, token=world.token(Role.BID_MANAGER)
            )
        assert len(data["offenders"]["edges"]) == first
        assert all(edge["node"]["possibleDuplicates"] for edge in data["offenders"]["edges"])
        return len(statements)

    assert await cost(3) == await cost(30)


async def test_an_id_sought_record_is_shown_to_shop_staff(gql: GraphQLClient, world: World) -> None:
    data = await gql.execute(
        CREATE,
        {
            "input": {
                "bidId": world.home.bid_id,
                "displayName": "Unknown man, grey hoodie",
                "status": "ID_SOUGHT",
            }
        },
        token=world.token(Role.BID_MANAGER),
    )
    created = data["createOffender"]["offender"]
    assert created["status"] == "ID_SOUGHT"
    gallery = await gql.execute(
        "query G($bidId: ID!) { offenders(bidId: $bidId) { edges { node { id status } } } }",
        {"bidId": world.home.bid_id},
        token=world.token(Role.SHOP_STAFF),
    )
    assert {"id": created["id"], "status": "ID_SOUGHT"} in [e["node"] for e in gallery["offenders"]["edges"]]
    # Identified: back to ACTIVE; and a known record may be marked ID_SOUGHT again.
    for status in ("ACTIVE", "ID_SOUGHT"):
        updated = await gql.execute(
            UPDATE,
            {"input": {"offenderId": created["id"], "status": status}},
            token=world.token(Role.BID_MANAGER),
        )
        assert updated["updateOffender"]["offender"]["status"] == status


@pytest.mark.parametrize("status", ["EXCLUDED", "ARCHIVED"])
async def test_a_new_record_is_active_or_id_sought(gql: GraphQLClient, world: World, status: str) -> None:
    data = await gql.execute(
        CREATE,
        {"input": {"bidId": world.home.bid_id, "displayName": "Blue coat", "status": status}},
        token=world.token(Role.BID_MANAGER),
    )
    assert data["createOffender"] == {
        "__typename": "ValidationError",
        "field": "status",
        "message": "A new record is ACTIVE or ID_SOUGHT; issue an exclusion to exclude.",
    }
    assert not await Offender.exists(display_name="Blue coat")


async def test_an_id_sought_record_under_an_exclusion_is_excluded_then_active_when_it_ends(
    gql: GraphQLClient, world: World
) -> None:
    exclusion = await excluded(world.home)
    token = world.token(Role.BID_MANAGER)
    marked = await gql.execute(
        UPDATE,
        {
            "input": {
                "offenderId": offender_id(await Offender.get(id=exclusion.offender_id)),
                "status": "ID_SOUGHT",
            }
        },
        token=token,
    )
    assert marked["updateOffender"]["offender"]["status"] == "EXCLUDED"
    ended = await gql.execute(
        END,
        {"input": {"exclusionId": encode_id("Exclusion", exclusion.id), "reason": "Identified."}},
        token=token,
    )
    assert ended["endExclusion"]["offender"]["status"] == "ACTIVE"
