"""Incidents kept for 6 years: then their free text (status notes too), vehicle and photos go, and the
counts stay."""

from __future__ import annotations

from datetime import datetime

from tortoise.transactions import in_transaction

from shopwatch.core.storage import PhotoStore, delete_unreferenced
from shopwatch.incidents.models import Incident, IncidentStatusChange, Photo

INCIDENT_RETENTION_YEARS = 6
REDACTED_DESCRIPTION = "(Removed after 6 years.)"
BATCH = 500


def years_before(moment: datetime, years: int) -> datetime:
    """The same moment `years` earlier; 28 February for a 29 February that year lacks."""
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:
        return moment.replace(year=moment.year - years, day=28)


async def redact_old_incidents(store: PhotoStore, moment: datetime) -> int:
    """Redact every incident that occurred more than 6 years before `moment`; how many."""
    cutoff = years_before(moment, INCIDENT_RETENTION_YEARS)
    redacted = 0
    while True:
        ids = (
            await Incident.filter(occurred_at__lt=cutoff, redacted_at__isnull=True)
            .limit(BATCH)
            .values_list("id", flat=True)
        )
        if not ids:
            return redacted
        async with in_transaction():
            shas = await Photo.filter(incident_id__in=list(ids)).values_list("sha256", flat=True)
            await Photo.filter(incident_id__in=list(ids)).delete()
            await IncidentStatusChange.filter(incident_id__in=list(ids)).update(note="")
            await Incident.filter(id__in=list(ids)).update(
                description=REDACTED_DESCRIPTION, vehicle_registration=None, redacted_at=moment
            )
        await delete_unreferenced(store, sorted({str(sha) for sha in shas}))
        redacted += len(ids)
