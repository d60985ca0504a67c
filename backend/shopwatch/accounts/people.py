"""A BID's people and everyone's accounts: who belongs where, ending a membership, closing an account."""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar

from tortoise.expressions import Q
from tortoise.models import Model
from tortoise.queryset import QuerySet

from shopwatch.accounts.models import Invite, Membership, Role, User
from shopwatch.accounts.sessions import revoke_all_sessions
from shopwatch.accounts.viewer import Viewer
from shopwatch.core.clock import now
from shopwatch.core.errors import NotFoundError

# The roles a BID's managers may take away, as they may give them (see `MayInvite`).
MANAGERS_REVOKE = frozenset({Role.SHOP_STAFF, Role.BID_MANAGER})
MAX_SEARCH = 200
NO_SUCH_MEMBERSHIP = "There is no such membership."

M = TypeVar("M", bound=Model)


def page_after(query: QuerySet[M], after: tuple[datetime, int] | None, size: int) -> QuerySet[M]:
    """Newest first, by (created_at, id), continuing after a cursor."""
    if after is not None:
        created_at, pk = after
        query = query.filter(Q(created_at__lt=created_at) | Q(created_at=created_at, id__lt=pk))
    return query.order_by("-created_at", "-id").limit(size + 1)


def bid_members(bid_id: int) -> QuerySet[Membership]:
    return Membership.filter(bid_id=bid_id)


def pending_invites(bid_id: int) -> QuerySet[Invite]:
    """Invitations to the BID not yet accepted and not expired."""
    return pending_invites_to(Invite.filter(bid_id=bid_id))


async def withdraw_shop_invites(shop_id: int) -> int:
    """End the open invitations to a shop (it has closed); how many there were."""
    return await pending_invites_to(Invite.filter(shop_id=shop_id)).update(expires_at=now())


def pending_invites_to(query: QuerySet[Invite]) -> QuerySet[Invite]:
    return query.filter(accepted_at__isnull=True, expires_at__gt=now())


def users_matching(search: str | None) -> QuerySet[User]:
    """Every account, or those whose name or email contains `search` (any case)."""
    query = User.all()
    text = (search or "").strip()[:MAX_SEARCH]
    if text:
        query = query.filter(Q(name__icontains=text) | Q(email__icontains=text.lower()))
    return query


def may_revoke(viewer: Viewer, membership: Membership) -> bool:
    """Administrators, and the BID's managers for its shop staff and managers; never one's own."""
    if membership.user_id == viewer.user.id:
        return False
    if viewer.is_admin:
        return True
    return (
        membership.role in MANAGERS_REVOKE
        and membership.bid_id is not None
        and membership.bid_id in viewer.managed_bid_ids
    )


async def revoke_membership(membership: Membership) -> bool:
    """End the membership; a user left with none has every session ended too. True if the user
    was left with none; `NotFoundError` if it has already ended. (Scope is worked out from
    memberships on every request, so the role is gone from the next one.) Run it in a transaction:
    locking the account makes two revocations of the same person take turns, so the one that
    removes the last role sees that it did."""
    await User.filter(id=membership.user_id).select_for_update().first()
    if not await Membership.filter(id=membership.id).delete():
        raise NotFoundError(NO_SUCH_MEMBERSHIP)  # ended a moment ago by someone else
    if await Membership.exists(user_id=membership.user_id):
        return False
    await revoke_all_sessions(membership.user_id)
    return True


async def deactivate_user(user: User) -> bool:
    """Close the account: every session ends at once and logging in is refused. True if it was
    active until now."""
    changed = await User.filter(id=user.id, is_active=True).update(is_active=False)
    user.is_active = False
    await revoke_all_sessions(user.id)
    return bool(changed)
