"""Forgetting people: an offender with no incident for a BID's retention period (12 months unless the
BID chose otherwise) and no exclusion running or to come loses their name, description, photos and
the reasons of their exclusions (and of ending them). The record and its links stay, so the BID's
counts do not change. `actions.retention.purge` runs this with the other retention rules; the worker
runs it daily."""

from __future__ import annotations

from datetime import datetime

from tortoise.expressions import Q, Subquery
from tortoise.transactions import in_transaction

from shopwatch.core.storage import PhotoStore, delete_unreferenced
from shopwatch.offenders.exclusions import add_months, today
from shopwatch.offenders.models import Exclusion, Offender, OffenderPhoto, OffenderStatus
from shopwatch.places.models import Bid

REDACTED_NAME = "(Removed under the retention policy)"


async def redact_dormant_offenders(store: PhotoStore, moment: datetime) -> int:
    redacted = 0
    excluded_now_or_later = Exclusion.filter(ends_on__gte=today()).values("offender_id")
    for bid_id, months in await Bid.all().values_list("id", "offender_retention_months"):
        cutoff = _months_before(moment, int(months))
        dormant = Offender.filter(
            Q(last_seen_at__lt=cutoff) | Q(last_seen_at__isnull=True, created_at__lt=cutoff),
            bid_id=bid_id,
            redacted_at__isnull=True,
        ).exclude(id__in=Subquery(excluded_now_or_later))
        ids = await dormant.values_list("id", flat=True)
        if not ids:
            continue
        async with in_transaction():
            shas = await OffenderPhoto.filter(offender_id__in=list(ids)).values_list("sha256", flat=True)
            await OffenderPhoto.filter(offender_id__in=list(ids)).delete()
            await Exclusion.filter(offender_id__in=list(ids)).update(reason="")
            await Exclusion.filter(offender_id__in=list(ids), end_reason__isnull=False).update(end_reason="")
            await Offender.filter(id__in=list(ids)).update(
                display_name=REDACTED_NAME, description="", status=OffenderStatus.ARCHIVED, redacted_at=moment
            )
        await delete_unreferenced(store, sorted({str(sha) for sha in shas}))
        redacted += len(ids)
    return redacted


def _months_before(moment: datetime, months: int) -> datetime:
    day = add_months(moment.date(), -months)
    return moment.replace(year=day.year, month=day.month, day=day.day)
