"""GraphQL types for incidents and their photos."""

from __future__ import annotations

from datetime import datetime

import strawberry

from shopwatch.api.accounts import User
from shopwatch.api.context import Info
from shopwatch.api.evidence import fields as evidence
from shopwatch.api.evidence.types import PoliceCase, PropertyLine, WitnessStatement
from shopwatch.api.ids import encode_id
from shopwatch.api.offenders.types import Offender, PossibleOffender
from shopwatch.api.pagination import Connection, SortKey
from shopwatch.api.places import Shop
from shopwatch.incidents import models
from shopwatch.incidents.services import may_see_originals
from shopwatch.offenders.gallery import sees_whole_gallery
from shopwatch.offenders.matching import IncidentKey

strawberry.enum(models.IncidentKind, name="IncidentKind")
strawberry.enum(models.IncidentStatus, name="IncidentStatus")


def photo_url(photo_id: int, variant: str) -> str:
    return f"/media/photos/{encode_id('Photo', photo_id)}/{variant}"


@strawberry.type
class Photo:
    id: strawberry.ID
    url: str = strawberry.field(description="The display copy, about 1600 px, without metadata.")
    thumbnail_url: str = strawberry.field(description="320 px, without metadata.")
    original_url: str | None = strawberry.field(
        description="The untouched original (evidence); null unless the viewer may see originals."
    )
    width: int
    height: int
    sha256: str = strawberry.field(description="SHA-256 of the original file, in hex.")
    content_type: str = strawberry.field(description="The original file's type.")
    pk: strawberry.Private[int]

    @classmethod
    def from_model(cls, photo: models.Photo, originals: bool) -> Photo:
        return cls(
            id=encode_id("Photo", photo.id),
            pk=photo.id,
            url=photo_url(photo.id, "display"),
            thumbnail_url=photo_url(photo.id, "thumbnail"),
            original_url=photo_url(photo.id, "original") if originals else None,
            width=photo.width,
            height=photo.height,
            sha256=photo.sha256,
            content_type=photo.content_type,
        )

    @strawberry.field(
        description="Its exhibit reference (e.g. 'MS/1') once a witness statement has produced it; else null."
    )
    async def exhibit_reference(self, info: Info) -> str | None:
        return await evidence.exhibit_reference(info, self.pk)


@strawberry.type(description="One change of an incident's status, with who made it, when and why.")
class IncidentStatusChange:
    previous_status: models.IncidentStatus
    status: models.IncidentStatus
    note: str = strawberry.field(description="Empty if none was given.")
    changed_at: datetime
    changed_by_pk: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, change: models.IncidentStatusChange) -> IncidentStatusChange:
        return cls(
            previous_status=change.previous_status,
            status=change.status,
            note=change.note,
            changed_at=change.changed_at,
            changed_by_pk=change.changed_by_id,
        )

    @strawberry.field(description="Null if their account was deleted.")
    async def changed_by(self, info: Info) -> User | None:
        if self.changed_by_pk is None:
            return None
        user = await info.context.loaders.user.load(self.changed_by_pk)
        return User.from_model(user) if user else None


@strawberry.type
class Incident:
    id: strawberry.ID
    client_id: strawberry.ID
    reference: str = strawberry.field(
        description="What a person reads out, e.g. 'MH-2026-00154': the BID's code, the year reported and "
        "its number in that BID and year. Unique within the BID, never changed; `incidents(filter: {text})` "
        "finds it."
    )
    kind: models.IncidentKind
    status: models.IncidentStatus
    occurred_at: datetime
    reported_at: datetime
    description: str
    value_stolen_pence: int | None
    police_reference: str | None
    injury: bool | None
    vehicle_registration: str | None
    model: strawberry.Private[models.Incident]

    @classmethod
    def from_model(cls, incident: models.Incident) -> Incident:
        return cls(
            id=encode_id("Incident", incident.id),
            client_id=strawberry.ID(str(incident.client_id)),
            reference=incident.reference,
            kind=incident.kind,
            status=incident.status,
            occurred_at=incident.occurred_at,
            reported_at=incident.reported_at,
            description=incident.description,
            value_stolen_pence=incident.value_stolen_pence,
            police_reference=incident.police_reference,
            injury=incident.injury,
            vehicle_registration=incident.vehicle_registration,
            model=incident,
        )

    @strawberry.field
    async def shop(self, info: Info) -> Shop:
        shop = await info.context.loaders.shop.load(self.model.shop_id)
        assert shop is not None  # the foreign key guarantees it
        return Shop.from_model(shop)

    @strawberry.field(description="Null if the reporter's account was deleted.")
    async def reporter(self, info: Info) -> User | None:
        if self.model.reporter_id is None:
            return None
        user = await info.context.loaders.user.load(self.model.reporter_id)
        return User.from_model(user) if user else None

    @strawberry.field(
        description="Every change of its status, oldest first (a new report starts NEW, with no change)."
    )
    async def history(self, info: Info) -> list[IncidentStatusChange]:
        changes = await info.context.loaders.status_history.load(self.model.id)
        return [IncidentStatusChange.from_model(change) for change in changes]

    @strawberry.field
    async def photos(self, info: Info) -> list[Photo]:
        viewer = info.context.viewer
        originals = viewer is not None and may_see_originals(viewer, self.model.bid_id)
        photos = await info.context.loaders.photos_by_incident.load(self.model.id)
        return [Photo.from_model(photo, originals) for photo in photos]

    @strawberry.field(
        description="The linked offenders the viewer may see in the gallery (for shop staff, not ARCHIVED "
        "records)."
    )
    async def offenders(self, info: Info) -> list[Offender]:
        viewer = info.context.viewer
        if viewer is None:
            return []
        offenders = await info.context.loaders.offenders_by_incident(viewer).load(self.model.id)
        return [Offender.from_model(offender) for offender in offenders]

    @strawberry.field(
        description="For an incident without an offender: gallery offenders of the BID whose photos look "
        "alike or whose incidents share the vehicle registration, with the reason; a manager confirms "
        "with linkOffender. Empty once an offender is linked; null for viewers other than the BID's "
        "managers, covering police and administrators."
    )
    async def possible_offenders(self, info: Info) -> list[PossibleOffender] | None:
        viewer = info.context.viewer
        if viewer is None or not sees_whole_gallery(viewer, self.model.bid_id):
            return None
        key = IncidentKey(self.model.id, self.model.bid_id, self.model.vehicle_registration)
        suggestions = await info.context.loaders.possible_offenders.load(key)
        return [PossibleOffender.from_suggestion(suggestion) for suggestion in suggestions]

    @strawberry.field(description="Null until referred to the police; anyone who sees the incident sees it.")
    async def police_case(self, info: Info) -> PoliceCase | None:
        return await evidence.police_case(info, self.model)

    @strawberry.field(
        description="Every version of every witness statement, oldest first: for the BID's managers, "
        "covering police and administrators; a witness sees their own; everyone else an empty list."
    )
    async def statements(self, info: Info) -> list[WitnessStatement]:
        return await evidence.statements(info, self.model)

    @strawberry.field(
        description="A statement body prefilled from the report (UK time, the shop and its address, what "
        "happened, property, injury) for the witness to finish in their own words; null unless the viewer "
        "may record a statement."
    )
    async def statement_draft(self, info: Info) -> str | None:
        return await evidence.draft(info, self.model)

    @strawberry.field(description="The property taken or damaged, in order; money in pence.")
    async def property(self, info: Info) -> list[PropertyLine]:
        return await evidence.property_lines(info, self.model)

    @strawberry.field(
        description="Whether the viewer may refer it to the police now: not yet referred, and the BID's "
        "manager or an administrator, or its reporter where the BID lets staff refer."
    )
    async def may_refer_to_police(self, info: Info) -> bool:
        return await evidence.may_refer(info, self.model)

    @strawberry.field(
        description="Whether the viewer may record a witness statement: the reporter, the BID's managers "
        "and administrators."
    )
    def may_record_statement(self, info: Info) -> bool:
        return evidence.may_record_statement(info.context.viewer, self.model)

    @strawberry.field(
        description="Whether the viewer may record the police case's progress: referred, and the covering "
        "police or an administrator."
    )
    async def may_update_police_case(self, info: Info) -> bool:
        return await evidence.may_update_case(info, self.model)

    @strawberry.field(
        description="Where the evidence pack downloads from, for the BID's managers, covering police and "
        "administrators; else null."
    )
    def evidence_pack_url(self, info: Info) -> str | None:
        return evidence.evidence_pack_url(info.context.viewer, self.model)


IncidentConnection = Connection[Incident]


def incident_sort_key(row: models.Incident) -> SortKey:
    """Every list of incidents is newest first by (occurred_at, id), so their cursors are one kind."""
    return row.occurred_at, row.id
