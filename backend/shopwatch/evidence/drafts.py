"""The body a witness statement starts from: the report's facts in the first person, for the witness
to read, correct and finish in their own words before signing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from shopwatch.core.clock import LOCAL_ZONE
from shopwatch.evidence.models import PropertyLine
from shopwatch.evidence.property_lines import line_total
from shopwatch.incidents.models import Incident, IncidentKind
from shopwatch.incidents.wording import KIND_WORDS
from shopwatch.places.models import Shop

OWN_WORDS = (
    "[In your own words: what you saw and heard, what the person looked like (build, clothes, "
    "anything distinctive), what they did and said, and what happened after.]"
)
# What a theft statement says so the owner's lack of consent is in evidence.
NO_CONSENT = "Nobody had permission or authority to take the property."
_TAKING = frozenset({IncidentKind.THEFT, IncidentKind.BURGLARY})


def pounds(pence: int) -> str:
    return f"£{pence // 100:,}.{pence % 100:02d}"


def when(moment: datetime) -> str:
    """'Tuesday 3 March 2026 at about 14:05 (GMT)', in UK time."""
    local = moment.astimezone(LOCAL_ZONE)
    return f"{local:%A} {local.day} {local:%B %Y} at about {local:%H:%M} ({local.tzname()})"


def _property(lines: Sequence[PropertyLine], value_stolen_pence: int | None) -> list[str]:
    if not lines:
        return [f"The value of what was taken is {pounds(value_stolen_pence)}."] if value_stolen_pence else []
    said = ["The property involved:"]
    for line in lines:
        state = "recovered" if line.recovered else "not recovered"
        said.append(
            f"- {line.quantity} x {line.description} at {pounds(line.unit_price_pence)} each "
            f"({pounds(line_total(line))}), {state}."
        )
    lost = sum(line_total(line) for line in lines if not line.recovered)
    said.append(f"The property not recovered is worth {pounds(lost)} in total.")
    return said


def _injury(injury: bool | None) -> list[str]:
    if injury is None:
        return []
    if injury:
        return ["Someone was injured: [say who, what the injuries were and any treatment]."]
    return ["Nobody was injured."]


def statement_draft(incident: Incident, shop: Shop, lines: Sequence[PropertyLine]) -> str:
    """Paragraphs separated by blank lines; the bracketed parts are for the witness to replace."""
    paragraphs = [
        f"On {when(incident.occurred_at)} I was at {shop.name}, {shop.address}, {shop.postcode}.",
        f"What happened ({KIND_WORDS[incident.kind].lower()}): {incident.description.strip()}",
    ]
    said = _property(lines, incident.value_stolen_pence)
    if incident.kind in _TAKING and (lines or incident.value_stolen_pence):
        said.append(NO_CONSENT)
    if said:
        paragraphs.append("\n".join(said))
    paragraphs += _injury(incident.injury)
    paragraphs.append(OWN_WORDS)
    return "\n\n".join(paragraphs)
