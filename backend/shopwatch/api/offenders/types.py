"""GraphQL types for the offender gallery: offenders, their photos and exclusions, and suggestions."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from tortoise.expressions import Q

from shopwatch.alerts.scope import page_after as alerts_page_after
from shopwatch.alerts.scope import visible_alerts
from shopwatch.api.context import Info
from shopwatch.api.ids import encode_id
from shopwatch.api.pagination import Connection, connection, decode_cursor, empty_connection, page_size
from shopwatch.api.places import Bid
from shopwatch.offenders import models
from shopwatch.offenders.exclusions import current_or_latest, effective_status, in_force, today
from shopwatch.offenders.gallery import Sightings, sees_whole_gallery
from shopwatch.offenders.matching import Suggestion
from shopwatch.offenders.photos import offender_photo_url

if TYPE_CHECKING:
    from shopwatch.api.alerts.types import Alert
    from shopwatch.api.incidents.types import Incident

strawberry.enum(
    models.OffenderStatus,
    name="OffenderStatus",
    description="ACTIVE: in the gallery; EXCLUDED: under an exclusion notice in force today; "
    "ARCHIVED: kept for the record, hidden from shop staff; ID_SOUGHT: seen but not yet identified, "
    "shown to shop staff so they can help identify them.",
)


@strawberry.type
class OffenderPhoto:
    id: strawberry.ID
    url: str = strawberry.field(description="The display copy, about 1600 px, without metadata.")
    thumbnail_url: str = strawberry.field(description="320 px, without metadata.")
    original_url: str | None = strawberry.field(
        description="The untouched original; null unless the viewer may see originals."
    )
    width: int
    height: int

    @classmethod
    def from_model(cls, photo: models.OffenderPhoto, originals: bool) -> OffenderPhoto:
        return cls(
            id=encode_id("OffenderPhoto", photo.id),
            url=offender_photo_url(photo.id, "display"),
            thumbnail_url=offender_photo_url(photo.id, "thumbnail"),
            original_url=offender_photo_url(photo.id, "original") if originals else None,
            width=photo.width,
            height=photo.height,
        )


@strawberry.type(description="An exclusion notice; both days are included.")
class Exclusion:
    id: strawberry.ID
    starts_on: date
    ends_on: date = strawberry.field(
        description="The last day covered: for a notice ended early, the day before it was ended (the "
        "day before startsOn if it had not begun)."
    )
    reason: str
    in_force: bool = strawberry.field(description="In force today (UK date).")
    issued_at: datetime
    ended_at: datetime | None = strawberry.field(description="When a manager ended it early; else null.")
    end_reason: str | None = strawberry.field(description="Why it was ended early; else null.")

    @classmethod
    def from_model(cls, exclusion: models.Exclusion) -> Exclusion:
        return cls(
            id=encode_id("Exclusion", exclusion.id),
            starts_on=exclusion.starts_on,
            ends_on=exclusion.ends_on,
            reason=exclusion.reason,
            in_force=in_force(exclusion, today()),
            issued_at=exclusion.created_at,
            ended_at=exclusion.ended_at,
            end_reason=exclusion.end_reason,
        )


@strawberry.type
class Offender:
    id: strawberry.ID
    display_name: str
    description: str
    created_at: datetime
    model: strawberry.Private[models.Offender]

    @classmethod
    def from_model(cls, offender: models.Offender) -> Offender:
        return cls(
            id=encode_id("Offender", offender.id),
            display_name=offender.display_name,
            description=offender.description,
            created_at=offender.created_at,
            model=offender,
        )

    async def _exclusions(self, info: Info) -> list[models.Exclusion]:
        return await info.context.loaders.exclusions_by_offender.load(self.model.id)

    @strawberry.field
    async def status(self, info: Info) -> models.OffenderStatus:
        latest = current_or_latest(await self._exclusions(info), today())
        return effective_status(self.model.status, latest, today())

    @strawberry.field
    async def bid(self, info: Info) -> Bid:
        bid = await info.context.loaders.bid.load(self.model.bid_id)
        assert bid is not None  # the foreign key guarantees it
        return Bid.from_model(bid)

    async def _sightings(self, info: Info) -> Sightings:
        viewer = info.context.viewer
        if viewer is None:
            return Sightings(0, None)
        return await info.context.loaders.visible_sightings(viewer).load(self.model.id)

    @strawberry.field(description="How many of their incidents the viewer may see.")
    async def incident_count(self, info: Info) -> int:
        return (await self._sightings(info)).count

    @strawberry.field(
        description="When the latest of their incidents that the viewer may see happened: for shop "
        "staff, the latest at their own shop; null if none."
    )
    async def last_seen_at(self, info: Info) -> datetime | None:
        viewer = info.context.viewer
        if viewer is not None and sees_whole_gallery(viewer, self.model.bid_id):
            return self.model.last_seen_at  # every incident of the BID is theirs to see
        return (await self._sightings(info)).last_seen_at

    @strawberry.field(description="Their incidents that the viewer may see, newest first.")
    async def incidents(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Annotated[Incident, strawberry.lazy("shopwatch.api.incidents.types")]]:
        from shopwatch.api.incidents.types import Incident, incident_sort_key

        size = page_size(first)
        viewer = info.context.viewer
        if viewer is None:
            return empty_connection()
        loader = info.context.loaders.incident_pages(viewer)
        rows = await loader.load((self.model.id, decode_cursor("Incident", after), size))
        return connection(rows, size, Incident.from_model, "Incident", incident_sort_key)

    @strawberry.field(
        description="Alerts about them (records merged into theirs included), newest first; null for "
        "viewers who may not see this BID's alerts (shop staff). One query per offender: ask for it on "
        "one offender, not across a list."
    )
    async def alerts(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Annotated[Alert, strawberry.lazy("shopwatch.api.alerts.types")]] | None:
        from shopwatch.api.alerts.types import Alert

        size = page_size(first)
        viewer = info.context.viewer
        if viewer is None or not sees_whole_gallery(viewer, self.model.bid_id):
            return None
        query = visible_alerts(viewer).filter(
            Q(offender_id=self.model.id) | Q(offender__merged_into_id=self.model.id)
        )
        rows = await alerts_page_after(query, decode_cursor("Alert", after), size)
        return connection(rows, size, Alert.from_model, "Alert", lambda row: (row.created_at, row.id))

    @strawberry.field(
        description="Other records of the same BID that may be the same person (a photo alike, or the "
        "same name), closest first, for a manager to merge; null for shop staff."
    )
    async def possible_duplicates(self, info: Info) -> list[Offender] | None:
        viewer = info.context.viewer
        if viewer is None or not sees_whole_gallery(viewer, self.model.bid_id):
            return None
        found = await info.context.loaders.possible_duplicates.load(self.model.id)
        return [Offender.from_model(row) for row in found]

    @strawberry.field(description="The exclusion in force today, else the one starting latest; or null.")
    async def exclusion(self, info: Info) -> Exclusion | None:
        latest = current_or_latest(await self._exclusions(info), today())
        return Exclusion.from_model(latest) if latest else None

    @strawberry.field(description="Every exclusion notice, latest start first.")
    async def exclusions(self, info: Info) -> list[Exclusion]:
        return [Exclusion.from_model(row) for row in await self._exclusions(info)]

    @strawberry.field
    async def photos(self, info: Info) -> list[OffenderPhoto]:
        viewer = info.context.viewer
        originals = viewer is not None and sees_whole_gallery(viewer, self.model.bid_id)
        photos = await info.context.loaders.photos_by_offender.load(self.model.id)
        return [OffenderPhoto.from_model(photo, originals) for photo in photos]

    @strawberry.field(description="The first photo's thumbnail, for lists; null without photos.")
    async def thumbnail_url(self, info: Info) -> str | None:
        photos = await info.context.loaders.photos_by_offender.load(self.model.id)
        return offender_photo_url(photos[0].id, "thumbnail") if photos else None


OffenderConnection = Connection[Offender]


@strawberry.type(description="A gallery offender an unlinked incident might show, and why.")
class PossibleOffender:
    offender: Offender
    reason: str = strawberry.field(description="Why, in words, e.g. which photo looks alike.")
    photo_distance: int | None = strawberry.field(
        description="Bits (of 64) by which the closest photo pair differs; null if only the vehicle matched."
    )
    vehicle_incidents: int = strawberry.field(
        description="How many of their incidents carry the same vehicle registration."
    )

    @classmethod
    def from_suggestion(cls, suggestion: Suggestion) -> PossibleOffender:
        return cls(
            offender=Offender.from_model(suggestion.offender),
            reason=suggestion.reason,
            photo_distance=suggestion.photo_distance,
            vehicle_incidents=suggestion.vehicle_incidents,
        )
