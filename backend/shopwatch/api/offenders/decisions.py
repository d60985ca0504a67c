"""Decisions on the gallery after the fact: ending an exclusion early, and turning down a suggested
offender for an incident ("not this person").

Who may: the BID's managers and administrators end exclusions; whoever may link an offender to the
incident (its reporter, the BID's managers, administrators) may turn a suggestion down. Anything
outside the viewer's sight answers NotFound, as if it did not exist.
"""

from __future__ import annotations

from typing import Annotated

import strawberry
from tortoise.expressions import Subquery

from shopwatch.accounts.viewer import Viewer
from shopwatch.actions import exclusions as exclusion_actions
from shopwatch.actions import links
from shopwatch.api.context import Info
from shopwatch.api.errors import NotFound, PermissionDenied, ValidationError
from shopwatch.api.ids import decode_id
from shopwatch.api.incidents.types import Incident
from shopwatch.api.offenders.mutations import MayLink, incident_and_offender
from shopwatch.api.offenders.types import Exclusion, Offender
from shopwatch.api.permissions import LOG_IN_FIRST, ManagesBid, refusal
from shopwatch.core.errors import InvalidInput
from shopwatch.offenders import gallery, models

NO_SUCH_EXCLUSION = "There is no such exclusion."


async def find_exclusion(viewer: Viewer, exclusion_id: strawberry.ID) -> models.Exclusion | None:
    """Among the exclusions of the offenders the viewer may see, filtered in the SQL."""
    pk = decode_id("Exclusion", exclusion_id)
    if pk is None:
        return None
    offenders = Subquery(gallery.visible_offenders(viewer).values("id"))
    return await models.Exclusion.filter(id=pk, offender_id__in=offenders).select_related("offender").first()


@strawberry.input
class EndExclusionInput:
    exclusion_id: strawberry.ID
    reason: str = strawberry.field(description="Why it ends early; 1 to 2,000 characters.")


@strawberry.type
class EndExclusionSuccess:
    exclusion: Exclusion
    offender: Offender


EndExclusionResult = Annotated[
    EndExclusionSuccess | ValidationError | PermissionDenied | NotFound,
    strawberry.union("EndExclusionResult"),
]


@strawberry.type
class DismissSuggestionSuccess:
    incident: Incident
    offender: Offender
    dismissed: bool = strawberry.field(description="False if it was already turned down: nothing changed.")


DismissSuggestionResult = Annotated[
    DismissSuggestionSuccess | ValidationError | PermissionDenied | NotFound,
    strawberry.union("DismissSuggestionResult"),
]


@strawberry.type
class DecisionsMutation:
    @strawberry.mutation(
        description="Ends an exclusion early: it stops today (today is no longer covered), and the "
        "offender is ACTIVE again unless another notice is in force. One already ended or run out is a "
        "ValidationError on `exclusionId`. The BID's managers and administrators."
    )
    async def end_exclusion(self, info: Info, input: EndExclusionInput) -> EndExclusionResult:
        viewer = info.context.viewer
        if viewer is None:
            return PermissionDenied(message=LOG_IN_FIRST)
        exclusion = await find_exclusion(viewer, input.exclusion_id)
        if exclusion is None:
            return NotFound(message=NO_SUCH_EXCLUSION)
        if denied := refusal(viewer, ManagesBid(exclusion.offender.bid_id)):
            return denied
        try:
            ended = await exclusion_actions.end_exclusion(info.context.acting, exclusion, input.reason)
        except InvalidInput as error:
            return ValidationError.from_error(error)
        return EndExclusionSuccess(
            exclusion=Exclusion.from_model(ended.exclusion), offender=Offender.from_model(ended.offender)
        )

    @strawberry.mutation(
        description="Not this person: `possibleOffenders` never offers this offender for this incident "
        "again. Whoever may link them: the incident's reporter, the BID's managers and administrators. "
        "An offender linked to the incident, or of another BID's gallery, is a ValidationError on "
        "`offenderId`."
    )
    async def dismiss_suggestion(
        self, info: Info, incident_id: strawberry.ID, offender_id: strawberry.ID
    ) -> DismissSuggestionResult:
        found = await incident_and_offender(info.context.viewer, incident_id, offender_id, MayLink)
        if not isinstance(found, tuple):
            return found
        incident, offender = found
        try:
            dismissal = await links.dismiss_suggestion(info.context.acting, incident, offender)
        except InvalidInput as error:
            return ValidationError.from_error(error)
        return DismissSuggestionSuccess(
            incident=Incident.from_model(dismissal.incident),
            offender=Offender.from_model(dismissal.offender),
            dismissed=dismissal.changed,
        )
