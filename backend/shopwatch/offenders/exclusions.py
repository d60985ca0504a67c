"""Exclusion notices: an offender may not enter the BID's member shops between two dates.

Dates are UK calendar dates (Europe/London). A notice usually runs 12 months and may run at most 24.
While one is in force the offender's status is EXCLUDED; `refresh_status` brings the stored status
in line whenever exclusions change, and `effective_status` gives the truth on any day, so a notice
that has run out shows ACTIVE even before anything has rewritten the row.

A manager may end a notice early (`end_exclusion`): it stops today, so today is no longer covered.
Its `ends_on` becomes yesterday (the day before it starts, for one not yet begun), which every rule
and count already reads, and `ended_at` and `end_reason` say that it was ended and why.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from tortoise.transactions import in_transaction

from shopwatch.accounts.models import User
from shopwatch.core.clock import now
from shopwatch.core.errors import InvalidInput
from shopwatch.offenders.models import Exclusion, Offender, OffenderStatus

LOCAL_TIME = ZoneInfo("Europe/London")
TYPICAL_MONTHS = 12
MAX_MONTHS = 24
MAX_REASON = 2000


def today() -> date:
    return now().astimezone(LOCAL_TIME).date()


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the month's last day when it has no such day (29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def in_force(exclusion: Exclusion, on: date) -> bool:
    return exclusion.starts_on <= on <= exclusion.ends_on


@dataclass(frozen=True)
class ExclusionNotice:
    """A notice that has passed validation."""

    starts_on: date
    ends_on: date
    reason: str


def validate_exclusion(starts_on: date, ends_on: date | None, reason: str) -> ExclusionNotice:
    """`ends_on` defaults to 12 months after `starts_on`; both days are included."""
    if starts_on.year > date.max.year - MAX_MONTHS // 12 - 1:
        # The longest exclusion from here would end past the last date there is.
        raise InvalidInput("startsOn", "This start date is too far in the future. Check the year.")
    if ends_on is None:
        ends_on = add_months(starts_on, TYPICAL_MONTHS)
    if ends_on <= starts_on:
        raise InvalidInput("endsOn", "The exclusion must end after it starts.")
    if ends_on > add_months(starts_on, MAX_MONTHS):
        raise InvalidInput("endsOn", f"An exclusion can last at most {MAX_MONTHS} months.")
    if ends_on < today():
        raise InvalidInput("endsOn", "This exclusion would already have ended. Check the year.")
    reason = reason.strip()
    if not 1 <= len(reason) <= MAX_REASON:
        raise InvalidInput("reason", f"Give the reason in 1 to {MAX_REASON:,} characters.")
    if "\x00" in reason:
        raise InvalidInput("reason", "Remove the NUL character.")
    return ExclusionNotice(starts_on=starts_on, ends_on=ends_on, reason=reason)


async def issue_exclusion(offender: Offender, notice: ExclusionNotice, issued_by: User) -> Exclusion:
    """Record the notice; an archived record comes back to the gallery, EXCLUDED while it runs."""
    async with in_transaction():
        exclusion = await Exclusion.create(
            offender_id=offender.id,
            starts_on=notice.starts_on,
            ends_on=notice.ends_on,
            reason=notice.reason,
            issued_by=issued_by,
        )
        if offender.status == OffenderStatus.ARCHIVED:
            await Offender.filter(id=offender.id).update(status=OffenderStatus.ACTIVE)
        await refresh_status(offender.id)
    return exclusion


def current_or_latest(exclusions: Sequence[Exclusion], on: date) -> Exclusion | None:
    """The notice in force on `on` (the one running longest if several), else the one starting
    latest (a past one, or one yet to start)."""
    running = [exclusion for exclusion in exclusions if in_force(exclusion, on)]
    if running:
        return max(running, key=lambda exclusion: (exclusion.ends_on, exclusion.id))
    return max(exclusions, key=lambda exclusion: (exclusion.starts_on, exclusion.id), default=None)


def effective_status(stored: OffenderStatus, exclusion: Exclusion | None, on: date) -> OffenderStatus:
    """ARCHIVED stays ARCHIVED; otherwise EXCLUDED exactly while a notice is in force; a record no
    longer excluded is ACTIVE, and ID_SOUGHT stays ID_SOUGHT."""
    if stored == OffenderStatus.ARCHIVED:
        return stored
    if exclusion is not None and in_force(exclusion, on):
        return OffenderStatus.EXCLUDED
    return OffenderStatus.ACTIVE if stored == OffenderStatus.EXCLUDED else stored


async def refresh_status(offender_id: int) -> None:
    """Store EXCLUDED while a notice is in force today, and ACTIVE again for an EXCLUDED record once
    none is; ARCHIVED (and ID_SOUGHT with no notice in force) are left alone."""
    day = today()
    excluded = await Exclusion.filter(offender_id=offender_id, starts_on__lte=day, ends_on__gte=day).exists()
    if excluded:
        await Offender.filter(id=offender_id, status__not=OffenderStatus.ARCHIVED).update(
            status=OffenderStatus.EXCLUDED
        )
    else:
        await Offender.filter(id=offender_id, status=OffenderStatus.EXCLUDED).update(
            status=OffenderStatus.ACTIVE
        )


def check_end_reason(reason: str) -> str:
    reason = reason.strip()
    if not 1 <= len(reason) <= MAX_REASON:
        raise InvalidInput("reason", f"Give the reason for ending it in 1 to {MAX_REASON:,} characters.")
    if "\x00" in reason:
        raise InvalidInput("reason", "Remove the NUL character.")
    return reason


async def end_exclusion(exclusion: Exclusion, reason: str) -> Exclusion:
    """Stop the notice today; the offender is ACTIVE again unless another notice is in force.
    `InvalidInput` for a notice already ended or already run out. The row is locked (PostgreSQL), so
    two managers ending it at once end it once."""
    text = check_end_reason(reason)
    day = today()
    async with in_transaction():
        locked = await Exclusion.filter(id=exclusion.id).select_for_update().get()
        if locked.ended_at is not None:
            raise InvalidInput("exclusionId", "This exclusion has already been ended.")
        if locked.ends_on < day:
            raise InvalidInput("exclusionId", "This exclusion has already run out.")
        last_day = max(day - timedelta(days=1), locked.starts_on - timedelta(days=1))
        # Conditional as well as locked: only one ending is ever written, whatever the isolation.
        if not await Exclusion.filter(id=locked.id, ended_at__isnull=True).update(
            ends_on=last_day, ended_at=now(), end_reason=text
        ):
            raise InvalidInput("exclusionId", "This exclusion has already been ended.")
        await refresh_status(locked.offender_id)
    return await Exclusion.get(id=locked.id)


async def exclusions_by_offender(offender_ids: Sequence[int]) -> list[list[Exclusion]]:
    """Each offender's notices, newest first, in one query."""
    rows = await Exclusion.filter(offender_id__in=list(offender_ids)).order_by("-starts_on", "-id")
    grouped: dict[int, list[Exclusion]] = {pk: [] for pk in offender_ids}
    for row in rows:
        grouped[row.offender_id].append(row)
    return [grouped[pk] for pk in offender_ids]
