"""Reading an incident's evidence: in the order a document prints it, nothing of another incident."""

from __future__ import annotations

import uuid
from datetime import timedelta

from shopwatch.core.clock import now
from shopwatch.evidence.models import (
    BusinessImpactStatement,
    Exhibit,
    PoliceCaseState,
    PoliceCaseUpdate,
    PropertyLine,
    WitnessStatement,
)
from shopwatch.evidence.reading import (
    exhibits_of,
    impact_statement_of,
    police_case_of,
    property_of,
    statements_of,
)
from shopwatch.incidents.models import Incident, IncidentKind, Photo
from tests.support.world import World


async def an_incident(world: World, shop: int = 0) -> Incident:
    return await Incident.create(
        client_id=uuid.uuid4(),
        bid=world.home.bid,
        shop=world.home.shops[shop],
        kind=IncidentKind.THEFT,
        occurred_at=now() - timedelta(hours=2),
        reported_at=now(),
        description="Two bottles of gin taken.",
    )


async def a_statement(
    incident: Incident, version: int = 1, replaces: WitnessStatement | None = None
) -> WitnessStatement:
    return await WitnessStatement.create(
        incident=incident,
        version=version,
        replaces=replaces,
        witness_name="Mary Ann Smith",
        occupation="Shop assistant",
        over_18=True,
        text="I saw a man take two bottles.",
        signed_name="Mary Ann Smith",
        signed_at=now(),
        signature_png=b"\x89PNG",
        sha256="0" * 64,
        created_at=now(),
    )


async def test_an_incident_s_evidence_reads_back_in_order(world: World) -> None:
    incident, other = await an_incident(world), await an_incident(world, shop=1)
    for state in (PoliceCaseState.REPORTED, PoliceCaseState.CRIME_NUMBER_ISSUED):
        await PoliceCaseUpdate.create(incident=incident, state=state, at=now())
    await PoliceCaseUpdate.create(incident=other, state=PoliceCaseState.REPORTED, at=now())
    first = await a_statement(incident)
    second = await a_statement(incident, version=2, replaces=first)
    await a_statement(other)
    photo = await Photo.create(
        incident=incident,
        sha256="a" * 64,
        content_type="image/jpeg",
        original_path="o",
        display_path="d",
        thumbnail_path="t",
        width=4,
        height=3,
        byte_size=10,
        perceptual_hash="0" * 16,
    )
    await Exhibit.create(incident=incident, photo=photo, statement=first, reference="MS/1")
    for position, description in ((2, "Gin"), (1, "Whisky")):
        await PropertyLine.create(
            incident=incident, position=position, description=description, quantity=1, unit_price_pence=2000
        )

    assert [u.state for u in await police_case_of(incident)] == ["REPORTED", "CRIME_NUMBER_ISSUED"]
    assert [s.id for s in await statements_of(incident)] == [first.id, second.id]
    [exhibit] = await exhibits_of(incident)
    assert (exhibit.reference, exhibit.photo.sha256) == ("MS/1", "a" * 64)
    assert [line.description for line in await property_of(incident)] == ["Whisky", "Gin"]
    assert await exhibits_of(other) == [] and await property_of(other) == []


async def test_a_shop_s_latest_impact_statement_is_the_one_used(world: World) -> None:
    shop = world.home.shops[0]
    assert await impact_statement_of(shop) is None
    for text in ("Staff feel unsafe.", "Staff feel unsafe; we hired a guard."):
        await BusinessImpactStatement.create(
            shop=shop, text=text, author_name="Ann Lee", position="Manager", recorded_at=now()
        )

    latest = await impact_statement_of(shop)
    assert latest is not None and latest.text == "Staff feel unsafe; we hired a guard."
    assert await impact_statement_of(world.home.shops[1]) is None
