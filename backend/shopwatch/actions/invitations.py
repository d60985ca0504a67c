"""Invitations: offering a role (the invitation, its email and its audit entry together) and
accepting one (the account, the membership, a session and the grant's audit entry together)."""

from __future__ import annotations

from tortoise.transactions import in_transaction

from shopwatch.accounts import services
from shopwatch.accounts.models import Invite, Membership, Role
from shopwatch.actions.acting import Acting
from shopwatch.core.audit.trail import Actor, record
from shopwatch.places.services import invite_target


async def invite_user(
    by: Acting, email: str, role: Role, bid_id: int, shop_id: int | None = None, team_id: int | None = None
) -> Invite:
    """`NotFoundError` for a BID out of the inviter's reach, `InvalidInput` for a place or an email
    that does not fit the role. Whether the inviter may offer the role is the caller's to check."""
    target = await invite_target(by.viewer, role, bid_id, shop_id, team_id)
    async with in_transaction():
        invite = await services.invite_user(by.user, email, target, by.settings)
        await record(
            by.actor,
            "invite.create",
            f"Bid:{target.bid_id}",
            bid_id=target.bid_id,
            email=invite.email,
            role=target.role.value,
            shop=target.shop_id,
            team=target.team_id,
        )
    return invite


async def accept_invite(
    token: str, name: str, password: str, address: str, user_agent: str = ""
) -> services.Authenticated:
    """`InvalidInput` for a name or password that will not do, `AuthFailed` for a link that is not
    valid (or an existing account's wrong password)."""
    async with in_transaction():
        authenticated = await services.accept_invite(token, name, password, user_agent)
        user = authenticated.user
        membership = await Membership.filter(user_id=user.id).order_by("-id").first()
        assert membership is not None
        await record(
            Actor(user.id, user.email, address),
            "membership.grant",
            f"User:{user.id}",
            bid_id=membership.bid_id,
            role=membership.role.value,
            bid=membership.bid_id,
            shop=membership.shop_id,
            team=membership.team_id,
        )
    return authenticated
