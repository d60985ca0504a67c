"""Linking offenders to incidents, and finding the offenders of incidents."""

from __future__ import annotations

from collections.abc import Sequence

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from shopwatch.accounts.models import User
from shopwatch.core.clock import now
from shopwatch.core.errors import InvalidInput
from shopwatch.incidents.models import Incident
from shopwatch.offenders.models import Offender, OffenderLink


async def offenders_in_bid(
    offender_ids: Sequence[int], bid_id: int, field: str = "offenderIds"
) -> list[Offender]:
    """The offenders asked for, all of whom must be in this BID's gallery.

    A record merged into another since the phone last loaded the gallery stands for the record it
    was merged into, so a report queued offline is not refused for it.
    """
    wanted = set(offender_ids)
    if not wanted:
        return []  # most reports name nobody: no queries for them
    found = dict(
        await Offender.filter(id__in=list(wanted), bid_id=bid_id).values_list("id", "merged_into_id")
    )
    if len(found) != len(wanted):
        raise InvalidInput(field, "Pick offenders from this BID's gallery.")
    return await Offender.filter(id__in=[merged_into or pk for pk, merged_into in found.items()])


async def link_offenders(incident: Incident, offenders: Sequence[Offender], linked_by: User) -> None:
    """Link each offender once; their last sighting moves to this incident if it is later."""
    for offender in offenders:
        await link_offender(incident, offender, linked_by)


async def link_offender(incident: Incident, offender: Offender, linked_by: User) -> bool:
    """Link the offender to the incident unless already linked; True when a link was made.
    Two racing calls make one link: the loser's insert fails inside its savepoint."""
    if await OffenderLink.exists(incident_id=incident.id, offender_id=offender.id):
        return False
    try:
        async with in_transaction():
            await OffenderLink.create(
                incident_id=incident.id, offender_id=offender.id, linked_by=linked_by, linked_at=now()
            )
    except IntegrityError:
        return False
    # Later than the last sighting (or the first): one conditional UPDATE, right even if stale here.
    await Offender.filter(
        Q(last_seen_at__isnull=True) | Q(last_seen_at__lt=incident.occurred_at), id=offender.id
    ).update(last_seen_at=incident.occurred_at)
    return True


async def unlink_offender(incident: Incident, offender: Offender) -> bool:
    """Remove the link if there is one; True when one was removed. Last seen is worked out again."""
    removed = await OffenderLink.filter(incident_id=incident.id, offender_id=offender.id).delete()
    if removed:
        await refresh_last_seen(offender.id)
    return bool(removed)


async def refresh_last_seen(offender_id: int) -> None:
    """Last seen: the time of the latest incident linked to the offender, or none."""
    latest = (
        await Incident.filter(offender_links__offender_id=offender_id)
        .order_by("-occurred_at")
        .first()
        .values_list("occurred_at", flat=True)
    )
    await Offender.filter(id=offender_id).update(last_seen_at=latest)


async def offenders_by_incident(
    incident_ids: Sequence[int], offenders: QuerySet[Offender]
) -> list[list[Offender]]:
    """Each incident's offenders among `offenders` (those the viewer may see), in the order linked."""
    links = (
        await OffenderLink.filter(
            incident_id__in=list(incident_ids), offender_id__in=Subquery(offenders.values("id"))
        )
        .select_related("offender")
        .order_by("id")
    )
    grouped: dict[int, list[Offender]] = {pk: [] for pk in incident_ids}
    for link in links:
        grouped[link.incident_id].append(link.offender)
    return [grouped[pk] for pk in incident_ids]
