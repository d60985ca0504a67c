"""Public figures: counts by UK month and kind, and suppression that no subtraction undoes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from shopwatch.incidents.models import IncidentKind
from shopwatch.summaries.periods import Period
from shopwatch.summaries.public import SUPPRESS_BELOW, public_figures, publish
from tests.summaries.data import add_incidents, make_area


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
    assert [(month, c.count) for month, c in figures.by_month] == [
        (date(2026, 5, 1), 5),
        (date(2026, 6, 1), 6),
    ]
    assert figures.total.count == 11


@given(st.lists(st.integers(0, 40), min_size=1, max_size=12))
def test_no_withheld_count_can_be_worked_out_from_the_total(counts: list[int]) -> None:
    published = publish(counts, total_published=sum(counts) >= SUPPRESS_BELOW)
    withheld = [index for index, cell in enumerate(published) if cell.suppressed]
    assert all(published[index].count is None for index in withheld)
    assert all(counts[index] >= SUPPRESS_BELOW for index, cell in enumerate(published) if not cell.suppressed)
    # Every count below 5 is withheld, and never exactly one cell beside a published total.
    assert {index for index, count in enumerate(counts) if count < SUPPRESS_BELOW} <= set(withheld)
    if sum(counts) >= SUPPRESS_BELOW:
        assert len(withheld) != 1
    assert [cell.count for cell in published if not cell.suppressed] == [
        counts[index] for index in range(len(counts)) if index not in withheld
    ]
