"""GraphQL for BIDs, shops and neighbourhood teams."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from shopwatch.actions import places
from shopwatch.api.context import Info
from shopwatch.api.errors import NotFound, PermissionDenied, ValidationError
from shopwatch.api.ids import decode_id, encode_id
from shopwatch.api.permissions import IsAdmin, IsAuthenticated, managed_bid, refusal
from shopwatch.core.errors import InvalidInput, NotFoundError
from shopwatch.places import models, services

if TYPE_CHECKING:
    from shopwatch.api.evidence.types import BusinessImpactStatement


@strawberry.type
class Shop:
    id: strawberry.ID
    name: str
    address: str
    postcode: str
    latitude: float
    longitude: float
    closed_at: datetime | None = strawberry.field(
        description="When the shop closed; null while open. A closed shop keeps its history and "
        "takes no new reports or staff."
    )
    bid_pk: strawberry.Private[int]
    pk: strawberry.Private[int]

    @classmethod
    def from_model(cls, shop: models.Shop) -> Shop:
        return cls(
            id=encode_id("Shop", shop.id),
            pk=shop.id,
            name=shop.name,
            address=shop.address,
            postcode=shop.postcode,
            latitude=shop.latitude,
            longitude=shop.longitude,
            closed_at=shop.closed_at,
            bid_pk=shop.bid_id,
        )

    @strawberry.field(
        description="What crime does to the shop's business, in its words (the latest recorded); null if "
        "none, and for viewers other than the BID's managers, covering police, administrators and the "
        "shop's own staff."
    )
    async def impact_statement(
        self, info: Info
    ) -> Annotated[BusinessImpactStatement, strawberry.lazy("shopwatch.api.evidence.types")] | None:
        # Imported here: the evidence types build on this module's.
        from shopwatch.api.evidence.fields import impact_statement

        return await impact_statement(info, self.pk, self.bid_pk)


@strawberry.type
class NeighbourhoodTeam:
    id: strawberry.ID
    name: str
    email: str
    pk: strawberry.Private[int]

    @classmethod
    def from_model(cls, team: models.NeighbourhoodTeam) -> NeighbourhoodTeam:
        return cls(id=encode_id("NeighbourhoodTeam", team.id), name=team.name, email=team.email, pk=team.id)

    @strawberry.field(description="The BIDs the team covers, among those the viewer may see.")
    async def bids(self, info: Info) -> list[Bid]:
        viewer = info.context.viewer
        if viewer is None:
            return []
        return [Bid.from_model(bid) for bid in await info.context.loaders.bids_by_team(viewer).load(self.pk)]


@strawberry.type
class Bid:
    id: strawberry.ID
    name: str
    slug: str
    offender_retention_months: int = strawberry.field(
        description="An offender with no incident for this long and no exclusion running is forgotten."
    )
    staff_may_refer_to_police: bool = strawberry.field(
        description="Whether shop staff may refer their own reports to the police (managers always may)."
    )
    pk: strawberry.Private[int]

    @classmethod
    def from_model(cls, bid: models.Bid) -> Bid:
        return cls(
            id=encode_id("Bid", bid.id),
            name=bid.name,
            slug=bid.slug,
            offender_retention_months=bid.offender_retention_months,
            staff_may_refer_to_police=bid.staff_may_refer_to_police,
            pk=bid.id,
        )

    @strawberry.field
    async def shops(self, info: Info) -> list[Shop]:
        return [Shop.from_model(shop) for shop in await info.context.loaders.shops_by_bid.load(self.pk)]

    @strawberry.field(
        description="The neighbourhood police teams covering this BID; they receive its alerts."
    )
    async def teams(self, info: Info) -> list[NeighbourhoodTeam]:
        return [
            NeighbourhoodTeam.from_model(team)
            for team in await info.context.loaders.teams_by_bid.load(self.pk)
        ]


@strawberry.type
class PlacesQuery:
    @strawberry.field(permission_classes=[IsAuthenticated], description="The BIDs the viewer may see.")
    async def bids(self, info: Info) -> list[Bid]:
        assert info.context.viewer is not None
        return [Bid.from_model(bid) for bid in await services.visible_bids(info.context.viewer)]

    @strawberry.field(
        permission_classes=[IsAuthenticated],
        description="One shop of a BID the viewer may see; null if not found or not visible.",
    )
    async def shop(self, info: Info, id: strawberry.ID) -> Shop | None:
        assert info.context.viewer is not None
        pk = decode_id("Shop", id)
        if pk is None:
            return None
        row = await services.visible_shops(info.context.viewer).get_or_none(id=pk)
        return Shop.from_model(row) if row else None

    @strawberry.field(
        permission_classes=[IsAuthenticated],
        description="Every team for administrators; for others, the teams covering their BIDs.",
    )
    async def neighbourhood_teams(self, info: Info) -> list[NeighbourhoodTeam]:
        assert info.context.viewer is not None
        teams = await services.visible_teams(info.context.viewer)
        return [NeighbourhoodTeam.from_model(team) for team in teams]


@strawberry.input
class CreateBidInput:
    name: str
    slug: str


@strawberry.type
class CreateBidSuccess:
    bid: Bid


CreateBidResult = Annotated[
    CreateBidSuccess | ValidationError | PermissionDenied, strawberry.union("CreateBidResult")
]


@strawberry.input
class CreateShopInput:
    bid_id: strawberry.ID
    name: str
    address: str
    postcode: str
    latitude: float
    longitude: float


@strawberry.type
class CreateShopSuccess:
    shop: Shop


CreateShopResult = Annotated[
    CreateShopSuccess | ValidationError | PermissionDenied | NotFound,
    strawberry.union("CreateShopResult"),
]


@strawberry.input
class CreateTeamInput:
    name: str
    email: str
    bid_ids: list[strawberry.ID]


@strawberry.type
class CreateTeamSuccess:
    team: NeighbourhoodTeam


CreateTeamResult = Annotated[
    CreateTeamSuccess | ValidationError | PermissionDenied, strawberry.union("CreateTeamResult")
]


@strawberry.input
class UpdateRetentionInput:
    bid_id: strawberry.ID
    offender_retention_months: int


@strawberry.type
class UpdateRetentionSuccess:
    bid: Bid


UpdateRetentionResult = Annotated[
    UpdateRetentionSuccess | ValidationError | PermissionDenied | NotFound,
    strawberry.union("UpdateRetentionResult"),
]


@strawberry.type
class PlacesMutation:
    @strawberry.mutation(description="Administrators only.")
    async def create_bid(self, info: Info, input: CreateBidInput) -> CreateBidResult:
        if denied := refusal(info.context.viewer, IsAdmin()):
            return denied
        try:
            bid = await services.create_bid(input.name, input.slug)
        except InvalidInput as error:
            return ValidationError.from_error(error)
        return CreateBidSuccess(bid=Bid.from_model(bid))

    @strawberry.mutation(description="Administrators, or the BID's managers.")
    async def create_shop(self, info: Info, input: CreateShopInput) -> CreateShopResult:
        bid_id = managed_bid(info.context.viewer, input.bid_id)
        if not isinstance(bid_id, int):
            return bid_id
        try:
            bid = await services.get_bid(bid_id)
            shop = await services.create_shop(
                bid, input.name, input.address, input.postcode, input.latitude, input.longitude
            )
        except NotFoundError as error:
            return NotFound.from_error(error)
        except InvalidInput as error:
            return ValidationError.from_error(error)
        return CreateShopSuccess(shop=Shop.from_model(shop))

    @strawberry.mutation(
        description="How long the gallery keeps someone not seen since. Administrators, or "
        "the BID's managers."
    )
    async def update_retention(self, info: Info, input: UpdateRetentionInput) -> UpdateRetentionResult:
        bid_id = managed_bid(info.context.viewer, input.bid_id)
        if not isinstance(bid_id, int):
            return bid_id
        try:
            bid = await places.set_offender_retention(
                info.context.acting, bid_id, input.offender_retention_months
            )
        except NotFoundError as error:
            return NotFound.from_error(error)
        except InvalidInput as error:
            return ValidationError.from_error(error)
        return UpdateRetentionSuccess(bid=Bid.from_model(bid))

    @strawberry.mutation(name="createNeighbourhoodTeam", description="Administrators only.")
    async def create_team(self, info: Info, input: CreateTeamInput) -> CreateTeamResult:
        if denied := refusal(info.context.viewer, IsAdmin()):
            return denied
        bid_ids = [decode_id("Bid", value) for value in input.bid_ids]
        if None in bid_ids:
            return ValidationError(field="bidIds", message="One of these BIDs does not exist.")
        try:
            team = await services.create_team(
                input.name, input.email, [pk for pk in bid_ids if pk is not None]
            )
        except InvalidInput as error:
            return ValidationError.from_error(error)
        return CreateTeamSuccess(team=NeighbourhoodTeam.from_model(team))
