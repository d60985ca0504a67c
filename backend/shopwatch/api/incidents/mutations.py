"""Reporting incidents and adding photos. A refused photo never costs the report."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.file_uploads import Upload

from shopwatch.actions import incidents as actions
from shopwatch.api.context import Info
from shopwatch.api.errors import NotFound, PermissionDenied, ValidationError
from shopwatch.api.ids import decode_id
from shopwatch.api.incidents.types import Incident, Photo
from shopwatch.api.permissions import LOG_IN_FIRST
from shopwatch.api.uploads import as_file, photo_file
from shopwatch.core.errors import InvalidInput, PermissionRefused
from shopwatch.incidents import models, services
from shopwatch.incidents.photos import PhotoRejected
from shopwatch.places.models import Shop

NO_SUCH_SHOP = "There is no such shop."
NO_SUCH_INCIDENT = "There is no such incident."


@strawberry.input
class ReportIncidentInput:
    client_id: strawberry.ID = strawberry.field(
        description="A UUID made by the phone; the same clientId twice is the same report."
    )
    shop_id: strawberry.ID
    kind: models.IncidentKind
    occurred_at: datetime
    description: str
    value_stolen_pence: int | None = None
    police_reference: str | None = None
    injury: bool | None = None
    offender_ids: list[strawberry.ID] | None = None
    vehicle_registration: str | None = None
    photos: list[Upload] | None = strawberry.field(
        default=None, description="GraphQL multipart request spec; photos may also come later."
    )


@strawberry.type
class ReportIncidentSuccess:
    incident: Incident
    reference: str = strawberry.field(description="The incident's reference, for the reporter to quote.")
    duplicate: bool = strawberry.field(description="The clientId was already stored: this is that report.")
    photo_errors: list[ValidationError] = strawberry.field(
        description="Photos refused while the report was kept; `field` is `photos.<index>`."
    )


ReportIncidentResult = Annotated[
    ReportIncidentSuccess | ValidationError | PermissionDenied | NotFound,
    strawberry.union("ReportIncidentResult"),
]


@strawberry.type
class AddIncidentPhotoSuccess:
    photo: Photo
    incident: Incident


AddIncidentPhotoResult = Annotated[
    AddIncidentPhotoSuccess | ValidationError | PermissionDenied | NotFound,
    strawberry.union("AddIncidentPhotoResult"),
]


@strawberry.type
class IncidentsMutation:
    @strawberry.mutation(description="The shop's staff or the BID's managers.")
    async def report_incident(self, info: Info, input: ReportIncidentInput) -> ReportIncidentResult:
        viewer = info.context.viewer
        uploads = input.photos or []
        try:
            if viewer is None:
                return PermissionDenied(message=LOG_IN_FIRST)
            shop_pk = decode_id("Shop", input.shop_id)
            shop = await Shop.get_or_none(id=shop_pk) if shop_pk else None
            if shop is None or not viewer.can_see_bid(shop.bid_id):
                return NotFound(message=NO_SUCH_SHOP)
            if not services.may_report_at(viewer, shop.bid_id, shop.id):
                return PermissionDenied(
                    message="Only this shop's staff or the BID's managers can report here."
                )
            offender_pks = [decode_id("Offender", value) or -1 for value in input.offender_ids or []]
            try:
                report = services.validate_report(
                    input.client_id,
                    input.kind,
                    input.occurred_at,
                    input.description,
                    value_stolen_pence=input.value_stolen_pence,
                    police_reference=input.police_reference,
                    injury=input.injury,
                    vehicle_registration=input.vehicle_registration,
                )
                reported = await actions.report_incident(
                    info.context.acting,
                    shop,
                    report,
                    offender_pks,
                    [photo_file(upload, index) for index, upload in enumerate(uploads)],
                )
            except InvalidInput as error:
                return ValidationError.from_error(error)
            return ReportIncidentSuccess(
                incident=Incident.from_model(reported.incident),
                reference=reported.incident.reference,
                duplicate=reported.duplicate,
                photo_errors=[
                    ValidationError(field=f"photos.{refused.index}", message=refused.message)
                    for refused in reported.photo_errors
                ],
            )
        finally:
            for upload in uploads:
                await as_file(upload).close()

    @strawberry.mutation(description="The reporter or the BID's managers add one photo to a report.")
    async def add_incident_photo(
        self, info: Info, incident_id: strawberry.ID, photo: Upload
    ) -> AddIncidentPhotoResult:
        viewer = info.context.viewer
        try:
            if viewer is None:
                return PermissionDenied(message=LOG_IN_FIRST)
            pk = decode_id("Incident", incident_id)
            incident = await services.visible_incidents(viewer).get_or_none(id=pk) if pk else None
            if incident is None:
                return NotFound(message=NO_SUCH_INCIDENT)
            file = photo_file(photo, 0)
            try:
                kept = await actions.add_incident_photo(info.context.acting, incident, file)
            except PermissionRefused as error:
                return PermissionDenied.from_error(error)
            except PhotoRejected as error:
                return ValidationError(field="photo", message=f"{file.name}: {error}")
            return AddIncidentPhotoSuccess(
                photo=Photo.from_model(kept, services.may_see_originals(viewer, incident.bid_id)),
                incident=Incident.from_model(incident),
            )
        finally:
            await as_file(photo).close()
