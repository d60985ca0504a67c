"""The offender gallery: who is in it, and linking them to incidents."""

from __future__ import annotations

from collections.abc import Sequence

from shopwatch.accounts.models import User
from shopwatch.core.clock import now
from shopwatch.core.errors import InvalidInput
from shopwatch.incidents.models import Incident
from shopwatch.offenders.models import Offender, OffenderLink


async def offenders_in_bid(
    offender_ids: Sequence[int], bid_id: int, field: str = "offenderIds"
) -> list[Offender]:
    """The offenders asked for, all of whom must be in this BID's gallery."""
    wanted = set(offender_ids)
    offenders = await Offender.filter(id__in=list(wanted), bid_id=bid_id)
    if len(offenders) != len(wanted):
        raise InvalidInput(field, "Pick offenders from this BID's gallery.")
    return offenders


async def link_offenders(incident: Incident, offenders: Sequence[Offender], linked_by: User) -> None:
    """Link each offender once; their last sighting moves to this incident if it is later."""
    already = set(await OffenderLink.filter(incident_id=incident.id).values_list("offender_id", flat=True))
    for offender in offenders:
        if offender.id in already:
            continue
        await OffenderLink.create(
            incident_id=incident.id, offender=offender, linked_by=linked_by, linked_at=now()
        )
        if offender.last_seen_at is None or offender.last_seen_at < incident.occurred_at:
            await Offender.filter(id=offender.id).update(last_seen_at=incident.occurred_at)


async def offenders_by_incident(incident_ids: Sequence[int]) -> list[list[Offender]]:
    links = (
        await OffenderLink.filter(incident_id__in=list(incident_ids))
        .select_related("offender")
        .order_by("id")
    )
    grouped: dict[int, list[Offender]] = {pk: [] for pk in incident_ids}
    for link in links:
        grouped[link.incident_id].append(link.offender)
    return [grouped[pk] for pk in incident_ids]
