"""Building a BID's raw rows straight into the database, for the summary tests."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from tortoise import connections
from tortoise.transactions import in_transaction

from shopwatch.incidents.models import Incident, IncidentKind
from shopwatch.offenders.models import Offender, OffenderLink
from shopwatch.places.models import Bid, Shop
from tests.summaries.reference import Row


@dataclass
class Area:
    bid: Bid
    shops: list[Shop]
    offenders: list[Offender]
    rows: list[Row] = field(default_factory=list)
    links: list[tuple[int, int]] = field(default_factory=list)

    @property
    def shop_names(self) -> list[tuple[int, str]]:
        return [(shop.id, shop.name) for shop in self.shops]


async def make_area(slug: str, shops: int, offenders: int = 0) -> Area:
    bid = await Bid.create(name=f"{slug.title()} BID", slug=slug)
    return Area(
        bid=bid,
        shops=[
            await Shop.create(
                bid=bid, name=name, address="1 High St", postcode="MH1 1AA", latitude=52.0, longitude=-1.7
            )
            # Names out of id order, so the tie-break by name is really tested.
            for name in [f"Shop {chr(ord('Z') - n)}" for n in range(shops)]
        ],
        offenders=[await Offender.create(bid=bid, display_name=f"Offender {n}") for n in range(offenders)],
    )


async def add_incidents(
    area: Area,
    incidents: Sequence[tuple[int, IncidentKind, datetime, int | None, Sequence[int]]],
) -> None:
    """(shop index, kind, occurred at, value, offender indexes) each; the rows are recorded on `area`."""
    async with in_transaction():
        made = [
            await Incident.create(
                client_id=uuid.uuid4(),
                bid_id=area.bid.id,
                shop_id=area.shops[shop].id,
                kind=kind,
                occurred_at=occurred_at,
                reported_at=occurred_at,
                description="Taken from the shelf by the door.",
                value_stolen_pence=value,
            )
            for shop, kind, occurred_at, value, _ in incidents
        ]
    links = []
    for incident, (shop, kind, occurred_at, value, offenders) in zip(made, incidents, strict=True):
        area.rows.append(Row(incident.id, area.shops[shop].id, kind, occurred_at, value))
        for index in sorted(set(offenders)):
            links.append(OffenderLink(incident_id=incident.id, offender_id=area.offenders[index].id))
            area.links.append((incident.id, area.offenders[index].id))
    if links:
        await OffenderLink.bulk_create(links)


async def remove_everything() -> None:
    """Between hypothesis examples, which share one test's database."""
    connection = connections.get("default")
    for table in ("offender_link", "incident", "offender", "shop", "bid"):
        await connection.execute_script(f"DELETE FROM {table}")
