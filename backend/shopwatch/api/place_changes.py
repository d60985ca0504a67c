"""GraphQL for changing BIDs, shops and neighbourhood teams once they exist."""

from __future__ import annotations

from typing import Annotated

import strawberry

from shopwatch.actions import places
from shopwatch.api.context import Info
from shopwatch.api.errors import NotFound, PermissionDenied, ValidationError
from shopwatch.api.ids import decode_id
from shopwatch.api.permissions import LOG_IN_FIRST, IsAdmin, ManagesBid, refusal
from shopwatch.api.places import Bid, NeighbourhoodTeam, Shop
from shopwatch.core.errors import InvalidInput, NotFoundError
from shopwatch.places import services
from shopwatch.places.models import Shop as ShopModel

NO_SUCH_BID = "There is no such BID."
NO_SUCH_SHOP = "There is no such shop."
NO_SUCH_TEAM = "There is no such neighbourhood team."


@strawberry.input(description="Only what is given changes.")
class UpdateBidInput:
    bid_id: strawberry.ID
    name: str | None = strawberry.field(default=None, description="Administrators only; the slug stays.")
    staff_may_refer_to_police: bool | None = strawberry.field(
        default=None,
        description="Whether shop staff may refer their own reports to the police; the BID's managers "
        "and administrators.",
    )


@strawberry.type
class UpdateBidSuccess:
    bid: Bid


UpdateBidResult = Annotated[
    UpdateBidSuccess | ValidationError | PermissionDenied | NotFound, strawberry.union("UpdateBidResult")
]


@strawberry.input(description="Only what is given changes.")
class UpdateShopInput:
    shop_id: strawberry.ID
    name: str | None = None
    address: str | None = None
    postcode: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    closed: bool | None = strawberry.field(
        default=None, description="True closes the shop (it keeps its history); false reopens it."
    )


@strawberry.type
class UpdateShopSuccess:
    shop: Shop


UpdateShopResult = Annotated[
    UpdateShopSuccess | ValidationError | PermissionDenied | NotFound, strawberry.union("UpdateShopResult")
]


@strawberry.input(description="Only what is given changes; `bidIds` is the whole new set of BIDs covered.")
class UpdateTeamInput:
    team_id: strawberry.ID
    name: str | None = None
    email: str | None = None
    bid_ids: list[strawberry.ID] | None = None


@strawberry.type
class UpdateTeamSuccess:
    team: NeighbourhoodTeam


UpdateTeamResult = Annotated[
    UpdateTeamSuccess | ValidationError | PermissionDenied | NotFound, strawberry.union("UpdateTeamResult")
]


@strawberry.type
class PlaceChangesMutation:
    @strawberry.mutation(
        description="Renames a BID (administrators; its slug stays) or sets whether its shop staff may "
        "refer their own reports to the police (the BID's managers and administrators)."
    )
    async def update_bid(self, info: Info, input: UpdateBidInput) -> UpdateBidResult:
        viewer = info.context.viewer
        if input.name is None and input.staff_may_refer_to_police is None:
            return ValidationError(field="name", message="Give a new name or staffMayReferToPolice.")
        if input.name is not None and (denied := refusal(viewer, IsAdmin())):
            return denied
        if viewer is None:
            return PermissionDenied(message=LOG_IN_FIRST)
        pk = decode_id("Bid", input.bid_id)
        if pk is None or not viewer.can_see_bid(pk):
            return NotFound(message=NO_SUCH_BID)
        if input.staff_may_refer_to_police is not None and (denied := refusal(viewer, ManagesBid(pk))):
            return denied
        try:
            bid = await places.update_bid(
                info.context.acting,
                pk,
                name=input.name,
                staff_may_refer_to_police=input.staff_may_refer_to_police,
            )
        except NotFoundError as error:
            return NotFound.from_error(error)
        except InvalidInput as error:
            return ValidationError.from_error(error)
        return UpdateBidSuccess(bid=Bid.from_model(bid))

    @strawberry.mutation(description="Administrators, or the BID's managers.")
    async def update_shop(self, info: Info, input: UpdateShopInput) -> UpdateShopResult:
        viewer = info.context.viewer
        if viewer is None:
            return PermissionDenied(message=LOG_IN_FIRST)
        pk = decode_id("Shop", input.shop_id)
        shop = await ShopModel.get_or_none(id=pk) if pk else None
        if shop is None or not viewer.can_see_bid(shop.bid_id):
            return NotFound(message=NO_SUCH_SHOP)
        if denied := refusal(viewer, ManagesBid(shop.bid_id)):
            return denied
        changes = services.ShopChanges(
            name=input.name,
            address=input.address,
            postcode=input.postcode,
            latitude=input.latitude,
            longitude=input.longitude,
            closed=input.closed,
        )
        try:
            shop = await places.update_shop(info.context.acting, shop, changes)
        except InvalidInput as error:
            return ValidationError.from_error(error)
        return UpdateShopSuccess(shop=Shop.from_model(shop))

    @strawberry.mutation(name="updateNeighbourhoodTeam", description="Administrators only.")
    async def update_team(self, info: Info, input: UpdateTeamInput) -> UpdateTeamResult:
        if denied := refusal(info.context.viewer, IsAdmin()):
            return denied
        pk = decode_id("NeighbourhoodTeam", input.team_id)
        if pk is None:
            return NotFound(message=NO_SUCH_TEAM)
        bid_ids = None
        if input.bid_ids is not None:
            decoded = [decode_id("Bid", value) for value in input.bid_ids]
            if None in decoded:
                return ValidationError(field="bidIds", message="One of these BIDs does not exist.")
            bid_ids = [bid_pk for bid_pk in decoded if bid_pk is not None]
        changes = services.TeamChanges(name=input.name, email=input.email, bid_ids=bid_ids)
        try:
            team = await places.update_team(info.context.acting, pk, changes)
        except NotFoundError as error:
            return NotFound.from_error(error)
        except InvalidInput as error:
            return ValidationError.from_error(error)
        return UpdateTeamSuccess(team=NeighbourhoodTeam.from_model(team))
