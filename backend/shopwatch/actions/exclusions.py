"""Issuing an exclusion notice and ending one early, each with its audit entry in the same
transaction."""

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


@dataclass(frozen=True)
class EndedExclusion:
    exclusion: Exclusion  # reloaded: ended today
    offender: Offender  # reloaded: ACTIVE again unless another notice is in force


async def end_exclusion(by: Acting, exclusion: Exclusion, reason: str) -> EndedExclusion:
    """`InvalidInput` for a reason that cannot be kept, or a notice already ended or run out. The
    audit entry names the days, not the reason: the trail outlives the record's retention."""
    async with in_transaction():
        ended = await exclusions.end_exclusion(exclusion, reason)
        offender = await Offender.get(id=exclusion.offender_id)
        await record(
            by.actor,
            "exclusion.end",
            f"Offender:{offender.id}",
            bid_id=offender.bid_id,
            exclusion=exclusion.id,
            ends_on=ended.ends_on.isoformat(),
            issued_ends_on=exclusion.ends_on.isoformat(),
        )
    return EndedExclusion(exclusion=ended, offender=offender)
