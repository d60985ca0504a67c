"""Looking at personal data or evidence: each look is written to the audit trail before anything is
shown, so no way of showing it can leave the entry out."""

from __future__ import annotations

from collections.abc import AsyncIterator

from shopwatch.actions.acting import Acting
from shopwatch.core.audit.trail import record
from shopwatch.incidents.models import Photo
from shopwatch.offenders.models import Offender, OffenderPhoto
from shopwatch.offenders.subject_access import OffenderRecord, offender_record
from shopwatch.places.models import Bid
from shopwatch.summaries.export import incident_csv
from shopwatch.summaries.periods import Period


async def view_offender(by: Acting, offender: Offender) -> None:
    """Call before showing an offender's record."""
    await record(by.actor, "offender.view", f"Offender:{offender.id}", bid_id=offender.bid_id)


async def open_original(by: Acting, photo: Photo | OffenderPhoto, bid_id: int) -> None:
    """Call before serving an evidence original (of `bid_id`'s BID)."""
    kind = "OffenderPhoto" if isinstance(photo, OffenderPhoto) else "Photo"
    await record(by.actor, "photo.open_original", f"{kind}:{photo.id}", bid_id=bid_id)


async def export_offender_data(by: Acting, offender: Offender) -> OffenderRecord:
    """Everything held on one person, for a subject-access request."""
    await record(by.actor, "offender.export_data", f"Offender:{offender.id}", bid_id=offender.bid_id)
    return await offender_record(offender)


async def export_incidents(by: Acting, bid: Bid, period: Period) -> AsyncIterator[str]:
    """A BID's incidents for a period as CSV text, in pieces."""
    await record(
        by.actor,
        "incidents.export_csv",
        f"Bid:{bid.id}",
        bid_id=bid.id,
        first=period.first.isoformat(),
        last=period.last.isoformat(),
    )
    return incident_csv(bid.id, period)
