"""Making an administrator from the command line; a new grant of the role goes in the audit trail."""

from __future__ import annotations

from tortoise.transactions import in_transaction

from shopwatch.accounts import services
from shopwatch.accounts.models import Membership, Role, User
from shopwatch.core.audit.trail import SYSTEM, record


async def create_admin(email: str, name: str, password: str) -> User:
    """An administrator account, or administrator rights and a new password for an existing one;
    `InvalidInput` for an email, name or password that will not do."""
    async with in_transaction():
        already = await Membership.exists(user__email=services.normalise_email(email), role=Role.ADMIN)
        user = await services.create_admin(email, name, password)
        if not already:
            await record(SYSTEM, "membership.grant", f"User:{user.id}", role=Role.ADMIN.value)
    return user
