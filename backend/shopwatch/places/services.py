"""Setting up town centres: BIDs, shops, neighbourhood teams, and where an invitation may lead."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tortoise.exceptions import IntegrityError
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from shopwatch.accounts.models import Role
from shopwatch.accounts.services import InviteTarget, check_name, normalise_email
from shopwatch.accounts.viewer import Viewer
from shopwatch.core.clock import now
from shopwatch.core.errors import InvalidInput, NotFoundError
from shopwatch.places.models import Bid, NeighbourhoodTeam, Shop

_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
# The shape of a UK postcode (outward code, then inward code), as Royal Mail writes it.
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")


def visible_bids(viewer: Viewer) -> QuerySet[Bid]:
    """The BIDs the viewer may see, filtered in the query."""
    query = Bid.all().order_by("name", "id")
    return query if viewer.is_admin else query.filter(id__in=list(viewer.visible_bid_ids))


def visible_shops(viewer: Viewer) -> QuerySet[Shop]:
    """The shops of the BIDs the viewer may see (shop staff see their BID's other shops too, as in
    `Bid.shops`), filtered in the query."""
    query = Shop.all()
    return query if viewer.is_admin else query.filter(bid_id__in=list(viewer.visible_bid_ids))


async def teams_by_bid(bid_ids: Sequence[int]) -> list[list[NeighbourhoodTeam]]:
    teams = (
        await NeighbourhoodTeam.filter(bids__id__in=list(bid_ids))
        .order_by("name")
        .values("id", "name", "email", "created_at", bid_id="bids__id")
    )
    grouped: dict[int, list[NeighbourhoodTeam]] = {bid_id: [] for bid_id in bid_ids}
    for row in teams:
        bid_id = row.pop("bid_id")
        grouped[bid_id].append(NeighbourhoodTeam(**row))
    return [grouped[bid_id] for bid_id in bid_ids]


# Long enough to catch a returning offender, short enough that nobody is kept on file for years.
MIN_RETENTION_MONTHS, MAX_RETENTION_MONTHS = 1, 72


async def set_offender_retention(bid: Bid, months: int) -> Bid:
    if not MIN_RETENTION_MONTHS <= months <= MAX_RETENTION_MONTHS:
        raise InvalidInput(
            "offenderRetentionMonths",
            f"Choose between {MIN_RETENTION_MONTHS} and {MAX_RETENTION_MONTHS} months.",
        )
    bid.offender_retention_months = months
    await bid.save(update_fields=["offender_retention_months"])
    return bid


async def get_bid(bid_id: int) -> Bid:
    bid = await Bid.get_or_none(id=bid_id)
    if bid is None:
        raise NotFoundError("There is no such BID.")
    return bid


async def create_bid(name: str, slug: str) -> Bid:
    name = check_name(name)
    slug = slug.strip().lower()
    if not _SLUG.match(slug):
        raise InvalidInput("slug", "Use 1 to 64 lower-case letters, digits and hyphens, e.g. 'kingsbridge'.")
    try:
        async with in_transaction():
            return await Bid.create(name=name, slug=slug)
    except IntegrityError:
        raise InvalidInput("slug", "Another BID already uses this slug.") from None


def normalise_postcode(postcode: str) -> str:
    compact = re.sub(r"\s+", "", postcode.upper())
    match = _POSTCODE.match(compact)
    if not match:
        raise InvalidInput("postcode", "Enter a UK postcode such as KB1 2AB.")
    return f"{match.group(1)} {match.group(2)}"


def _check_address(address: str) -> str:
    address = address.strip()
    if not 1 <= len(address) <= 300:
        raise InvalidInput("address", "Enter an address of 1 to 300 characters.")
    if "\x00" in address:
        raise InvalidInput("address", "Remove the NUL character.")
    return address


def _check_position(latitude: float, longitude: float) -> None:
    if not -90 <= latitude <= 90:
        raise InvalidInput("latitude", "Latitude must be between -90 and 90.")
    if not -180 <= longitude <= 180:
        raise InvalidInput("longitude", "Longitude must be between -180 and 180.")


SHOP_NAME_TAKEN = "This BID already has a shop with that name."
SHOP_CLOSED = "This shop is closed: it takes no new reports or staff."


async def create_shop(
    bid: Bid, name: str, address: str, postcode: str, latitude: float, longitude: float
) -> Shop:
    name = check_name(name)
    address = _check_address(address)
    _check_position(latitude, longitude)
    postcode = normalise_postcode(postcode)
    try:
        async with in_transaction():
            return await Shop.create(
                bid=bid,
                name=name,
                address=address,
                postcode=postcode,
                latitude=latitude,
                longitude=longitude,
            )
    except IntegrityError:
        raise InvalidInput("name", SHOP_NAME_TAKEN) from None


@dataclass(frozen=True)
class ShopChanges:
    """What to change of a shop; None leaves a value as it is."""

    name: str | None = None
    address: str | None = None
    postcode: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    closed: bool | None = None


async def get_shop(shop_id: int) -> Shop:
    shop = await Shop.get_or_none(id=shop_id)
    if shop is None:
        raise NotFoundError("There is no such shop.")
    return shop


async def update_shop(shop: Shop, changes: ShopChanges) -> list[str]:
    """Apply the changes given; the names of the fields that changed. Closing keeps the shop's
    history; reopening (`closed=False`) lets it take reports again."""
    values: dict[str, object] = {}
    if changes.name is not None:
        values["name"] = check_name(changes.name)
    if changes.address is not None:
        values["address"] = _check_address(changes.address)
    if changes.postcode is not None:
        values["postcode"] = normalise_postcode(changes.postcode)
    _check_position(
        shop.latitude if changes.latitude is None else changes.latitude,
        shop.longitude if changes.longitude is None else changes.longitude,
    )
    if changes.latitude is not None:
        values["latitude"] = changes.latitude
    if changes.longitude is not None:
        values["longitude"] = changes.longitude
    if changes.closed is not None and changes.closed != (shop.closed_at is not None):
        values["closed_at"] = now() if changes.closed else None
    changed = sorted(field for field, value in values.items() if getattr(shop, field) != value)
    if not changed:
        return []
    try:
        async with in_transaction():
            await Shop.filter(id=shop.id).update(**{field: values[field] for field in changed})
    except IntegrityError:
        raise InvalidInput("name", SHOP_NAME_TAKEN) from None
    for field in changed:  # only once stored, so a refused change leaves the object as it was
        setattr(shop, field, values[field])
    return changed


def check_shop_open(shop: Shop, field: str = "shopId") -> None:
    if shop.closed_at is not None:
        raise InvalidInput(field, SHOP_CLOSED)


async def rename_bid(bid: Bid, name: str) -> bool:
    """True if the name changed."""
    name = check_name(name)
    if name == bid.name:
        return False
    bid.name = name
    await bid.save(update_fields=["name"])
    return True


async def set_staff_referral(bid: Bid, allowed: bool) -> bool:
    """Whether shop staff may refer their own reports to the police; True if it changed."""
    if bid.staff_may_refer_to_police == allowed:
        return False
    bid.staff_may_refer_to_police = allowed
    await bid.save(update_fields=["staff_may_refer_to_police"])
    return True


async def _bids_for_team(bid_ids: Iterable[int]) -> list[Bid]:
    wanted = set(bid_ids)
    if not wanted:
        raise InvalidInput("bidIds", "Choose at least one BID the team covers.")
    bids = await Bid.filter(id__in=list(wanted))
    if len(bids) != len(wanted):
        raise InvalidInput("bidIds", "One of these BIDs does not exist.")
    return bids


async def create_team(name: str, email: str, bid_ids: Iterable[int]) -> NeighbourhoodTeam:
    name = check_name(name)
    email = normalise_email(email)
    bids = await _bids_for_team(bid_ids)
    async with in_transaction():
        team = await NeighbourhoodTeam.create(name=name, email=email)
        await team.bids.add(*bids)
    return team


async def get_team(team_id: int) -> NeighbourhoodTeam:
    team = await NeighbourhoodTeam.get_or_none(id=team_id)
    if team is None:
        raise NotFoundError("There is no such neighbourhood team.")
    return team


@dataclass(frozen=True)
class TeamChanges:
    """What to change of a team; None leaves a value as it is. `bid_ids` is the whole new set."""

    name: str | None = None
    email: str | None = None
    bid_ids: Sequence[int] | None = None


@dataclass(frozen=True)
class TeamUpdate:
    changed: list[str]
    added_bids: list[int]
    removed_bids: list[int]


async def update_team(team: NeighbourhoodTeam, changes: TeamChanges) -> TeamUpdate:
    """Apply the changes given (the caller's transaction holds them together)."""
    values: dict[str, str] = {}
    if changes.name is not None:
        values["name"] = check_name(changes.name)
    if changes.email is not None:
        values["email"] = normalise_email(changes.email)
    bids = await _bids_for_team(changes.bid_ids) if changes.bid_ids is not None else None
    changed = sorted(field for field, value in values.items() if getattr(team, field) != value)
    for field in changed:
        setattr(team, field, values[field])
    if changed:
        await team.save(update_fields=changed)
    added: list[int] = []
    removed: list[int] = []
    if bids is not None:
        current = await team.bids.all()
        wanted = {bid.id for bid in bids}
        added = sorted(wanted - {bid.id for bid in current})
        removed = sorted(bid.id for bid in current if bid.id not in wanted)
        if removed:
            await team.bids.remove(*[bid for bid in current if bid.id in removed])
        if added:
            await team.bids.add(*[bid for bid in bids if bid.id in added])
        if added or removed:
            changed.append("bidIds")
    return TeamUpdate(changed=changed, added_bids=added, removed_bids=removed)


def visible_teams(viewer: Viewer) -> QuerySet[NeighbourhoodTeam]:
    """Every team for administrators; for others the teams covering a BID they belong to."""
    query = NeighbourhoodTeam.all().order_by("name", "id")
    if viewer.is_admin:
        return query
    return query.filter(bids__id__in=list(viewer.visible_bid_ids)).distinct()


async def bids_by_team(team_ids: Sequence[int], visible: QuerySet[Bid]) -> list[list[Bid]]:
    """Each team's BIDs among `visible`, by name: two queries for any number of teams."""
    pairs = await NeighbourhoodTeam.filter(id__in=list(team_ids)).values_list("id", "bids__id")
    bid_ids = {int(bid_id) for _, bid_id in pairs if bid_id is not None}
    found = {bid.id: bid for bid in await visible.filter(id__in=list(bid_ids))} if bid_ids else {}
    grouped: dict[int, list[Bid]] = {pk: [] for pk in team_ids}
    for team_id, bid_id in pairs:
        if bid_id is not None and int(bid_id) in found:
            grouped[int(team_id)].append(found[int(bid_id)])
    for bids in grouped.values():
        bids.sort(key=lambda bid: (bid.name, bid.id))
    return [grouped[pk] for pk in team_ids]


async def invite_target(
    viewer: Viewer, role: Role, bid_id: int, shop_id: int | None, team_id: int | None
) -> InviteTarget:
    """Check that an invitation makes sense for this BID; `NotFoundError` when the BID is out of reach."""
    if not viewer.can_see_bid(bid_id):
        raise NotFoundError("There is no such BID.")
    bid = await get_bid(bid_id)
    if role == Role.ADMIN:
        raise InvalidInput("role", "Administrators are created with `shopwatch create-admin`.")
    if role == Role.SHOP_STAFF:
        shop = await Shop.get_or_none(id=shop_id, bid_id=bid.id) if shop_id is not None else None
        if shop is None:
            raise InvalidInput("shopId", "Choose one of this BID's shops for shop staff.")
        check_shop_open(shop)
        return InviteTarget(role=role, bid_id=bid.id, bid_name=bid.name, shop_id=shop.id, shop_name=shop.name)
    if shop_id is not None:
        raise InvalidInput("shopId", "Only shop staff belong to a shop.")
    if role == Role.POLICE:
        teams = NeighbourhoodTeam.filter(bids__id=bid.id)
        candidates = await (teams.filter(id=team_id) if team_id is not None else teams)
        if len(candidates) != 1:
            raise InvalidInput(
                "teamId",
                "Choose the neighbourhood team, among those covering this BID, the officer belongs to.",
            )
        return InviteTarget(role=role, bid_id=bid.id, bid_name=bid.name, team_id=candidates[0].id)
    if team_id is not None:
        raise InvalidInput("teamId", "Only police officers belong to a neighbourhood team.")
    return InviteTarget(role=role, bid_id=bid.id, bid_name=bid.name)


async def covering_team_addresses(bid_id: int) -> list[str]:
    """The distinct addresses of every team covering the BID (case-insensitively), oldest team first:
    where its alerts and referrals go."""
    emails = await NeighbourhoodTeam.filter(bids__id=bid_id).order_by("id").values_list("email", flat=True)
    distinct: dict[str, str] = {}
    for email in emails:
        address = str(email).strip()
        if address:
            distinct.setdefault(address.lower(), address)
    return list(distinct.values())
