"""Working an incident after it is reported: its status (each change kept) and its police reference.

Who may do what:
- the status: the BID's managers, the police teams covering the BID and administrators;
- the police reference: the reporter, the BID's managers and administrators.
Anything outside the viewer's sight answers NotFound, as if it did not exist.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

import strawberry

from shopwatch.accounts.viewer import Viewer
from shopwatch.actions import triage as actions
from shopwatch.api.context import Info
from shopwatch.api.errors import NotFound, PermissionDenied, ValidationError
from shopwatch.api.ids import decode_id
from shopwatch.api.incidents.mutations import NO_SUCH_INCIDENT
from shopwatch.api.incidents.types import Incident
from shopwatch.api.permissions import LOG_IN_FIRST, Rule, refusal
from shopwatch.core.errors import InvalidInput
from shopwatch.incidents import models, triage
from shopwatch.incidents.services import visible_incidents


@dataclass
class MayChangeStatus(Rule):
    incident: models.Incident
    message = "Only the BID's managers, its police team or an administrator can change an incident's status."

    def allows(self, viewer: Viewer) -> bool:
        return triage.may_change_status(viewer, self.incident)


@dataclass
class MayEditIncident(Rule):
    incident: models.Incident
    message = "Only the incident's reporter, the BID's managers or an administrator can change it."

    def allows(self, viewer: Viewer) -> bool:
        return triage.may_edit(viewer, self.incident)


async def incident_for(
    info: Info, incident_id: strawberry.ID, rule: Callable[[models.Incident], Rule | Awaitable[Rule]]
) -> models.Incident | PermissionDenied | NotFound:
    """The incident if the viewer may see it and `rule` allows them; otherwise the refusal, as data.
    `rule` may be async, for a rule that needs more than the incident to decide."""
    viewer = info.context.viewer
    if viewer is None:
        return PermissionDenied(message=LOG_IN_FIRST)
    pk = decode_id("Incident", incident_id)
    incident = await visible_incidents(viewer).get_or_none(id=pk) if pk else None
    if incident is None:
        return NotFound(message=NO_SUCH_INCIDENT)
    made = rule(incident)
    return refusal(viewer, await made if inspect.isawaitable(made) else made) or incident


@strawberry.input
class UpdateIncidentStatusInput:
    incident_id: strawberry.ID
    status: models.IncidentStatus
    note: str | None = strawberry.field(
        default=None, description="Why, for whoever reads the history; at most 2,000 characters."
    )


@strawberry.type
class UpdateIncidentStatusSuccess:
    incident: Incident


UpdateIncidentStatusResult = Annotated[
    UpdateIncidentStatusSuccess | ValidationError | PermissionDenied | NotFound,
    strawberry.union("UpdateIncidentStatusResult"),
]


@strawberry.input
class UpdateIncidentInput:
    incident_id: strawberry.ID
    police_reference: str | None = strawberry.field(
        default=None, description="At most 40 characters; blank or null clears it."
    )


@strawberry.type
class UpdateIncidentSuccess:
    incident: Incident


UpdateIncidentResult = Annotated[
    UpdateIncidentSuccess | ValidationError | PermissionDenied | NotFound,
    strawberry.union("UpdateIncidentResult"),
]


@strawberry.type
class TriageMutation:
    @strawberry.mutation(
        description="Sets the status and keeps the change in the incident's history with who, when and "
        "the note. The BID's managers, the police teams covering the BID and administrators. The "
        "status it already has is a ValidationError on `status`."
    )
    async def update_incident_status(
        self, info: Info, input: UpdateIncidentStatusInput
    ) -> UpdateIncidentStatusResult:
        incident = await incident_for(info, input.incident_id, MayChangeStatus)
        if not isinstance(incident, models.Incident):
            return incident
        try:
            changed = await actions.change_incident_status(
                info.context.acting, incident, input.status, input.note
            )
        except InvalidInput as error:
            return ValidationError.from_error(error)
        return UpdateIncidentStatusSuccess(incident=Incident.from_model(changed.incident))

    @strawberry.mutation(
        description="Changes the police reference (blank clears it). The reporter, the BID's managers "
        "and administrators."
    )
    async def update_incident(self, info: Info, input: UpdateIncidentInput) -> UpdateIncidentResult:
        incident = await incident_for(info, input.incident_id, MayEditIncident)
        if not isinstance(incident, models.Incident):
            return incident
        try:
            updated = await actions.update_incident(
                info.context.acting, incident, police_reference=input.police_reference
            )
        except InvalidInput as error:
            return ValidationError.from_error(error)
        return UpdateIncidentSuccess(incident=Incident.from_model(updated))
