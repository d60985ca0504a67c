"""The demo's four months of history, as a plan: who is in the gallery, which reports were made when
and where, naming whom. `actions/demo.py` replays it through the real actions, each at its time.

Made from a fixed seed: the same history every time, ending now. One shop has a bad last week (a
hotspot); a few people turn up again and again. The first of them, the README's walk-through
subject, is drawn to a timetable (REGULAR_DAYS_AGO): thirteen reports at several shops in the last
30 days, excluded 8 days ago and seen three times since, the last 4 days ago. A week with no report
of him, 25.5 to 18 days ago, closes every alert before it, so what follows does not depend on the
older history: his last repeat-offender alert is raised 10 days ago and his last moving-between-shops
alert 8.5 days ago; both close (after 7 days) before the demo is loaded, and the walk-through's report
raises new ones. One van comes back and back. Two recent reports name nobody and look like someone
in the gallery: one by its photo, one by the van.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from shopwatch.incidents.models import IncidentKind
from shopwatch.offenders.demo_photos import Look
from shopwatch.places.models import Shop

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


@dataclass(frozen=True)
class DemoOffender:
    name: str
    description: str
    look: Look
    photos: int = 1  # gallery photos, each another take of the same drawing


GALLERY = [
    DemoOffender(
        "Grey hoodie, red trainers",
        "Male, about 30, thin; usually with a rucksack.",
        Look(skin=(224, 172, 140), hair=(60, 40, 30), top=(128, 128, 132), headwear="hood"),
        photos=2,
    ),
    DemoOffender(
        "Green parka",
        "Female, about 40; fills a shopping bag from the health and beauty aisle.",
        Look(skin=(150, 100, 70), hair=(20, 20, 20), top=(70, 110, 60), headwear="hood", build=0.95),
        photos=2,
    ),
    DemoOffender(
        "Tall man with a cap",
        "Male, 6ft plus, black cap; targets spirits.",
        Look(
            skin=(240, 200, 170),
            hair=(140, 90, 40),
            top=(30, 30, 40),
            headwear="cap",
            headwear_colour=(15, 15, 15),
            height=1.1,
            build=1.15,
        ),
    ),
    DemoOffender(
        "Two teenagers on bikes",
        "Boys about 15; one distracts staff while the other takes.",
        Look(
            skin=(110, 70, 50),
            hair=(30, 20, 10),
            top=(40, 70, 160),
            headwear="beanie",
            headwear_colour=(170, 30, 40),
            height=0.85,
            build=0.85,
        ),
    ),
    DemoOffender(
        "Woman with a pushchair",
        "Female, about 25; hides goods under the pushchair.",
        Look(skin=(200, 150, 110), hair=(200, 160, 60), top=(170, 90, 150)),
    ),
    DemoOffender(
        "Man in a hi-vis jacket",
        "Male, about 50; walks out confidently with high-value items. Drives a white van.",
        Look(
            skin=(230, 180, 150), hair=(120, 120, 120), top=(235, 120, 20), stripe=(220, 240, 40), build=1.2
        ),
    ),
]
REGULAR = 0  # the walk-through's subject
ID_SOUGHT = 3  # marked ID_SOUGHT: seen often, nobody knows who they are
PHOTO_MATCH = 1  # a recent unlinked report's camera still looks like their gallery photo
VAN_DRIVER = 5
VAN = "MH19 VNX"
VAN_DAYS_AGO = [40, 22, 9]  # seen with the van; a report a day ago has the van and names nobody

# The regular's last 46 days, in days before the demo is loaded (see the module's docstring); none of
# the random reports names him after RANDOM_REGULAR_UNTIL days ago.
REGULAR_DAYS_AGO = [
    46,
    44,
    42,
    40,
    37.5,
    35,
    33,
    31,
    29,
    27,
    25.5,
    18,
    16.5,
    15,
    13.5,
    12,
    10,
    8.5,
    7,
    5.5,
    4,
]
REGULAR_THREATS_DAYS_AGO = 31
RANDOM_REGULAR_UNTIL = 52
EXCLUDED_DAYS_AGO = 8

# The second BID, a retail park: fewer reports, its own two regulars.
PARK_GALLERY = [
    DemoOffender(
        "Man with a sports bag",
        "Male, about 35, shaved head; lines the bag with foil.",
        Look(
            skin=(190, 140, 100),
            hair=(50, 40, 30),
            top=(150, 30, 40),
            headwear="beanie",
            headwear_colour=(20, 20, 60),
        ),
    ),
    DemoOffender(
        "Couple with a trolley",
        "Male and female, about 60; fill a trolley with power tools and walk out through the garden centre.",
        Look(skin=(235, 190, 160), hair=(220, 220, 220), top=(60, 90, 120), build=1.1),
    ),
]
PARK_REPORTS = 60


@dataclass(frozen=True)
class DemoPhoto:
    """A drawing of a gallery record's look, as a camera still: `take` picks the photo."""

    offender: int
    take: int


@dataclass(frozen=True)
class PlannedReport:
    client_id: uuid.UUID
    shop: Shop
    kind: IncidentKind
    occurred_at: datetime
    reported_at: datetime
    description: str
    value_stolen_pence: int | None = None
    offender: int | None = None  # an index into the gallery
    vehicle_registration: str | None = None
    photo: DemoPhoto | None = None


def gallery_take(offender: int, photo: int) -> int:
    """The drawing's seed for a gallery photo; a camera still of the same take looks alike."""
    return offender * 10 + photo


class _History:
    def __init__(self, shops: Sequence[Shop], moment: datetime, seed: int) -> None:
        self.dice = random.Random(seed)  # noqa: S311 - demo data, not security
        self.shops = list(shops)
        self.moment = moment
        self.reports: list[PlannedReport] = []

    def add(
        self, shop: Shop, occurred_at: datetime, *, delay: timedelta | None = None, **fields: object
    ) -> None:
        dice = self.dice
        occurred_at = min(occurred_at, self.moment - timedelta(hours=1))
        kind = fields.pop("kind", None) or dice.choice(KINDS)
        reported_at = occurred_at + (delay if delay is not None else timedelta(minutes=dice.randint(2, 45)))
        self.reports.append(
            PlannedReport(
                client_id=uuid.UUID(int=dice.getrandbits(128)),
                shop=shop,
                kind=kind,  # type: ignore[arg-type]
                occurred_at=occurred_at,
                reported_at=min(reported_at, self.moment - timedelta(minutes=30)),
                description=WHAT_HAPPENED[kind].format(goods=dice.choice(GOODS)),  # type: ignore[index]
                value_stolen_pence=dice.randint(5, 250) * 100 if kind == IncidentKind.THEFT else None,
                **fields,  # type: ignore[arg-type]
            )
        )

    def random_day(self, days: float) -> datetime:
        """A moment in shop hours `days` ago (or so)."""
        when = self.moment - timedelta(days=days)
        return when.replace(hour=self.dice.randint(9, 19), minute=self.dice.randint(0, 59))

    def planned(self) -> list[PlannedReport]:
        return sorted(self.reports, key=lambda report: report.reported_at)


def town_history(shops: Sequence[Shop], moment: datetime) -> list[PlannedReport]:
    """The town centre's reports, oldest first."""
    history = _History(shops, moment, seed=2026)
    dice = history.dice
    busy = [shop for shop in shops for _ in range(3 if shop.name.startswith(("Riverside", "Corner")) else 1)]
    for _ in range(DAYS * PER_DAY):
        days = dice.uniform(0, DAYS)
        offender = None
        # A few regulars are in a third of the reports; the walk-through's man follows his timetable.
        if dice.random() < 0.33:
            offender = min(int(dice.expovariate(0.7)), len(GALLERY) - 1)
            if offender == REGULAR and days < RANDOM_REGULAR_UNTIL:
                offender = None
        history.add(dice.choice(busy), history.random_day(days), offender=offender)
    hotspot = next(shop for shop in shops if shop.name == HOTSPOT_SHOP)
    for _ in range(8):
        history.add(hotspot, history.random_day(dice.uniform(0.5, 6)))
    elsewhere = [shop for shop in shops if not shop.name.startswith("Riverside")]
    for index, days in enumerate(REGULAR_DAYS_AGO):
        # Exact gaps (and the same delay to each report) keep his alerts where the docstring says.
        history.add(
            elsewhere[index % len(elsewhere)],
            moment - timedelta(days=days),
            delay=timedelta(minutes=10),
            kind=IncidentKind.THREATS_AND_ABUSE if days == REGULAR_THREATS_DAYS_AGO else IncidentKind.THEFT,
            offender=REGULAR,
            photo=DemoPhoto(REGULAR, take=gallery_take(REGULAR, 0)) if days < 10 else None,
        )
    for days in VAN_DAYS_AGO:
        history.add(
            dice.choice(busy),
            history.random_day(days),
            kind=IncidentKind.THEFT,
            offender=VAN_DRIVER,
            vehicle_registration=VAN,
        )
    # Nobody named, but the camera still looks like a gallery photo; and the van again.
    history.add(
        shops[1],
        history.random_day(2),
        kind=IncidentKind.THEFT,
        photo=DemoPhoto(PHOTO_MATCH, take=gallery_take(PHOTO_MATCH, 0)),
    )
    history.add(shops[4], history.random_day(1), kind=IncidentKind.THEFT, vehicle_registration=VAN)
    return history.planned()


def park_history(shops: Sequence[Shop], moment: datetime) -> list[PlannedReport]:
    """The retail park's reports, oldest first (its gallery is PARK_GALLERY)."""
    history = _History(shops, moment, seed=2027)
    dice = history.dice
    for _ in range(PARK_REPORTS):
        offender = dice.choice([0, 0, 1]) if dice.random() < 0.4 else None
        history.add(dice.choice(shops), history.random_day(dice.uniform(0, DAYS)), offender=offender)
    return history.planned()
