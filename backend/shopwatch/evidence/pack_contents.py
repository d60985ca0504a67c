"""What goes into an incident's evidence pack, read from the database: its documents as PDFs, the
exhibit references its photos were given, and the audit entries that make up its continuity log."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.expressions import Q

from shopwatch.core.audit.models import AuditEntry
from shopwatch.incidents.models import Incident, Photo


@dataclass(frozen=True)
class PackDocument:
    path: str  # inside the pack's folder
    data: bytes


async def documents(incident: Incident) -> list[PackDocument]:
    """The incident summary and every version of every statement, as PDFs."""
    return []


async def exhibit_references(incident: Incident) -> dict[int, str]:
    """Photo id -> its exhibit reference ("MS/1"), for the photos a statement has produced."""
    return {}


async def continuity_entries(incident: Incident) -> list[AuditEntry]:
    """Every audit entry about the incident, its photos or its statements, or naming the incident in
    its detail (an offender linked to it, say), in the chain's order."""
    photo_ids = await Photo.filter(incident_id=incident.id).values_list("id", flat=True)
    subjects = [f"Incident:{incident.id}", *(f"Photo:{pk}" for pk in photo_ids)]
    # The detail is canonical JSON, so the key is followed by `,` or `}`: "incident":12 never
    # matches "incident":123. Entries of the incident's BID only, which its index finds.
    mentions = Q(detail__contains=f'"incident":{incident.id},') | Q(
        detail__contains=f'"incident":{incident.id}}}'
    )
    return await AuditEntry.filter(Q(subject__in=subjects) | (Q(bid_id=incident.bid_id) & mentions)).order_by(
        "id"
    )
