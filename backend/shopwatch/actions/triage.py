"""Working an incident: changing its status (each change kept with its note) and its police
reference, each with its audit entry in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.transactions import in_transaction

from shopwatch.actions.acting import Acting
from shopwatch.core.audit.trail import record
from shopwatch.incidents import triage
from shopwatch.incidents.models import Incident, IncidentStatus, IncidentStatusChange


@dataclass(frozen=True)
class StatusChanged:
    incident: Incident  # reloaded, with its new status
    change: IncidentStatusChange


async def change_incident_status(
    by: Acting, incident: Incident, status: IncidentStatus, note: str | None
) -> StatusChanged:
    """`InvalidInput` for a note that cannot be kept or the status the incident already has. The
    audit entry names the statuses, not the note: the trail outlives the incident's retention."""
    async with in_transaction():
        change = await triage.change_status(incident, status, note, by.user)
        await record(
            by.actor,
            "incident.status",
            f"Incident:{incident.id}",
            bid_id=incident.bid_id,
            previous=change.previous_status.value,
            status=status.value,
            note=bool(change.note),
        )
    return StatusChanged(incident=await Incident.get(id=incident.id), change=change)


async def update_incident(by: Acting, incident: Incident, *, police_reference: str | None) -> Incident:
    """Only the police reference changes here (blank clears it); `InvalidInput` for one that cannot
    be kept. Nothing is written when it is unchanged."""
    async with in_transaction():
        if await triage.set_police_reference(incident, police_reference):
            await record(
                by.actor,
                "incident.update",
                f"Incident:{incident.id}",
                bid_id=incident.bid_id,
                fields=["policeReference"],
            )
    return await Incident.get(id=incident.id)
