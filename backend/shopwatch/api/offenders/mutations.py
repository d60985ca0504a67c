"""Keeping the gallery: creating, changing and merging records, photos, links and exclusions.

Who may do what:
- the BID's managers and administrators keep the gallery: create, update, merge, add photos, issue
  exclusions, link and unlink;
- an incident's reporter may also link a gallery offender to their own report (as they may add
  photos to it), but not unlink: removing evidence is for the managers;
- shop staff pick offenders when they report; police read and receive alerts.
Anything outside the viewer's sight answers NotFound, as if it did not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Annotated

import strawberry
from strawberry.file_uploads import Upload

from shopwatch.accounts.viewer import Viewer
from shopwatch.actions import exclusions as exclusion_actions
from shopwatch.actions import gallery as gallery_actions
from shopwatch.actions import links
from shopwatch.api.context import Info
from shopwatch.api.errors import NotFound, PermissionDenied, ValidationError
from shopwatch.api.ids import decode_id
from shopwatch.api.incidents.mutations import NO_SUCH_INCIDENT
from shopwatch.api.incidents.types import Incident
from shopwatch.api.offenders.types import Exclusion, Offender, OffenderPhoto
from shopwatch.api.permissions import LOG_IN_FIRST, ManagesBid, Rule, managed_bid, refusal
from shopwatch.api.uploads import as_file, photo_file
from shopwatch.core.errors import InvalidInput, NotFoundError
from shopwatch.incidents import models as incident_models
from shopwatch.incidents.photos import PhotoRejected
from shopwatch.incidents.services import visible_incidents
from shopwatch.offenders import exclusions, gallery, models

NO_SUCH_OFFENDER = "There is no such offender."


@dataclass
class MayLink(Rule):
    incident: incident_models.Incident
    message = "Only the BID's managers or the incident's reporter can link an offender to it."

    def allows(self, viewer: Viewer) -> bool:
        return viewer.manages_bid(self.incident.bid_id) or self.incident.reporter_id == viewer.user.id


async def find_offender(viewer: Viewer, offender_id: strawberry.ID) -> models.Offender | None:
    pk = decode_id("Offender", offender_id)
    return await gallery.visible_offenders(viewer).get_or_none(id=pk) if pk else None


async def find_incident(viewer: Viewer, incident_id: strawberry.ID) -> incident_models.Incident | None:
    pk = decode_id("Incident", incident_id)
    return await visible_incidents(viewer).get_or_none(id=pk) if pk else None


async def incident_and_offender(
    viewer: Viewer | None,
    incident_id: strawberry.ID,
    offender_id: strawberry.ID,
    rule: Callable[[incident_models.Incident], Rule],
) -> tuple[incident_models.Incident, models.Offender] | PermissionDenied | NotFound:
    """Both, if the viewer may see them and `rule` allows them on the incident; otherwise the
    refusal, as data."""
    if viewer is None:
        return PermissionDenied(message=LOG_IN_FIRST)
    incident = await find_incident(viewer, incident_id)
    if incident is None:
        return NotFound(message=NO_SUCH_INCIDENT)
    offender = await find_offender(viewer, offender_id)
    if offender is None:
        return NotFound(message=NO_SUCH_OFFENDER)
    return refusal(viewer, rule(incident)) or (incident, offender)


@strawberry.input
class CreateOffenderInput:
    bid_id: strawberry.ID
    display_name: str = strawberry.field(
        description="A name, or a description such as 'Unknown male, red cap'."
    )
    description: str = ""
    photo: Upload | None = strawberry.field(default=None, description="GraphQL multipart request spec.")
    status: models.OffenderStatus | None = strawberry.field(
        default=None,
        description="ACTIVE (the default) or ID_SOUGHT: seen but not yet identified, shown to shop staff "
        "so they can help identify them.",
    )


@strawberry.type
class CreateOffenderSuccess:
    offender: Offender
    photo_errors: list[ValidationError] = strawberry.field(
        description="The photo, if refused while the record was kept; `field` is `photo`."
    )


CreateOffenderResult = Annotated[
    CreateOffenderSuccess | ValidationError | PermissionDenied | NotFound,
    strawberry.union("CreateOffenderResult"),
]


@strawberry.input
class UpdateOffenderInput:
    offender_id: strawberry.ID
    display_name: str | None = None
    description: str | None = None
    status: models.OffenderStatus | None = strawberry.field(
        default=None, description="ACTIVE, ID_SOUGHT or ARCHIVED; EXCLUDED comes from issueExclusion."
    )


@strawberry.type
class UpdateOffenderSuccess:
    offender: Offender


UpdateOffenderResult = Annotated[
    UpdateOffenderSuccess | ValidationError | PermissionDenied | NotFound,
    strawberry.union("UpdateOffenderResult"),
]


@strawberry.type
class MergeOffendersSuccess:
    offender: Offender = strawberry.field(description="The record kept, now with the other's links.")
    moved_links: int = strawberry.field(description="Incident links moved over (duplicates are dropped).")


MergeOffendersResult = Annotated[
    MergeOffendersSuccess | ValidationError | PermissionDenied | NotFound,
    strawberry.union("MergeOffendersResult"),
]


@strawberry.type
class AddOffenderPhotoSuccess:
    photo: OffenderPhoto
    offender: Offender


AddOffenderPhotoResult = Annotated[
    AddOffenderPhotoSuccess | ValidationError | PermissionDenied | NotFound,
    strawberry.union("AddOffenderPhotoResult"),
]


@strawberry.type
class LinkOffenderSuccess:
    incident: Incident
    offender: Offender
    linked: bool = strawberry.field(description="False if they were already linked: nothing changed.")


LinkOffenderResult = Annotated[
    LinkOffenderSuccess | ValidationError | PermissionDenied | NotFound,
    strawberry.union("LinkOffenderResult"),
]


@strawberry.type
class UnlinkOffenderSuccess:
    incident: Incident
    offender: Offender
    unlinked: bool = strawberry.field(description="False if they were not linked: nothing changed.")


UnlinkOffenderResult = Annotated[
    UnlinkOffenderSuccess | ValidationError | PermissionDenied | NotFound,
    strawberry.union("UnlinkOffenderResult"),
]


@strawberry.input
class IssueExclusionInput:
    offender_id: strawberry.ID
    starts_on: date
    ends_on: date | None = strawberry.field(
        default=None, description="At most 24 months after startsOn; 12 months after it if not given."
    )
    reason: str = strawberry.field(description="1 to 2,000 characters.")


@strawberry.type
class IssueExclusionSuccess:
    exclusion: Exclusion
    offender: Offender


IssueExclusionResult = Annotated[
    IssueExclusionSuccess | ValidationError | PermissionDenied | NotFound,
    strawberry.union("IssueExclusionResult"),
]


@strawberry.type
class OffendersMutation:
    @strawberry.mutation(
        description="The BID's managers and administrators. A refused photo keeps the record."
    )
    async def create_offender(self, info: Info, input: CreateOffenderInput) -> CreateOffenderResult:
        viewer = info.context.viewer
        try:
            bid_id = managed_bid(viewer, input.bid_id)
            if not isinstance(bid_id, int):
                return bid_id
            try:
                created = await gallery_actions.create_offender(
                    info.context.acting,
                    bid_id,
                    input.display_name,
                    input.description,
                    photo_file(input.photo, 0) if input.photo is not None else None,
                    input.status or models.OffenderStatus.ACTIVE,
                )
            except NotFoundError as error:
                return NotFound.from_error(error)
            except InvalidInput as error:
                return ValidationError.from_error(error)
            photo_errors = (
                [ValidationError(field="photo", message=created.photo_error)] if created.photo_error else []
            )
            return CreateOffenderSuccess(
                offender=Offender.from_model(created.offender), photo_errors=photo_errors
            )
        finally:
            if input.photo is not None:
                await as_file(input.photo).close()

    @strawberry.mutation(description="The BID's managers and administrators; only what is given changes.")
    async def update_offender(self, info: Info, input: UpdateOffenderInput) -> UpdateOffenderResult:
        viewer = info.context.viewer
        if viewer is None:
            return PermissionDenied(message=LOG_IN_FIRST)
        offender = await find_offender(viewer, input.offender_id)
        if offender is None:
            return NotFound(message=NO_SUCH_OFFENDER)
        if denied := refusal(viewer, ManagesBid(offender.bid_id)):
            return denied
        try:
            offender = await gallery_actions.update_offender(
                info.context.acting,
                offender,
                display_name=input.display_name,
                description=input.description,
                status=input.status,
            )
        except InvalidInput as error:
            return ValidationError.from_error(error)
        return UpdateOffenderSuccess(offender=Offender.from_model(offender))

    @strawberry.mutation(
        description="Two records of the same person in one BID: `mergeId`'s links, photos and exclusions "
        "move to `keepId`, and `mergeId` is archived. The BID's managers and administrators."
    )
    async def merge_offenders(
        self, info: Info, keep_id: strawberry.ID, merge_id: strawberry.ID
    ) -> MergeOffendersResult:
        viewer = info.context.viewer
        if viewer is None:
            return PermissionDenied(message=LOG_IN_FIRST)
        keep = await find_offender(viewer, keep_id)
        merge = await find_offender(viewer, merge_id)
        if keep is None or merge is None:
            return NotFound(message=NO_SUCH_OFFENDER)
        if denied := refusal(viewer, ManagesBid(keep.bid_id), ManagesBid(merge.bid_id)):
            return denied
        try:
            merged = await gallery_actions.merge_offenders(info.context.acting, keep, merge)
        except InvalidInput as error:
            return ValidationError.from_error(error)
        return MergeOffendersSuccess(
            offender=Offender.from_model(merged.kept), moved_links=merged.moved_links
        )

    @strawberry.mutation(description="The BID's managers and administrators add one photo to a record.")
    async def add_offender_photo(
        self, info: Info, offender_id: strawberry.ID, photo: Upload
    ) -> AddOffenderPhotoResult:
        viewer = info.context.viewer
        try:
            if viewer is None:
                return PermissionDenied(message=LOG_IN_FIRST)
            offender = await find_offender(viewer, offender_id)
            if offender is None:
                return NotFound(message=NO_SUCH_OFFENDER)
            if denied := refusal(viewer, ManagesBid(offender.bid_id)):
                return denied
            file = photo_file(photo, 0)
            try:
                kept = await gallery_actions.add_offender_photo(info.context.acting, offender, file)
            except PhotoRejected as error:
                return ValidationError(field="photo", message=f"{file.name}: {error}")
            return AddOffenderPhotoSuccess(
                photo=OffenderPhoto.from_model(kept, originals=True), offender=Offender.from_model(offender)
            )
        finally:
            await as_file(photo).close()

    @strawberry.mutation(
        description="Links a gallery offender to an incident of the same BID; linking twice changes nothing. "
        "The BID's managers, administrators, and the incident's reporter. Alert rules run on a new link."
    )
    async def link_offender(
        self, info: Info, incident_id: strawberry.ID, offender_id: strawberry.ID
    ) -> LinkOffenderResult:
        found = await incident_and_offender(info.context.viewer, incident_id, offender_id, MayLink)
        if not isinstance(found, tuple):
            return found
        incident, offender = found
        try:
            link = await links.link_offender(info.context.acting, incident, offender)
        except InvalidInput as error:
            return ValidationError.from_error(error)
        return LinkOffenderSuccess(
            incident=Incident.from_model(link.incident),
            offender=Offender.from_model(link.offender),
            linked=link.changed,
        )

    @strawberry.mutation(
        description="Removes a link; unlinking twice changes nothing. The BID's managers and administrators."
    )
    async def unlink_offender(
        self, info: Info, incident_id: strawberry.ID, offender_id: strawberry.ID
    ) -> UnlinkOffenderResult:
        found = await incident_and_offender(
            info.context.viewer, incident_id, offender_id, lambda incident: ManagesBid(incident.bid_id)
        )
        if not isinstance(found, tuple):
            return found
        incident, offender = found
        unlink = await links.unlink_offender(info.context.acting, incident, offender)
        return UnlinkOffenderSuccess(
            incident=Incident.from_model(unlink.incident),
            offender=Offender.from_model(unlink.offender),
            unlinked=unlink.changed,
        )

    @strawberry.mutation(
        description="An exclusion notice (typically 12 months, at most 24); the offender is EXCLUDED while "
        "it is in force. The BID's managers and administrators."
    )
    async def issue_exclusion(self, info: Info, input: IssueExclusionInput) -> IssueExclusionResult:
        viewer = info.context.viewer
        if viewer is None:
            return PermissionDenied(message=LOG_IN_FIRST)
        offender = await find_offender(viewer, input.offender_id)
        if offender is None:
            return NotFound(message=NO_SUCH_OFFENDER)
        if denied := refusal(viewer, ManagesBid(offender.bid_id)):
            return denied
        try:
            notice = exclusions.validate_exclusion(input.starts_on, input.ends_on, input.reason)
        except InvalidInput as error:
            return ValidationError.from_error(error)
        issued = await exclusion_actions.issue_exclusion(info.context.acting, offender, notice)
        return IssueExclusionSuccess(
            exclusion=Exclusion.from_model(issued.exclusion), offender=Offender.from_model(issued.offender)
        )
