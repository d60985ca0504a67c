"""Exclusion dates and statuses, without the API."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from shopwatch.core.errors import InvalidInput
from shopwatch.offenders.exclusions import (
    add_months,
    current_or_latest,
    effective_status,
    issue_exclusion,
    refresh_status,
    today,
    validate_exclusion,
)
from shopwatch.offenders.models import Exclusion, Offender, OffenderStatus
from tests.support.world import World


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 3, 15), 12, date(2027, 3, 15)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
        (date(2026, 1, 31), 24, date(2028, 1, 31)),
        (date(2026, 12, 1), 1, date(2027, 1, 1)),
    ],
)
def test_add_months(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


def test_validation_defaults_to_twelve_months_and_trims_the_reason() -> None:
    starts = today()
    notice = validate_exclusion(starts, None, "  Theft  ")
    assert notice.ends_on == add_months(starts, 12)
    assert notice.reason == "Theft"


@pytest.mark.parametrize(
    ("ends_after_days", "months", "field"),
    [(0, None, "endsOn"), (-1, None, "endsOn"), (1, 24, "endsOn")],
)
def test_validation_refuses_bad_dates(ends_after_days: int, months: int | None, field: str) -> None:
    starts = today()
    ends = add_months(starts, months) if months else starts
    with pytest.raises(InvalidInput) as refused:
        validate_exclusion(starts, ends + timedelta(days=ends_after_days), "Theft")
    assert refused.value.field == field


def exclusion(pk: int, starts: date, ends: date) -> Exclusion:
    return Exclusion(id=pk, starts_on=starts, ends_on=ends, reason=str(pk))


def test_the_notice_in_force_wins_else_the_latest_start() -> None:
    day = date(2026, 6, 1)
    old = exclusion(1, date(2025, 1, 1), date(2025, 12, 31))
    running = exclusion(2, date(2026, 1, 1), date(2026, 12, 31))
    longer = exclusion(3, date(2026, 5, 1), date(2027, 4, 30))
    future = exclusion(4, date(2026, 9, 1), date(2027, 8, 31))
    assert current_or_latest([], day) is None
    assert current_or_latest([old, running, future], day) is running
    assert current_or_latest([old, running, longer, future], day) is longer
    assert current_or_latest([old, future], day) is future
    assert current_or_latest([old], day) is old


def test_effective_status() -> None:
    day = date(2026, 6, 1)
    running = exclusion(1, date(2026, 6, 1), date(2026, 6, 1))  # both days included
    ended = exclusion(2, date(2026, 1, 1), date(2026, 5, 31))
    assert effective_status(OffenderStatus.ACTIVE, running, day) == OffenderStatus.EXCLUDED
    assert effective_status(OffenderStatus.EXCLUDED, ended, day) == OffenderStatus.ACTIVE
    assert effective_status(OffenderStatus.EXCLUDED, None, day) == OffenderStatus.ACTIVE
    assert effective_status(OffenderStatus.ARCHIVED, running, day) == OffenderStatus.ARCHIVED


async def test_the_stored_status_follows_the_notices(world: World) -> None:
    offender = await Offender.create(bid=world.home.bid, display_name="Red cap")
    notice = validate_exclusion(today(), None, "Theft")
    await issue_exclusion(offender, notice, world.admin)
    assert (await Offender.get(id=offender.id)).status == OffenderStatus.EXCLUDED
    # The notice runs out: refreshing puts the record back to ACTIVE.
    await Exclusion.filter(offender_id=offender.id).update(
        starts_on=today() - timedelta(days=30), ends_on=today() - timedelta(days=1)
    )
    await refresh_status(offender.id)
    assert (await Offender.get(id=offender.id)).status == OffenderStatus.ACTIVE
    # Archived records stay archived whatever the notices say.
    await Offender.filter(id=offender.id).update(status=OffenderStatus.ARCHIVED)
    await Exclusion.filter(offender_id=offender.id).update(ends_on=today() + timedelta(days=30))
    await refresh_status(offender.id)
    assert (await Offender.get(id=offender.id)).status == OffenderStatus.ARCHIVED
