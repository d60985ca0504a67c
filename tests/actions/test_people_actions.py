"""Changing places and people, called directly as a script would: each change writes its audit entry
in its own transaction, a refused one writes none, and the effects reach sessions at once."""

from __future__ import annotations

import asyncio
import json

import pytest

from shopwatch.accounts.models import Membership, Role, Session
from shopwatch.accounts.sessions import viewer_for_token
from shopwatch.actions.people import deactivate_user, revoke_membership
from shopwatch.actions.places import rename_bid, update_shop, update_team
from shopwatch.core.audit.models import AuditEntry
from shopwatch.core.errors import InvalidInput, NotFoundError
from shopwatch.places.models import Shop
from shopwatch.places.services import ShopChanges, TeamChanges
from shopwatch.settings import Settings
from tests.actions import acting, audit_actions
from tests.support.world import World

ADMIN = "admin@example.org"
MANAGER = "bid_manager@home.example.org"


async def test_a_shop_change_and_its_entry_go_together(world: World, settings: Settings) -> None:
    manager = await acting(world, settings, Role.BID_MANAGER)
    shop = world.home.shops[0]
    await update_shop(manager, shop, ShopChanges(address="3 Market Square", closed=True))
    stored = await Shop.get(id=shop.id)
    assert (stored.address, stored.closed_at is not None) == ("3 Market Square", True)
    assert await audit_actions(f"Shop:{shop.id}") == [("shop.update", MANAGER)]

    with pytest.raises(InvalidInput) as refused:
        await update_shop(manager, stored, ShopChanges(address="4 Market Square", name="Home Shop 2"))
    assert refused.value.field == "name"
    assert (await Shop.get(id=shop.id)).address == "3 Market Square"
    assert (stored.name, stored.address) == ("Home Shop 1", "3 Market Square")  # nor in memory
    assert await audit_actions(f"Shop:{shop.id}") == [("shop.update", MANAGER)]


async def test_renaming_and_team_changes_are_audited(world: World, settings: Settings) -> None:
    admin = await acting(world, settings, Role.ADMIN)
    await rename_bid(admin, world.home.bid.id, "Home Town BID")
    await update_team(admin, world.home.team.id, TeamChanges(bid_ids=[world.home.bid.id, world.away.bid.id]))
    assert await audit_actions(f"Bid:{world.home.bid.id}") == [("bid.update", ADMIN)]
    assert await audit_actions(f"NeighbourhoodTeam:{world.home.team.id}") == [("team.update", ADMIN)]
    with pytest.raises(NotFoundError):
        await rename_bid(admin, 999_999, "Nowhere")
    with pytest.raises(NotFoundError):
        await update_team(admin, 999_999, TeamChanges(name="Nobody"))
    with pytest.raises(InvalidInput):
        await update_team(admin, world.home.team.id, TeamChanges(bid_ids=[world.home.bid.id, 999_999]))
    assert [bid.id for bid in await world.home.team.bids.all().order_by("id")] == sorted(
        [world.home.bid.id, world.away.bid.id]
    )
    assert await AuditEntry.all().count() == 2


async def test_revoking_the_last_membership_ends_every_session(world: World, settings: Settings) -> None:
    admin = await acting(world, settings, Role.ADMIN)
    token = world.token(Role.POLICE)
    assert token is not None and await viewer_for_token(token) is not None
    membership = await Membership.get(user=world.home.users[Role.POLICE])
    await revoke_membership(admin, membership)
    assert await viewer_for_token(token) is None
    assert not await Session.exists(user=world.home.users[Role.POLICE], revoked_at__isnull=True)
    assert await audit_actions(f"User:{membership.user_id}") == [("membership.revoke", ADMIN)]


async def test_deactivating_ends_every_session_once(world: World, settings: Settings) -> None:
    admin = await acting(world, settings, Role.ADMIN)
    manager = world.home.users[Role.BID_MANAGER]
    await deactivate_user(admin, manager)
    await deactivate_user(admin, manager)
    token = world.token(Role.BID_MANAGER)
    assert token is not None and await viewer_for_token(token) is None
    assert await audit_actions(f"User:{manager.id}") == [("user.deactivate", ADMIN)]


async def test_two_revocations_at_once_of_someones_last_roles_still_end_their_sessions(
    world: World, settings: Settings
) -> None:
    admin = await acting(world, settings, Role.ADMIN)
    manager = await acting(world, settings, Role.BID_MANAGER)
    staff = world.home.users[Role.SHOP_STAFF]
    second = await Membership.create(
        user=staff, role=Role.SHOP_STAFF, bid=world.home.bid, shop=world.home.shops[1]
    )
    first = await Membership.get(user=staff, shop=world.home.shops[0])
    await asyncio.gather(revoke_membership(admin, first), revoke_membership(manager, second))
    assert not await Membership.exists(user=staff)
    token = world.token(Role.SHOP_STAFF)
    assert token is not None and await viewer_for_token(token) is None
    ended = [json.loads(entry.detail)["sessions_ended"] for entry in await AuditEntry.all()]
    assert sorted(ended) == [False, True]


async def test_a_membership_ended_a_moment_ago_is_not_ended_again(world: World, settings: Settings) -> None:
    admin = await acting(world, settings, Role.ADMIN)
    membership = await Membership.get(user=world.home.users[Role.POLICE])
    await revoke_membership(admin, membership)
    with pytest.raises(NotFoundError):
        await revoke_membership(admin, membership)
    assert await AuditEntry.all().count() == 1
