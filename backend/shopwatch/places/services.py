"""Setting up town centres: BIDs, shops, neighbourhood teams, and where an invitation may lead."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from tortoise.exceptions import IntegrityError
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from shopwatch.accounts.models import Role
from shopwatch.accounts.services import InviteTarget, check_name, normalise_email
from shopwatch.accounts.viewer import Viewer
from shopwatch.core.errors import InvalidInput, NotFoundError
from shopwatch.places.models import Bid, NeighbourhoodTeam, Shop

_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
# The shape of a UK postcode (outward code, then inward code), as Royal Mail writes it.
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")


def visible_bids(viewer: Viewer) -> QuerySet[Bid]:
    """The BIDs the viewer may see, filtered in the query."""
    query = Bid.all().order_by("name", "id")
    return query if viewer.is_admin else query.filter(id__in=list(viewer.visible_bid_ids))


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


async def create_shop(
    bid: Bid, name: str, address: str, postcode: str, latitude: float, longitude: float
) -> Shop:
    name = check_name(name)
    address = address.strip()
    if not 1 <= len(address) <= 300:
        raise InvalidInput("address", "Enter an address of 1 to 300 characters.")
    if "\x00" in address:
        raise InvalidInput("address", "Remove the NUL character.")
    if not -90 <= latitude <= 90:
        raise InvalidInput("latitude", "Latitude must be between -90 and 90.")
    if not -180 <= longitude <= 180:
        raise InvalidInput("longitude", "Longitude must be between -180 and 180.")
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
        raise InvalidInput("name", "This BID already has a shop with that name.") from None


async def create_team(name: str, email: str, bid_ids: Iterable[int]) -> NeighbourhoodTeam:
    name = check_name(name)
    email = normalise_email(email)
    wanted = set(bid_ids)
    if not wanted:
        raise InvalidInput("bidIds", "Choose at least one BID the team covers.")
    bids = await Bid.filter(id__in=list(wanted))
    if len(bids) != len(wanted):
        raise InvalidInput("bidIds", "One of these BIDs does not exist.")
    async with in_transaction():
        team = await NeighbourhoodTeam.create(name=name, email=email)
        await team.bids.add(*bids)
    return team


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
