"""Taking a role away and closing an account, each with its audit entry in the same transaction.
Whether the viewer may do it is the caller's to check (`accounts.people.may_revoke`)."""

from __future__ import annotations

from tortoise.transactions import in_transaction

from shopwatch.accounts import people
from shopwatch.accounts.models import Membership, User
from shopwatch.actions.acting import Acting
from shopwatch.core.audit.trail import record


async def revoke_membership(by: Acting, membership: Membership) -> Membership:
    """The membership as it was; from the next request its holder no longer has the role, and one
    left with no role at all is logged out everywhere. `NotFoundError` if it has already ended."""
    async with in_transaction():
        left_with_none = await people.revoke_membership(membership)
        await record(
            by.actor,
            "membership.revoke",
            f"User:{membership.user_id}",
            bid_id=membership.bid_id,
            role=membership.role.value,
            shop=membership.shop_id,
            team=membership.team_id,
            sessions_ended=left_with_none,
        )
    return membership


async def deactivate_user(by: Acting, user: User) -> User:
    """Every session of the account ends at once and logging in is refused from now on."""
    async with in_transaction():
        if await people.deactivate_user(user):
            await record(by.actor, "user.deactivate", f"User:{user.id}")
    return user
