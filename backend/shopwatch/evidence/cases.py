"""An incident's police case: the referral (its first step, REPORTED) and each step after it.

Referring moves the incident to REFERRED_TO_POLICE through the status-change path, so its history
shows it, and keeps the crime reference in the incident's police reference. Call inside the
action's transaction: the incident row is locked, so two referrals at once make one case.
"""

from __future__ import annotations

from dataclasses import dataclass

from shopwatch.accounts.models import User
from shopwatch.core.clock import now
from shopwatch.core.errors import InvalidInput
from shopwatch.evidence.checks import check_crime_reference, check_note
from shopwatch.evidence.models import PoliceCaseState, PoliceCaseUpdate
from shopwatch.incidents import triage
from shopwatch.incidents.models import Incident, IncidentStatus

REFERRAL_NOTE = "Referred to the police."


@dataclass(frozen=True)
class CaseStep:
    incident: Incident  # as it now is
    update: PoliceCaseUpdate
    previous_state: PoliceCaseState | None
    previous_status: IncidentStatus
    reference_changed: bool


async def _locked(incident: Incident) -> Incident:
    return await Incident.filter(id=incident.id).select_for_update().get()


async def _latest(incident_id: int) -> PoliceCaseUpdate | None:
    return await PoliceCaseUpdate.filter(incident_id=incident_id).order_by("-id").first()


async def refer(incident: Incident, crime_reference: str | None, note: str | None, by: User) -> CaseStep:
    """`InvalidInput` for an incident already referred, or a reference or note that will not do."""
    reference = check_crime_reference(crime_reference)
    text = check_note(note)
    locked = await _locked(incident)
    if await _latest(locked.id) is not None:
        raise InvalidInput("incidentId", "This incident has already been referred to the police.")
    if locked.status != IncidentStatus.REFERRED_TO_POLICE:
        await triage.change_status(locked, IncidentStatus.REFERRED_TO_POLICE, text or REFERRAL_NOTE, by)
    changed = reference is not None and await triage.set_police_reference(locked, reference)
    update = await PoliceCaseUpdate.create(
        incident_id=locked.id,
        state=PoliceCaseState.REPORTED,
        note=text,
        crime_reference=reference or locked.police_reference,
        by_user=by,
        at=now(),
    )
    return CaseStep(
        await Incident.get(id=locked.id), update, None, IncidentStatus(locked.status), bool(changed)
    )


async def update_case(
    incident: Incident, state: PoliceCaseState, note: str | None, crime_reference: str | None, by: User
) -> CaseStep:
    """`InvalidInput` for an incident not referred, or a step that says nothing new (the same state
    with no note and no new reference)."""
    reference = check_crime_reference(crime_reference)
    text = check_note(note)
    locked = await _locked(incident)
    latest = await _latest(locked.id)
    if latest is None:
        raise InvalidInput("incidentId", "This incident has not been referred to the police yet.")
    changed = reference is not None and reference != locked.police_reference
    if state == latest.state and not text and not changed:
        raise InvalidInput("state", "The case is already at this stage: add a note or a new crime reference.")
    if changed:
        await triage.set_police_reference(locked, reference)
    update = await PoliceCaseUpdate.create(
        incident_id=locked.id,
        state=state,
        note=text,
        crime_reference=reference or locked.police_reference,
        by_user=by,
        at=now(),
    )
    return CaseStep(
        await Incident.get(id=locked.id),
        update,
        PoliceCaseState(latest.state),
        IncidentStatus(locked.status),
        changed,
    )
