"""Helpers for calling actions as a script would: a user of the test world, acting with no request."""

from __future__ import annotations

from datetime import date, timedelta

from shopwatch.accounts.models import Role
from shopwatch.actions.acting import Acting, acting_as
from shopwatch.core.audit.models import AuditEntry
from shopwatch.core.mail.models import OutboxEmail
from shopwatch.offenders.models import Exclusion, Offender
from shopwatch.settings import Settings
from tests.support.world import World


async def acting(world: World, settings: Settings, role: Role, town: str = "home") -> Acting:
    user = world.admin if role == Role.ADMIN else (world.home if town == "home" else world.away).users[role]
    return await acting_as(user, settings)


async def excluded_offender(world: World, name: str = "Dave Excluded") -> Offender:
    """A home gallery record under an exclusion running today: any incident naming them is a breach."""
    offender = await Offender.create(bid=world.home.bid, display_name=name, description="Red cap")
    await Exclusion.create(
        offender=offender,
        starts_on=date.today() - timedelta(days=30),
        ends_on=date.today() + timedelta(days=300),
        reason="Shoplifting",
    )
    return offender


async def audit_actions(subject: str) -> list[tuple[str, str]]:
    """(action, actor) of each audit entry about `subject`, oldest first."""
    rows = await AuditEntry.filter(subject=subject).order_by("id").values_list("action", "actor")
    return [(str(action), str(actor)) for action, actor in rows]


async def emails_to(address: str) -> list[str]:
    """The subjects of the outbox rows addressed to `address`."""
    return [str(s) for s in await OutboxEmail.filter(to_address=address).values_list("subject", flat=True)]
