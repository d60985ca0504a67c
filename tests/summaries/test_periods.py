"""Periods of UK dates and the UTC instants that bound them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from shopwatch.core.errors import InvalidInput
from shopwatch.summaries.periods import Period, period_between, utc_offsets


def test_a_summer_day_starts_at_23_utc_the_day_before() -> None:
    period = Period(date(2026, 7, 1), date(2026, 7, 1))
    assert period.start == datetime(2026, 6, 30, 23, tzinfo=UTC)
    assert period.end == datetime(2026, 7, 1, 23, tzinfo=UTC)


def test_the_day_the_clocks_go_forward_has_23_hours() -> None:
    period = Period(date(2026, 3, 29), date(2026, 3, 29))
    assert period.end - period.start == timedelta(hours=23)


def test_the_previous_period_has_the_same_number_of_days() -> None:
    period = Period(date(2026, 3, 1), date(2026, 3, 31))
    assert period.previous() == Period(date(2026, 1, 29), date(2026, 2, 28))


def test_weeks_and_months_touched() -> None:
    period = Period(date(2026, 11, 29), date(2026, 12, 8))  # a Sunday to a Tuesday
    assert period.weeks() == [date(2026, 11, 23), date(2026, 11, 30), date(2026, 12, 7)]
    assert period.months() == [date(2026, 11, 1), date(2026, 12, 1)]


def test_clock_changes_are_found_to_the_hour() -> None:
    offsets = utc_offsets(datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))
    assert offsets == (
        (datetime(2026, 1, 1, tzinfo=UTC), timedelta(0)),
        (datetime(2026, 3, 29, 1, tzinfo=UTC), timedelta(hours=1)),
        (datetime(2026, 10, 25, 1, tzinfo=UTC), timedelta(0)),
    )


@pytest.mark.parametrize(
    ("first", "last", "field"),
    [
        (date(2026, 2, 1), date(2026, 1, 31), "to"),
        (date(2020, 1, 1), date(2026, 1, 1), "to"),
        (date(1990, 1, 1), date(1990, 1, 2), "from"),
    ],
)
def test_periods_that_cannot_be_summarised(first: date, last: date, field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        period_between(first, last)
    assert refused.value.field == field
