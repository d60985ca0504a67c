"""A demo gallery and four months of reports, so a laptop run has a town centre's figures to show.

Made from a fixed seed: the same history every time, ending now. One shop has a bad last week (a
hotspot), a few people turn up again and again, and one of them is under an exclusion.
"""

from __future__ import annotations

import random
import uuid
from datetime import timedelta

from tortoise.transactions import in_transaction

from shopwatch.accounts.models import Role, User
from shopwatch.core.clock import now
from shopwatch.incidents.models import Incident, IncidentKind
from shopwatch.offenders.exclusions import add_months, today
from shopwatch.offenders.models import Exclusion, Offender, OffenderLink, OffenderStatus
from shopwatch.places.models import Bid, Shop

DAYS = 120
PER_DAY = 3
HOTSPOT_SHOP = "Pennyworth Convenience"
KINDS = [IncidentKind.THEFT] * 14 + [
    IncidentKind.THREATS_AND_ABUSE,
    IncidentKind.THREATS_AND_ABUSE,
    IncidentKind.ANTISOCIAL_BEHAVIOUR,
    IncidentKind.ANTISOCIAL_BEHAVIOUR,
    IncidentKind.ASSAULT,
    IncidentKind.CRIMINAL_DAMAGE,
    IncidentKind.FRAUD,
]
WHAT_HAPPENED = {
    IncidentKind.THEFT: "Took {goods} and left without paying.",
    IncidentKind.THREATS_AND_ABUSE: "Became abusive when challenged about {goods}; threatened staff.",
    IncidentKind.ANTISOCIAL_BEHAVIOUR: "Group shouting and throwing things in the doorway.",
    IncidentKind.ASSAULT: "Pushed a member of staff aside at the door while leaving with {goods}.",
    IncidentKind.CRIMINAL_DAMAGE: "Kicked the door glass on the way out; it is cracked.",
    IncidentKind.FRAUD: "Tried to pay with a card reported stolen.",
}
GOODS = ["meat from the chiller", "razor blades", "two bottles of spirits", "phone chargers", "coffee jars"]
GALLERY = [
    ("Grey hoodie, red trainers", "Male, about 30, thin; usually with a rucksack."),
    ("Green parka", "Female, about 40; fills a shopping bag from the health and beauty aisle."),
    ("Tall man with a cap", "Male, 6ft plus, black cap; targets spirits."),
    ("Two teenagers on bikes", "Boys about 15; one distracts staff while the other takes."),
    ("Woman with a pushchair", "Female, about 25; hides goods under the pushchair."),
    ("Man in a hi-vis jacket", "Male, about 50; walks out confidently with high-value items."),
]


async def load_demo_history(bid: Bid) -> int:
    """Reports, gallery and links for the demo BID; how many reports were made."""
    dice = random.Random(2026)  # noqa: S311 - demo data, not security
    shops = list(await Shop.filter(bid=bid).order_by("id"))
    staff = await User.filter(memberships__role=Role.SHOP_STAFF, memberships__bid_id=bid.id).first()
    manager = await User.filter(memberships__role=Role.BID_MANAGER, memberships__bid_id=bid.id).first()
    busy = [shop for shop in shops for _ in range(3 if shop.name.startswith(("Riverside", "Corner")) else 1)]
    moment = now()
    async with in_transaction():
        gallery = [
            await Offender.create(bid=bid, display_name=name, description=description, created_by=manager)
            for name, description in GALLERY
        ]
        reports: list[tuple[Shop, timedelta]] = [
            (dice.choice(busy), timedelta(days=dice.uniform(0, DAYS))) for _ in range(DAYS * PER_DAY)
        ]
        hotspot = next(shop for shop in shops if shop.name == HOTSPOT_SHOP)
        reports += [(hotspot, timedelta(days=dice.uniform(0, 6))) for _ in range(8)]
        for shop, ago in reports:
            occurred_at = (moment - ago).replace(hour=dice.randint(9, 20), minute=dice.randint(0, 59))
            occurred_at = min(occurred_at, moment - timedelta(minutes=5))
            kind = dice.choice(KINDS)
            incident = await Incident.create(
                client_id=uuid.UUID(int=dice.getrandbits(128)),
                bid=bid,
                shop=shop,
                reporter=staff if shop.id == shops[0].id else manager,
                kind=kind,
                occurred_at=occurred_at,
                reported_at=occurred_at + timedelta(minutes=dice.randint(2, 90)),
                description=WHAT_HAPPENED[kind].format(goods=dice.choice(GOODS)),
                value_stolen_pence=dice.randint(5, 250) * 100 if kind == IncidentKind.THEFT else None,
            )
            # A few regulars are in a third of the reports, the first of them most of all.
            if dice.random() < 0.33:
                offender = gallery[min(int(dice.expovariate(0.7)), len(gallery) - 1)]
                await OffenderLink.create(incident=incident, offender=offender, linked_by=manager)
                if offender.last_seen_at is None or offender.last_seen_at < occurred_at:
                    offender.last_seen_at = occurred_at
        for offender in gallery:
            await offender.save(update_fields=["last_seen_at"])
        excluded = gallery[0]
        starts_on = today() - timedelta(days=30)
        await Exclusion.create(
            offender=excluded,
            starts_on=starts_on,
            ends_on=add_months(starts_on, 12),
            reason="Repeated thefts across the town centre.",
            issued_by=manager,
        )
        excluded.status = OffenderStatus.EXCLUDED
        await excluded.save(update_fields=["status"])
    return len(reports)
