"""The statement draft: the report's facts in UK time, with the shop, property and injury, and the
witness's own account left for them to write."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from shopwatch.evidence.drafts import NO_CONSENT, OWN_WORDS, statement_draft
from shopwatch.evidence.models import PropertyLine
from shopwatch.incidents.models import Incident, IncidentKind
from tests.support.world import World


def _incident(world: World, occurred_at: datetime, **fields: object) -> Incident:
    values: dict[str, object] = {
        "client_id": uuid.uuid4(),
        "bid_id": world.home.bid.id,
        "shop_id": world.home.shops[0].id,
        "kind": IncidentKind.THEFT,
        "occurred_at": occurred_at,
        "reported_at": occurred_at,
        "description": "A man took two bottles of gin.",
    }
    return Incident(**{**values, **fields})


async def test_a_summer_theft_reads_in_british_summer_time_with_its_property(world: World) -> None:
    incident = _incident(world, datetime(2026, 7, 3, 13, 5, tzinfo=UTC), injury=False)
    lines = [
        PropertyLine(
            position=1, description="Gin, 70 cl", quantity=2, unit_price_pence=2_250, recovered=False
        ),
        PropertyLine(position=2, description="Razors", quantity=1, unit_price_pence=999, recovered=True),
    ]

    draft = statement_draft(incident, world.home.shops[0], lines)

    shop = world.home.shops[0]
    assert draft.startswith(
        f"On Friday 3 July 2026 at about 14:05 (BST) I was at {shop.name}, {shop.address}, {shop.postcode}."
    )
    assert "What happened (theft): A man took two bottles of gin." in draft
    assert "- 2 x Gin, 70 cl at £22.50 each (£45.00), not recovered." in draft
    assert "- 1 x Razors at £9.99 each (£9.99), recovered." in draft
    assert "The property not recovered is worth £45.00 in total." in draft
    assert NO_CONSENT in draft
    assert "Nobody was injured." in draft
    assert draft.endswith(OWN_WORDS)


async def test_a_winter_assault_with_an_injury_and_no_property(world: World) -> None:
    incident = _incident(
        world, datetime(2026, 1, 6, 9, 30, tzinfo=UTC), kind=IncidentKind.ASSAULT, injury=True
    )

    draft = statement_draft(incident, world.home.shops[0], [])

    assert "On Tuesday 6 January 2026 at about 09:30 (GMT)" in draft
    assert "Someone was injured" in draft
    assert NO_CONSENT not in draft
