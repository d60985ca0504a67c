"""Changing BIDs, shops and neighbourhood teams, each change with its audit entry in the same
transaction. Whether the viewer may make the change is the caller's to check."""

from __future__ import annotations

from tortoise.transactions import in_transaction

from shopwatch.accounts.people import withdraw_shop_invites
from shopwatch.actions.acting import Acting
from shopwatch.core.audit.trail import record
from shopwatch.places import services
from shopwatch.places.models import Bid, NeighbourhoodTeam, Shop


async def set_offender_retention(by: Acting, bid_id: int, months: int) -> Bid:
    """`NotFoundError` for no such BID, `InvalidInput` for a period out of range."""
    async with in_transaction():
        bid = await services.set_offender_retention(await services.get_bid(bid_id), months)
        await record(
            by.actor,
            "retention.update",
            f"Bid:{bid.id}",
            bid_id=bid.id,
            months=bid.offender_retention_months,
        )
    return bid


async def rename_bid(by: Acting, bid_id: int, name: str) -> Bid:
    """`NotFoundError` for no such BID, `InvalidInput` for a name that will not do."""
    return await update_bid(by, bid_id, name=name)


async def update_bid(
    by: Acting, bid_id: int, *, name: str | None = None, staff_may_refer_to_police: bool | None = None
) -> Bid:
    """Only what is given changes; one audit entry naming the fields that did. `NotFoundError` for
    no such BID, `InvalidInput` for a name that will not do."""
    async with in_transaction():
        bid = await services.get_bid(bid_id)
        changed = []
        if name is not None and await services.rename_bid(bid, name):
            changed.append("name")
        if staff_may_refer_to_police is not None and await services.set_staff_referral(
            bid, staff_may_refer_to_police
        ):
            changed.append("staffMayReferToPolice")
        if changed:
            await record(
                by.actor,
                "bid.update",
                f"Bid:{bid.id}",
                bid_id=bid.id,
                fields=changed,
                **(
                    {"staff_may_refer_to_police": bid.staff_may_refer_to_police}
                    if "staffMayReferToPolice" in changed
                    else {}
                ),
            )
    return bid


async def update_shop(by: Acting, shop: Shop, changes: services.ShopChanges) -> Shop:
    """Only what is given changes; `InvalidInput` for a value that will not do (or a name another
    of the BID's shops has). Closing a shop withdraws the invitations to it still open (reopening
    does not bring them back). Closing or reopening is in the entry's detail."""
    async with in_transaction():
        changed = await services.update_shop(shop, changes)
        withdrawn = 0
        if shop.closed_at is not None and "closed_at" in changed:
            withdrawn = await withdraw_shop_invites(shop.id)
        if changed:
            await record(
                by.actor,
                "shop.update",
                f"Shop:{shop.id}",
                bid_id=shop.bid_id,
                fields=changed,
                closed=shop.closed_at is not None,
                invitations_withdrawn=withdrawn,
            )
    return shop


async def update_team(by: Acting, team_id: int, changes: services.TeamChanges) -> NeighbourhoodTeam:
    """`NotFoundError` for no such team, `InvalidInput` for a value that will not do."""
    async with in_transaction():
        team = await services.get_team(team_id)
        update = await services.update_team(team, changes)
        if update.changed:
            await record(
                by.actor,
                "team.update",
                f"NeighbourhoodTeam:{team.id}",
                fields=update.changed,
                added_bids=update.added_bids,
                removed_bids=update.removed_bids,
            )
    return team
