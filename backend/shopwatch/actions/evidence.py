"""Evidence for the police: referring an incident, the police recording the case's progress, signing
a witness statement, listing the property and recording a shop's impact statement. Each opens its
transaction and writes its audit entry there (and, for a referral, the emails to the covering
teams). The entries carry states, counts and the statement's SHA-256, never what people wrote.
Whether the viewer may act is the caller's to check (evidence/access.py), except what depends on
the stored statements: correcting someone else's statement is refused here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tortoise.transactions import in_transaction

from shopwatch.actions.acting import Acting
from shopwatch.core.audit.trail import record
from shopwatch.core.errors import PermissionRefused
from shopwatch.core.mail.models import OutboxEmail
from shopwatch.evidence import access, cases, impact, property_lines, statements
from shopwatch.evidence.emails import send_referral
from shopwatch.evidence.models import BusinessImpactStatement, PoliceCaseState, WitnessStatement
from shopwatch.incidents.models import Incident
from shopwatch.places.models import Shop

NOT_YOUR_STATEMENT = "Only the witness or the BID's managers can correct this statement."


@dataclass(frozen=True)
class Referred:
    step: cases.CaseStep
    emails: list[OutboxEmail]

    @property
    def incident(self) -> Incident:
        return self.step.incident


async def refer_to_police(
    by: Acting, incident: Incident, crime_reference: str | None, note: str | None
) -> Referred:
    """`InvalidInput` for an incident already referred, or a reference or note that will not do."""
    async with in_transaction():
        step = await cases.refer(incident, crime_reference, note, by.user)
        emails = await send_referral(step.incident, by.user.name, by.settings)
        await record(
            by.actor,
            "incident.refer",
            f"Incident:{incident.id}",
            bid_id=incident.bid_id,
            # The status change the referral made (incident.status is for changes made by hand).
            previous=step.previous_status.value,
            status=step.incident.status.value,
            state=step.update.state.value,
            crime_reference=step.update.crime_reference is not None,
            note=bool(step.update.note),
            emailed=len(emails),
        )
    return Referred(step=step, emails=emails)


async def update_police_case(
    by: Acting, incident: Incident, state: PoliceCaseState, note: str | None, crime_reference: str | None
) -> cases.CaseStep:
    """`InvalidInput` for an incident not referred, or a step that says nothing new."""
    async with in_transaction():
        step = await cases.update_case(incident, state, note, crime_reference, by.user)
        await record(
            by.actor,
            "police_case.update",
            f"Incident:{incident.id}",
            bid_id=incident.bid_id,
            previous=step.previous_state.value if step.previous_state else None,
            state=step.update.state.value,
            crime_reference_changed=step.reference_changed,
            note=bool(step.update.note),
        )
    return step


async def record_witness_statement(
    by: Acting, incident: Incident, given: statements.StatementInput
) -> statements.Signed:
    """The reporter's own statement, or one a manager takes down. `InvalidInput` names the field
    that will not do; `PermissionRefused` for correcting another witness's statement."""
    own = access.makes_own_statement(by.viewer, incident)
    async with in_transaction():
        if given.replaces_id is not None:
            replaced = await WitnessStatement.get_or_none(id=given.replaces_id, incident_id=incident.id)
            if replaced is not None and not access.may_correct(by.viewer, incident, replaced):
                raise PermissionRefused(NOT_YOUR_STATEMENT)
        signed = await statements.sign(
            incident, given, witness_user=by.user if own else None, taken_by=None if own else by.user
        )
        statement = signed.statement
        await record(
            by.actor,
            "statement.sign",
            f"WitnessStatement:{statement.id}",
            bid_id=incident.bid_id,
            incident=incident.id,
            version=statement.version,
            replaces=statement.replaces_id,
            sha256=statement.sha256,
            own=own,
            exhibits=[exhibit.reference for exhibit in signed.produced],
        )
    return signed


async def set_incident_property(
    by: Acting, incident: Incident, lines: Sequence[property_lines.LineInput]
) -> property_lines.PropertySet:
    """Replaces the incident's property lines; `InvalidInput` names the line that will not do."""
    async with in_transaction():
        result = await property_lines.set_property(incident, lines)
        await record(
            by.actor,
            "incident.property",
            f"Incident:{incident.id}",
            bid_id=incident.bid_id,
            lines=len(result.lines),
            recovered=sum(1 for line in result.lines if line.recovered),
            value_stolen_pence=result.value_stolen_pence,
        )
    return result


async def record_impact_statement(
    by: Acting, shop: Shop, text: str, author_name: str, position: str
) -> BusinessImpactStatement:
    """`InvalidInput` names the field that will not do."""
    async with in_transaction():
        statement = await impact.record_impact(shop, text, author_name, position, by.user)
        await record(
            by.actor,
            "impact_statement.record",
            f"Shop:{shop.id}",
            bid_id=shop.bid_id,
            statement=statement.id,
            characters=len(statement.text),
        )
    return statement
