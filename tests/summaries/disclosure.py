"""What published sums give away, in exact arithmetic: each published figure is a linear equation
over the unknown counts, and a count (or a sum of counts) is determined exactly when its vector lies
in the span of those equations (Gaussian elimination over fractions.Fraction)."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from fractions import Fraction

Row = dict[Hashable, Fraction]


class RowSpace:
    """The span of the rows added so far, kept fully reduced: each basis row has a pivot that no
    other basis row mentions, so reducing by the pivots in any order is exact."""

    def __init__(self) -> None:
        self.basis: dict[Hashable, Row] = {}

    def _reduce(self, row: Row) -> Row:
        row = {key: value for key, value in row.items() if value}
        for pivot, base in self.basis.items():
            factor = row.get(pivot)
            if factor:
                for key, value in base.items():
                    row[key] = row.get(key, Fraction(0)) - factor * value
                row = {key: value for key, value in row.items() if value}
        return row

    def add(self, unknowns: Iterable[Hashable]) -> None:
        """Add the equation 'these unknowns add up to a published figure'."""
        row = self._reduce({key: Fraction(1) for key in unknowns})
        if not row:
            return
        pivot = next(iter(row))
        scale = row[pivot]
        row = {key: value / scale for key, value in row.items()}
        for base in self.basis.values():
            factor = base.get(pivot)
            if factor:
                for key, value in row.items():
                    base[key] = base.get(key, Fraction(0)) - factor * value
                for key in [key for key, value in base.items() if not value]:
                    del base[key]
        self.basis[pivot] = row

    def determines(self, unknowns: Iterable[Hashable]) -> bool:
        """Whether the equations fix the sum of these unknowns (one unknown: its value)."""
        return not self._reduce({key: Fraction(1) for key in unknowns})
