"""Working an incident after it is reported: its status, with each change kept, and its police reference.

Who may change the status: the BID's managers, the police teams covering the BID (they work the cases
referred to them) and administrators. Who may change the police reference: the reporter, the BID's
managers and administrators. Every change of status is kept with who made it, when and their note,
oldest first; setting the status an incident already has changes nothing and is refused.
"""

from __future__ import annotations

from collections.abc import Sequence

from tortoise.transactions import in_transaction

from shopwatch.accounts.models import User
from shopwatch.accounts.viewer import Viewer
from shopwatch.core.clock import now
from shopwatch.core.errors import InvalidInput
from shopwatch.incidents.models import Incident, IncidentStatus, IncidentStatusChange
from shopwatch.incidents.services import MAX_POLICE_REFERENCE

MAX_NOTE = 2000
STATUS_WORDS = {
    IncidentStatus.NEW: "new",
    IncidentStatus.REVIEWED: "reviewed",
    IncidentStatus.REFERRED_TO_POLICE: "referred to the police",
    IncidentStatus.CLOSED: "closed",
}


def may_change_status(viewer: Viewer, incident: Incident) -> bool:
    return (
        viewer.is_admin
        or incident.bid_id in viewer.managed_bid_ids
        or incident.bid_id in viewer.police_bid_ids
    )


def may_edit(viewer: Viewer, incident: Incident) -> bool:
    """The police reference: the reporter, the BID's managers, administrators."""
    return viewer.manages_bid(incident.bid_id) or incident.reporter_id == viewer.user.id


def check_note(note: str | None) -> str:
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise InvalidInput("note", f"Keep the note to {MAX_NOTE:,} characters.")
    if "\x00" in note:
        raise InvalidInput("note", "Remove the NUL character.")
    return note


def check_police_reference(reference: str | None) -> str | None:
    """Blank (or null) clears it."""
    reference = (reference or "").strip() or None
    if reference is not None:
        if len(reference) > MAX_POLICE_REFERENCE:
            raise InvalidInput("policeReference", f"Use at most {MAX_POLICE_REFERENCE} characters.")
        if "\x00" in reference:
            raise InvalidInput("policeReference", "Remove the NUL character.")
    return reference


async def change_status(
    incident: Incident, status: IncidentStatus, note: str | None, changed_by: User
) -> IncidentStatusChange:
    """Set the status and keep the change. The row is locked (PostgreSQL; SQLite has one writer), so
    two managers changing it at once are recorded one after the other, each from what the other left."""
    text = check_note(note)
    async with in_transaction():
        locked = await Incident.filter(id=incident.id).select_for_update().get()
        previous = IncidentStatus(locked.status)
        if previous == status:
            raise InvalidInput("status", f"This incident is already {STATUS_WORDS[status]}.")
        await Incident.filter(id=incident.id).update(status=status, updated_at=now())
        return await IncidentStatusChange.create(
            incident_id=incident.id,
            previous_status=previous,
            status=status,
            note=text,
            changed_by=changed_by,
            changed_at=now(),
        )


async def set_police_reference(incident: Incident, reference: str | None) -> bool:
    """True when it changed."""
    value = check_police_reference(reference)
    if value == incident.police_reference:
        return False
    await Incident.filter(id=incident.id).update(police_reference=value, updated_at=now())
    return True


async def history_by_incident(incident_ids: Sequence[int]) -> list[list[IncidentStatusChange]]:
    """Each incident's status changes, oldest first, in one query."""
    rows = await IncidentStatusChange.filter(incident_id__in=list(incident_ids)).order_by("id")
    grouped: dict[int, list[IncidentStatusChange]] = {pk: [] for pk in incident_ids}
    for row in rows:
        grouped[row.incident_id].append(row)
    return [grouped[pk] for pk in incident_ids]
