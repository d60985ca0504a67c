"""Reading the audit trail in the app: administrators see every entry, newest first, filtered by
person, action, BID and time; everyone else sees none; `auditChain` gives what `shopwatch audit
verify` gives."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from tortoise import connections

from shopwatch.accounts.models import Role
from shopwatch.api.ids import encode_id
from shopwatch.core.audit.models import AuditEntry
from shopwatch.core.audit.trail import verify_chain
from tests.support.graphql import GraphQLClient
from tests.support.world import World

NOT_ADMINS = [Role.SHOP_STAFF, Role.BID_MANAGER, Role.POLICE]

ENTRIES = """
query ($filter: AuditEntryFilter, $first: Int, $after: String) {
  auditEntries(filter: $filter, first: $first, after: $after) {
    edges { node { id at actor action subject detail address actorUser { email } bid { slug } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""

CHAIN = "{ auditChain { intact entries firstBrokenId head message } }"

RENAME_BID = """
mutation ($input: UpdateBidInput!) { updateBid(input: $input) { __typename } }
"""
UPDATE_SHOP = """
mutation ($input: UpdateShopInput!) { updateShop(input: $input) { __typename } }
"""


async def changes(gql: GraphQLClient, world: World) -> None:
    """Three entries: the admin renames the away BID, then each town's manager closes a shop."""
    renamed = await gql.execute(
        RENAME_BID, {"input": {"bidId": world.away.bid_id, "name": "Away Town"}}, token=world.admin_token
    )
    assert renamed["updateBid"]["__typename"] == "UpdateBidSuccess"
    for town in ("home", "away"):
        shop_id = (world.home if town == "home" else world.away).shop_id(1)
        token = world.token(Role.BID_MANAGER, town)
        closed = await gql.execute(UPDATE_SHOP, {"input": {"shopId": shop_id, "closed": True}}, token=token)
        assert closed["updateShop"]["__typename"] == "UpdateShopSuccess"


async def entries(gql: GraphQLClient, token: str | None, **variables: Any) -> dict[str, Any]:
    return dict((await gql.execute(ENTRIES, variables, token=token))["auditEntries"])


def actions(page: dict[str, Any]) -> list[tuple[str, str | None, str | None]]:
    return [
        (
            edge["node"]["action"],
            (edge["node"]["actorUser"] or {}).get("email"),
            (edge["node"]["bid"] or {}).get("slug"),
        )
        for edge in page["edges"]
    ]


async def test_admins_see_every_entry_newest_first(gql: GraphQLClient, world: World) -> None:
    await changes(gql, world)
    page = await entries(gql, world.admin_token)
    assert actions(page) == [
        ("shop.update", "bid_manager@away.example.org", "away"),
        ("shop.update", "bid_manager@home.example.org", "home"),
        ("bid.update", "admin@example.org", "away"),
    ]
    newest = page["edges"][0]["node"]
    stored = await AuditEntry.all().order_by("-id").first()
    assert stored is not None
    assert newest["id"] == encode_id("AuditEntry", stored.id)
    assert newest["actor"] == "bid_manager@away.example.org"
    assert newest["subject"] == f"Shop:{world.away.shops[1].id}"
    assert newest["detail"] == '{"closed":true,"fields":["closed_at"],"invitations_withdrawn":0}'
    assert newest["address"] == stored.address
    assert newest["at"].endswith("+00:00")


async def test_entries_filter_by_person_action_bid_and_time(gql: GraphQLClient, world: World) -> None:
    await changes(gql, world)
    admin = world.admin_token
    home_manager = encode_id("User", world.home.users[Role.BID_MANAGER].id)
    assert actions(await entries(gql, admin, filter={"actorId": home_manager})) == [
        ("shop.update", "bid_manager@home.example.org", "home")
    ]
    assert [a for a, _, _ in actions(await entries(gql, admin, filter={"action": "bid.update"}))] == [
        "bid.update"
    ]
    assert actions(await entries(gql, admin, filter={"bidId": world.away.bid_id})) == [
        ("shop.update", "bid_manager@away.example.org", "away"),
        ("bid.update", "admin@example.org", "away"),
    ]
    both = {"bidId": world.away.bid_id, "action": "shop.update"}
    assert len((await entries(gql, admin, filter=both))["edges"]) == 1

    stored = await AuditEntry.all().order_by("id")
    first, last = stored[0].at, stored[-1].at
    within = {"from": first.isoformat(), "to": (last + timedelta(seconds=1)).isoformat()}
    assert len((await entries(gql, admin, filter=within))["edges"]) == 3
    up_to_the_last = {"from": first.isoformat(), "to": last.isoformat()}
    assert len((await entries(gql, admin, filter=up_to_the_last))["edges"]) == len(
        [entry for entry in stored if entry.at < last]
    )
    after = {"from": (last + timedelta(seconds=1)).isoformat()}
    assert (await entries(gql, admin, filter=after))["edges"] == []
    before = {"to": first.isoformat()}
    assert (await entries(gql, admin, filter=before))["edges"] == []


async def test_a_filter_naming_no_one_finds_nothing(gql: GraphQLClient, world: World) -> None:
    await changes(gql, world)
    for wanted in (
        {"actorId": "nonsense"},
        {"actorId": world.home.bid_id},  # an id of another kind
        {"bidId": encode_id("Bid", 999_999)},
        {"action": "no.such.action"},
    ):
        assert (await entries(gql, world.admin_token, filter=wanted))["edges"] == []


async def test_entries_come_a_page_at_a_time(gql: GraphQLClient, world: World) -> None:
    await changes(gql, world)
    first = await entries(gql, world.admin_token, first=2)
    assert first["pageInfo"]["hasNextPage"] is True
    rest = await entries(gql, world.admin_token, first=2, after=first["pageInfo"]["endCursor"])
    assert rest["pageInfo"]["hasNextPage"] is False
    assert actions(first) + actions(rest) == actions(await entries(gql, world.admin_token))


@pytest.mark.parametrize("role", NOT_ADMINS)
@pytest.mark.parametrize("town", ["home", "away"])
async def test_no_one_else_sees_any_entry(gql: GraphQLClient, world: World, role: Role, town: str) -> None:
    await changes(gql, world)
    token = world.token(role, town)
    assert (await entries(gql, token))["edges"] == []
    own_bid = world.home.bid_id if town == "home" else world.away.bid_id
    assert (await entries(gql, token, filter={"bidId": own_bid}))["edges"] == []
    assert await gql.errors(CHAIN, token=token) == ["Only an administrator can check the audit trail."]


async def test_logged_out_sees_neither(gql: GraphQLClient, world: World) -> None:
    assert await gql.errors(ENTRIES) == ["Log in to see this."]
    assert await gql.errors(CHAIN) == ["Log in to see this."]


async def test_the_chain_check_gives_what_the_command_gives(gql: GraphQLClient, world: World) -> None:
    await changes(gql, world)
    intact = (await gql.execute(CHAIN, token=world.admin_token))["auditChain"]
    expected = await verify_chain()
    assert intact == {
        "intact": True,
        "entries": 3,
        "firstBrokenId": None,
        "head": expected.head,
        "message": expected.message,
    }
    assert intact["message"].startswith("The audit trail is intact: 3 entries.")

    second = (await AuditEntry.all().order_by("id"))[1]
    await connections.get("default").execute_query(
        "UPDATE audit_entry SET detail = '{}' WHERE id = " + str(second.id)
    )
    broken = (await gql.execute(CHAIN, token=world.admin_token))["auditChain"]
    assert broken["intact"] is False
    assert broken["entries"] == 1
    assert broken["firstBrokenId"] == encode_id("AuditEntry", second.id)
    assert broken["message"] == (await verify_chain()).message
    assert broken["message"].startswith(f"The audit trail is broken at entry {second.id}:")
