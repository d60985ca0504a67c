"""The property taken or damaged in an incident, line by line. Once an incident has lines, its value
stolen is what the lines not recovered add up to."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from shopwatch.core.clock import now
from shopwatch.core.errors import InvalidInput
from shopwatch.evidence.checks import check_name
from shopwatch.evidence.models import PropertyLine
from shopwatch.incidents.models import Incident
from shopwatch.incidents.services import MAX_VALUE_PENCE

MAX_LINES = 50
MAX_QUANTITY = 10_000


@dataclass(frozen=True)
class LineInput:
    description: str
    quantity: int
    unit_price_pence: int
    recovered: bool = False


@dataclass(frozen=True)
class PropertySet:
    incident: Incident  # as it now is
    lines: list[PropertyLine]
    value_stolen_pence: int | None


def line_total(line: PropertyLine | LineInput) -> int:
    return line.quantity * line.unit_price_pence


def _checked(lines: Sequence[LineInput]) -> list[LineInput]:
    if len(lines) > MAX_LINES:
        raise InvalidInput("lines", f"List at most {MAX_LINES} lines; group small items together.")
    checked = []
    for n, line in enumerate(lines):
        field = f"lines[{n}]"
        description = check_name(f"{field}.description", line.description, "what was taken")
        if not 1 <= line.quantity <= MAX_QUANTITY:
            raise InvalidInput(f"{field}.quantity", f"The quantity must be between 1 and {MAX_QUANTITY:,}.")
        if not 0 <= line.unit_price_pence <= MAX_VALUE_PENCE:
            raise InvalidInput(f"{field}.unitPricePence", "The unit price must be between £0 and £100,000.")
        checked.append(LineInput(description, line.quantity, line.unit_price_pence, line.recovered))
    if sum(line_total(line) for line in checked if not line.recovered) > MAX_VALUE_PENCE:
        raise InvalidInput("lines", "The property not recovered comes to more than £100,000.")
    return checked


async def set_property(incident: Incident, lines: Sequence[LineInput]) -> PropertySet:
    """Replace the incident's lines; the value stolen follows them (an empty list leaves it as it
    was). Call inside the action's transaction."""
    checked = _checked(lines)
    locked = await Incident.filter(id=incident.id).select_for_update().get()
    await PropertyLine.filter(incident_id=locked.id).delete()
    rows = [
        await PropertyLine.create(
            incident_id=locked.id,
            position=n,
            description=line.description,
            quantity=line.quantity,
            unit_price_pence=line.unit_price_pence,
            recovered=line.recovered,
        )
        for n, line in enumerate(checked, start=1)
    ]
    value = locked.value_stolen_pence
    if rows:
        value = sum(line_total(row) for row in rows if not row.recovered)
        await Incident.filter(id=locked.id).update(value_stolen_pence=value, updated_at=now())
    return PropertySet(await Incident.get(id=locked.id), rows, value)
