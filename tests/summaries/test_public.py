"""Public figures: counts by UK month and kind, and suppression that no subtraction undoes, whatever
periods are asked and however their answers are combined."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shopwatch.core.errors import InvalidInput
from shopwatch.incidents.models import IncidentKind
from shopwatch.summaries.periods import Period, last_day_of_month, whole_months_between
from shopwatch.summaries.public import SUPPRESS_BELOW, Cell, PublicFigures, public_figures, publish
from tests.summaries.data import add_incidents, make_area
from tests.summaries.disclosure import RowSpace

YEAR = [date(2025, month, 1) for month in range(1, 13)]
KINDS = list(IncidentKind)
# Every period of whole months within the year: 78 of them.
PERIODS = [
    Period(first, last_day_of_month(last)) for index, first in enumerate(YEAR) for last in YEAR[index:]
]


async def test_an_incident_counts_in_its_uk_month(database: str) -> None:
    area = await make_area("months", 1)
    june_in_uk = datetime(2026, 5, 31, 23, 30, tzinfo=UTC)  # 00:30 BST on 1 June
    may = datetime(2026, 5, 31, 22, 30, tzinfo=UTC)  # 23:30 BST on 31 May
    await add_incidents(
        area,
        [(0, IncidentKind.THEFT, june_in_uk + timedelta(minutes=n), None, []) for n in range(6)]
        + [(0, IncidentKind.THEFT, may - timedelta(minutes=n), None, []) for n in range(5)],
    )
    figures = await public_figures(area.bid.id, Period(date(2026, 5, 1), date(2026, 6, 30)))
    assert [(month.month, month.total.count) for month in figures.by_month] == [
        (date(2026, 5, 1), 5),
        (date(2026, 6, 1), 6),
    ]
    # Every other kind is zero, so THEFT alone would be the total: it is withheld with them.
    assert [dict(month.by_kind)[IncidentKind.THEFT].suppressed for month in figures.by_month] == [True, True]
    assert figures.total.count == 11


@pytest.mark.parametrize(
    ("first", "last", "field"),
    [
        (date(2025, 6, 2), date(2025, 6, 30), "from"),
        (date(2025, 6, 1), date(2025, 6, 1), "to"),
        (date(2025, 6, 1), date(2025, 6, 29), "to"),
        (date(2025, 2, 1), date(2025, 2, 28), None),
        (date(2024, 2, 1), date(2024, 2, 28), "to"),  # a leap year's February has 29 days
        (date(2025, 11, 1), date(2025, 11, 30), None),
        (date(2025, 11, 1), date(2025, 12, 31), "to"),  # December has not ended
        (date(2025, 12, 1), date(2025, 11, 30), "to"),
    ],
)
def test_only_whole_months_that_have_ended_are_published(first: date, last: date, field: str | None) -> None:
    today = date(2025, 12, 31)
    if field is None:
        assert whole_months_between(first, last, today) == Period(first, last)
        return
    with pytest.raises(InvalidInput) as refused:
        whole_months_between(first, last, today)
    assert refused.value.field == field


def test_the_disclosure_check_catches_the_subtraction_it_is_for() -> None:
    space = RowSpace()
    space.add(["1 June", "2 June"])  # 1-30 June was published
    assert not space.determines(["1 June"])
    space.add(["2 June"])  # and so was 2-30 June
    assert space.determines(["1 June"])


# Each month busy or quiet on its own, so quiet months (totals below 5) and busy ones mix.
month_counts = st.sampled_from([1, 3, 6, 40]).flatmap(
    lambda top: st.lists(st.integers(0, top), min_size=len(KINDS), max_size=len(KINDS))
)
year_counts = st.lists(month_counts, min_size=len(YEAR), max_size=len(YEAR))


def _cells(year: list[list[int]]) -> dict[Cell, int]:
    return {
        (kind, month): count
        for month, counts in zip(YEAR, year, strict=True)
        for kind, count in zip(KINDS, counts, strict=True)
    }


def _equations(figures: PublicFigures) -> list[tuple[list[Cell], int | None]]:
    """Every figure of one answer as (the cells it adds up, its published value or None)."""
    equations: list[tuple[list[Cell], int | None]] = []
    for month in figures.by_month:
        equations.append(([(kind, month.month) for kind in KINDS], month.total.count))
        equations += [([(kind, month.month)], cell.count) for kind, cell in month.by_kind]
    months = [month.month for month in figures.by_month]
    equations += [([(kind, m) for m in months], cell.count) for kind, cell in figures.by_kind]
    equations.append(([(kind, m) for kind in KINDS for m in months], figures.total.count))
    return equations


@settings(max_examples=60, deadline=None)
@given(year_counts)
def test_no_withheld_count_is_determined_by_everything_published(year: list[list[int]]) -> None:
    counts = _cells(year)
    space = RowSpace()
    withheld: set[Cell] = set()
    withheld_sums: set[frozenset[Cell]] = set()  # month totals, kind totals and totals withheld
    seen: dict[Cell, int | None] = {}
    for period in PERIODS:
        figures = publish(period, counts)
        for cells, published in _equations(figures):
            if published is None:
                withheld_sums.add(frozenset(cells))
                continue
            assert published == sum(counts[cell] for cell in cells)  # every figure is exact
            space.add(cells)
        for month in figures.by_month:
            withheld_sum = 0
            for kind, cell in month.by_kind:
                # A cell reads the same whatever period is asked.
                assert seen.setdefault((kind, month.month), cell.count) == cell.count
                if cell.suppressed:
                    withheld.add((kind, month.month))
                    withheld_sum += counts[(kind, month.month)]
                else:
                    assert cell.count is not None and cell.count >= SUPPRESS_BELOW
            if not month.total.suppressed and withheld_sum:
                assert withheld_sum >= SUPPRESS_BELOW  # so a withheld zero cannot be told
    assert {cell for cell, count in counts.items() if count < SUPPRESS_BELOW} <= withheld
    # Across every answer together, no withheld count, nor any withheld total, can be worked out.
    assert [cell for cell in sorted(withheld, key=str) if space.determines([cell])] == []
    assert [sorted(cells, key=str) for cells in withheld_sums if space.determines(cells)] == []
