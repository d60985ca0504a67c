"""Two town centres, each with shops, a team and one person of every role, logged in."""

from __future__ import annotations

from dataclasses import dataclass, field

from shopwatch.accounts.models import Membership, Role, User
from shopwatch.accounts.sessions import start_session
from shopwatch.api.ids import encode_id
from shopwatch.core.security import hash_password_sync
from shopwatch.places.models import Bid, NeighbourhoodTeam, Shop

PASSWORD = "correct horse battery"
_PASSWORD_HASH = hash_password_sync(PASSWORD)  # hashed once: argon2 is slow on purpose


@dataclass
class Town:
    bid: Bid
    shops: list[Shop]
    team: NeighbourhoodTeam
    users: dict[Role, User] = field(default_factory=dict)
    tokens: dict[Role, str] = field(default_factory=dict)

    @property
    def bid_id(self) -> str:
        return encode_id("Bid", self.bid.id)

    def shop_id(self, index: int = 0) -> str:
        return encode_id("Shop", self.shops[index].id)

    @property
    def team_id(self) -> str:
        return encode_id("NeighbourhoodTeam", self.team.id)


@dataclass
class World:
    home: Town
    away: Town
    admin: User
    admin_token: str

    def token(self, role: Role | None, town: str = "home") -> str | None:
        """The session token of `role` in `home` or `away`; admins belong to no town; None: anonymous."""
        if role is None:
            return None
        if role == Role.ADMIN:
            return self.admin_token
        return (self.home if town == "home" else self.away).tokens[role]


async def make_user(email: str, name: str, role: Role, **scope: object) -> User:
    user = await User.create(email=email, name=name, password_hash=_PASSWORD_HASH)
    await Membership.create(user=user, role=role, **scope)
    return user


async def make_town(slug: str) -> Town:
    bid = await Bid.create(name=f"{slug.title()} BID", slug=slug)
    shops = [
        await Shop.create(
            bid=bid,
            name=f"{slug.title()} Shop {n}",
            address=f"{n} High Street",
            postcode="MH1 1AA",
            latitude=52.19,
            longitude=-1.70,
        )
        for n in (1, 2)
    ]
    team = await NeighbourhoodTeam.create(name=f"{slug.title()} NPT", email=f"npt@{slug}.example.org")
    await team.bids.add(bid)
    town = Town(bid=bid, shops=shops, team=team)
    scopes = {
        Role.SHOP_STAFF: {"bid": bid, "shop": shops[0]},
        Role.BID_MANAGER: {"bid": bid},
        Role.POLICE: {"bid": bid, "team": team},
    }
    for role, scope in scopes.items():
        user = await make_user(
            f"{role.value.lower()}@{slug}.example.org", f"{slug} {role.value}", role, **scope
        )
        town.users[role] = user
        town.tokens[role] = await start_session(user)
    return town


async def make_world() -> World:
    home = await make_town("home")
    away = await make_town("away")
    admin = await make_user("admin@example.org", "Admin", Role.ADMIN)
    return World(home=home, away=away, admin=admin, admin_token=await start_session(admin))


async def make_colleague(town: Town) -> User:
    """A second member of staff at the town's first shop, beside the one `make_town` made."""
    return await make_user(
        f"colleague@{town.bid.slug}.example.org",
        "Colleague",
        Role.SHOP_STAFF,
        bid=town.bid,
        shop=town.shops[0],
    )
