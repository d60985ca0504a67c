"""Issuing an exclusion notice, with its audit entry in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.transactions import in_transaction

from shopwatch.actions.acting import Acting
from shopwatch.core.audit.trail import record
from shopwatch.offenders import exclusions
from shopwatch.offenders.models import Exclusion, Offender


@dataclass(frozen=True)
class IssuedExclusion:
    exclusion: Exclusion
    offender: Offender  # reloaded: now EXCLUDED while the notice runs


async def issue_exclusion(
    by: Acting, offender: Offender, notice: exclusions.ExclusionNotice
) -> IssuedExclusion:
    async with in_transaction():
        exclusion = await exclusions.issue_exclusion(offender, notice, by.user)
        await record(
            by.actor,
            "exclusion.issue",
            f"Offender:{offender.id}",
            bid_id=offender.bid_id,
            starts_on=notice.starts_on.isoformat(),
            ends_on=notice.ends_on.isoformat(),
        )
    return IssuedExclusion(exclusion=exclusion, offender=await Offender.get(id=offender.id))
