"""Demo data for a laptop run: a fictional town centre and a retail park on its edge, each a BID with its
shops, one neighbourhood police team covering both, and an account per role."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tortoise.transactions import in_transaction

from shopwatch.accounts.models import Membership, Role, User
from shopwatch.core.security import hash_password
from shopwatch.places.models import Bid, NeighbourhoodTeam, Shop

DEMO_SLUG = "market-harcombe"
PARK_SLUG = "harcombe-retail-park"
DEMO_PASSWORD = "harcombe-demo-2026"  # noqa: S105 - printed for laptop runs; demo refuses production

# Market Harcombe is fictional; "MH" is not a real postcode area, so nothing here points at a real shop.
DEMO_SHOPS = [
    ("Riverside Supermarket", "2 Bridge Street", "MH1 1AA", 52.19312, -1.70821),
    ("Greenway Pharmacy", "14 High Street", "MH1 1BD", 52.19255, -1.70702),
    ("Pennyworth Convenience", "31 High Street", "MH1 1BG", 52.19231, -1.70588),
    ("The Book Nook", "5 Church Lane", "MH1 2CL", 52.19188, -1.70935),
    ("Marsh & Daughters Butchers", "8 Market Place", "MH1 1MP", 52.19290, -1.70460),
    ("Harcombe Sports", "22 Sheep Street", "MH1 3SS", 52.19142, -1.70511),
    ("Bellweather Fashion", "40 High Street", "MH1 1BQ", 52.19205, -1.70455),
    ("Tallow & Wick Gifts", "3 Wood Street", "MH1 2WS", 52.19350, -1.70630),
    ("Quickfix Phones", "17 Wood Street", "MH1 2WT", 52.19371, -1.70581),
    ("Corner Off-Licence", "1 Guild Street", "MH2 4GS", 52.19421, -1.70390),
    ("Thornton Newsagents", "9 Rother Street", "MH1 3RS", 52.19102, -1.70812),
    ("Vale Electrical", "26 Bridge Street", "MH1 1AF", 52.19330, -1.70748),
]
PARK_SHOPS = [
    ("Buildwise DIY", "Unit 1, Harcombe Retail Park", "MH4 7RP", 52.18512, -1.69021),
    ("PetPantry", "Unit 2, Harcombe Retail Park", "MH4 7RP", 52.18530, -1.68990),
    ("Sportzone", "Unit 4, Harcombe Retail Park", "MH4 7RQ", 52.18561, -1.68942),
    ("Homestore Outlet", "Unit 6, Harcombe Retail Park", "MH4 7RQ", 52.18588, -1.68901),
]


@dataclass(frozen=True)
class DemoLogin:
    role: Role
    email: str
    password: str


async def load_demo() -> list[DemoLogin] | None:
    """Create the demo town centre unless any BID exists yet; the logins created, or None."""
    if await Bid.exists():
        return None
    password_hash = await hash_password(DEMO_PASSWORD)
    async with in_transaction():
        bid = await Bid.create(name="Market Harcombe Town Centre BID", slug=DEMO_SLUG)
        shops = [
            await Shop.create(
                bid=bid, name=name, address=address, postcode=postcode, latitude=lat, longitude=lon
            )
            for name, address, postcode, lat, lon in DEMO_SHOPS
        ]
        park = await Bid.create(name="Harcombe Retail Park BID", slug=PARK_SLUG)
        for name, address, postcode, lat, lon in PARK_SHOPS:
            await Shop.create(
                bid=park, name=name, address=address, postcode=postcode, latitude=lat, longitude=lon
            )
        team = await NeighbourhoodTeam.create(
            name="Market Harcombe Neighbourhood Policing Team", email="harcombe.npt@example.org"
        )
        await team.bids.add(bid, park)
        people: list[tuple[Role, str, str, dict[str, Any]]] = [
            (Role.ADMIN, "admin@example.org", "Alex Admin", {}),
            (Role.BID_MANAGER, "manager@example.org", "Morgan Manager", {"bid": bid}),
            (Role.SHOP_STAFF, "staff@example.org", "Sam Staff", {"bid": bid, "shop": shops[0]}),
            (Role.POLICE, "pcso@example.org", "Priya PCSO", {"bid": bid, "team": team}),
            (Role.BID_MANAGER, "park.manager@example.org", "Robin Parker", {"bid": park}),
        ]
        logins = []
        for role, email, name, scope in people:
            user = await User.create(email=email, name=name, password_hash=password_hash)
            await Membership.create(user=user, role=role, **scope)
            logins.append(DemoLogin(role=role, email=email, password=DEMO_PASSWORD))
    return logins
