"""An incident's evidence goes with its free text when retention redacts it (after 6 years): its
witness statements and the exhibit references they gave (the photos are gone already), the notes
of its police case and its property's descriptions. What is counted stays: the case's states and
dates, the property's quantities and prices."""

from __future__ import annotations

from tortoise.transactions import in_transaction

from shopwatch.evidence.models import Exhibit, PoliceCaseUpdate, PropertyLine, WitnessStatement
from shopwatch.incidents.models import Incident
from shopwatch.incidents.retention import REDACTED_DESCRIPTION


async def forget_evidence_of_redacted_incidents() -> int:
    """How many witness statements were removed. Run after the incidents are redacted; a second
    run finds nothing left to do."""
    redacted = Incident.filter(redacted_at__isnull=False)
    async with in_transaction():
        statements = WitnessStatement.filter(incident__redacted_at__isnull=False)
        ids = list(await statements.values_list("id", flat=True))
        if ids:
            await Exhibit.filter(statement_id__in=ids).delete()
            # Newest first, so no statement is removed while a correction still names it.
            for pk in sorted(ids, reverse=True):
                await WitnessStatement.filter(id=pk).delete()
        incident_ids = list(
            await redacted.filter(police_case_updates__note__not="").values_list("id", flat=True)
        )
        if incident_ids:
            await PoliceCaseUpdate.filter(incident_id__in=incident_ids).update(note="")
        described = PropertyLine.filter(incident__redacted_at__isnull=False).exclude(
            description=REDACTED_DESCRIPTION
        )
        line_ids = list(await described.values_list("id", flat=True))
        if line_ids:
            await PropertyLine.filter(id__in=line_ids).update(description=REDACTED_DESCRIPTION)
    return len(ids)
