"""Everything Shopwatch holds on one person, for a subject-access request to the BID."""

from __future__ import annotations

from dataclasses import dataclass

from shopwatch.core.audit.models import AuditEntry
from shopwatch.incidents.models import Incident
from shopwatch.offenders.models import Exclusion, Offender, OffenderPhoto


@dataclass(frozen=True)
class OffenderRecord:
    offender: Offender
    merged_records: list[Offender]  # records of the same person merged into this one
    photos: list[OffenderPhoto]
    exclusions: list[Exclusion]
    incidents: list[Incident]
    access_log: list[AuditEntry]  # who looked at the record or its photos, and what was done


async def offender_record(offender: Offender) -> OffenderRecord:
    photos = list(await OffenderPhoto.filter(offender_id=offender.id).order_by("id"))
    subjects = [f"Offender:{offender.id}", *(f"OffenderPhoto:{photo.id}" for photo in photos)]
    return OffenderRecord(
        offender=offender,
        merged_records=list(await Offender.filter(merged_into_id=offender.id).order_by("id")),
        photos=photos,
        exclusions=list(await Exclusion.filter(offender_id=offender.id).order_by("starts_on", "id")),
        incidents=list(
            await Incident.filter(offender_links__offender_id=offender.id).order_by("occurred_at", "id")
        ),
        access_log=list(await AuditEntry.filter(subject__in=subjects).order_by("id")),
    )
