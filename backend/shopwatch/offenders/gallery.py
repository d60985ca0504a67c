"""The offender gallery: who sees whom, adding and changing people, and merging duplicate records.

Shop staff see their BID's ACTIVE, EXCLUDED and ID_SOUGHT offenders (someone seen but not yet
identified: staff may know who they are); the BID's managers, covering police and administrators see
every status. A record merged into another is gone for everyone: its links,
photos and exclusions now belong to the record it was merged into.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from tortoise.expressions import Case, Q, Subquery, When
from tortoise.functions import Count, Max
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from shopwatch.accounts.models import User
from shopwatch.accounts.viewer import Viewer
from shopwatch.core.errors import InvalidInput
from shopwatch.incidents.models import Incident
from shopwatch.offenders.exclusions import refresh_status
from shopwatch.offenders.models import Exclusion, Offender, OffenderLink, OffenderPhoto, OffenderStatus
from shopwatch.offenders.services import refresh_last_seen

MAX_DISPLAY_NAME = 200
MAX_DESCRIPTION = 5000
# What shop staff see of the gallery: people to look out for or to help identify, not retired records.
STAFF_STATUSES = (OffenderStatus.ACTIVE, OffenderStatus.EXCLUDED, OffenderStatus.ID_SOUGHT)
# What a new record may be: someone known, or someone seen but not yet identified.
NEW_STATUSES = (OffenderStatus.ACTIVE, OffenderStatus.ID_SOUGHT)


def sees_whole_gallery(viewer: Viewer, bid_id: int) -> bool:
    """The BID's managers, covering police and administrators see every record and every suggestion."""
    return viewer.is_admin or bid_id in viewer.managed_bid_ids or bid_id in viewer.police_bid_ids


def visible_offenders(viewer: Viewer) -> QuerySet[Offender]:
    """The offenders the viewer may see, as a query; never a record merged into another."""
    query = Offender.filter(merged_into_id__isnull=True)
    if viewer.is_admin:
        return query
    bid_wide = viewer.managed_bid_ids | viewer.police_bid_ids
    staff_bids = frozenset(viewer.staff_shop_bids.values()) - bid_wide
    scopes = []
    if bid_wide:
        scopes.append(Q(bid_id__in=list(bid_wide)))
    if staff_bids:
        scopes.append(Q(bid_id__in=list(staff_bids), status__in=list(STAFF_STATUSES)))
    if not scopes:
        return Offender.filter(id__in=[])
    return query.filter(Q(*scopes, join_type=Q.OR))


async def place_of(query: QuerySet[Offender], pk: int) -> tuple[datetime | None, int] | None:
    """Where record `pk` stands in the gallery's order, if `query` holds it."""
    row = await query.filter(id=pk).first().values_list("last_seen_at", "id")
    return (row[0], row[1]) if row else None


def page_after(
    query: QuerySet[Offender], after: tuple[datetime | None, int] | None, size: int
) -> QuerySet[Offender]:
    """Most recently seen first, never-seen last, then by id; continuing after a cursor."""
    query = query.annotate(never_seen=Case(When(last_seen_at__isnull=True, then="1"), default="0"))
    if after is not None:
        seen_at, pk = after
        if seen_at is None:
            query = query.filter(last_seen_at__isnull=True, id__gt=pk)
        else:
            query = query.filter(
                Q(last_seen_at__lt=seen_at)
                | Q(last_seen_at=seen_at, id__gt=pk)
                | Q(last_seen_at__isnull=True)
            )
    return query.order_by("never_seen", "-last_seen_at", "id").limit(size + 1)


def check_display_name(value: str) -> str:
    value = value.strip()
    if not 1 <= len(value) <= MAX_DISPLAY_NAME:
        raise InvalidInput(
            "displayName",
            f"Give a name of 1 to {MAX_DISPLAY_NAME} characters, e.g. 'Unknown male, red cap'.",
        )
    if "\x00" in value:
        raise InvalidInput("displayName", "Remove the NUL character.")
    return value


def check_description(value: str) -> str:
    value = value.strip()
    if len(value) > MAX_DESCRIPTION:
        raise InvalidInput("description", f"Keep the description to {MAX_DESCRIPTION:,} characters.")
    if "\x00" in value:
        raise InvalidInput("description", "Remove the NUL character.")
    return value


async def create_offender(
    bid_id: int,
    display_name: str,
    description: str,
    created_by: User,
    status: OffenderStatus = OffenderStatus.ACTIVE,
) -> Offender:
    if status not in NEW_STATUSES:
        raise InvalidInput("status", "A new record is ACTIVE or ID_SOUGHT; issue an exclusion to exclude.")
    return await Offender.create(
        bid_id=bid_id,
        display_name=check_display_name(display_name),
        description=check_description(description),
        status=status,
        created_by=created_by,
    )


async def update_offender(
    offender: Offender,
    *,
    display_name: str | None = None,
    description: str | None = None,
    status: OffenderStatus | None = None,
) -> Offender:
    """Change what is given. EXCLUDED comes only from an exclusion; ACTIVE or ID_SOUGHT on a record
    under an active exclusion stays EXCLUDED."""
    if status == OffenderStatus.EXCLUDED:
        raise InvalidInput("status", "Issue an exclusion to exclude someone.")
    changes: dict[str, object] = {}
    if display_name is not None:
        changes["display_name"] = check_display_name(display_name)
    if description is not None:
        changes["description"] = check_description(description)
    async with in_transaction():
        if changes:
            await Offender.filter(id=offender.id).update(**changes)
        if status == OffenderStatus.ARCHIVED:
            await Offender.filter(id=offender.id).update(status=OffenderStatus.ARCHIVED)
        elif status in NEW_STATUSES:
            await Offender.filter(id=offender.id).update(status=status)
            await refresh_status(offender.id)
    return await Offender.get(id=offender.id)


@dataclass(frozen=True)
class Merged:
    kept: Offender
    moved_links: int


async def merge_offenders(keep: Offender, merge: Offender) -> Merged:
    """Fold `merge` into `keep` (two shops created the same person): its incident links, photos and
    exclusions move to `keep`, skipping what `keep` already has; `merge` is ARCHIVED, pointing at
    `keep`, and so is anything merged into it before."""
    if keep.id == merge.id:
        raise InvalidInput("mergeId", "Pick two different records to merge.")
    if keep.bid_id != merge.bid_id:
        raise InvalidInput("mergeId", "Only records in the same BID's gallery can be merged.")
    async with in_transaction():
        # Locks both rows on PostgreSQL, in id order, so two merges of the same pair cannot interleave.
        locked = (
            await Offender.filter(id__in=[keep.id, merge.id], merged_into_id__isnull=True)
            .order_by("id")
            .select_for_update()
        )
        if len(locked) != 2:
            raise InvalidInput("mergeId", "One of these records has just been merged into another.")
        kept_incidents = Subquery(OffenderLink.filter(offender_id=keep.id).values("incident_id"))
        await OffenderLink.filter(offender_id=merge.id, incident_id__in=kept_incidents).delete()
        moved_links = await OffenderLink.filter(offender_id=merge.id).update(offender_id=keep.id)
        kept_photos = Subquery(OffenderPhoto.filter(offender_id=keep.id).values("sha256"))
        await OffenderPhoto.filter(offender_id=merge.id, sha256__in=kept_photos).delete()
        await OffenderPhoto.filter(offender_id=merge.id).update(offender_id=keep.id)
        await Exclusion.filter(offender_id=merge.id).update(offender_id=keep.id)
        await Offender.filter(merged_into_id=merge.id).update(merged_into_id=keep.id)
        await Offender.filter(id=merge.id).update(status=OffenderStatus.ARCHIVED, merged_into_id=keep.id)
        if not keep.description.strip() and merge.description.strip():
            await Offender.filter(id=keep.id).update(description=merge.description)
        if keep.status == OffenderStatus.ARCHIVED and merge.status != OffenderStatus.ARCHIVED:
            await Offender.filter(id=keep.id).update(status=OffenderStatus.ACTIVE)
        await refresh_last_seen(keep.id)
        await refresh_status(keep.id)
    return Merged(kept=await Offender.get(id=keep.id), moved_links=moved_links)


@dataclass(frozen=True)
class Sightings:
    """What a viewer may know of an offender's incidents: how many they may see, and the latest."""

    count: int
    last_seen_at: datetime | None


async def visible_sightings(offender_ids: Sequence[int], incidents: QuerySet[Incident]) -> list[Sightings]:
    """For each offender, the count and latest time of `incidents` (the viewer's visible ones) linked
    to them; one GROUP BY query."""
    rows = (
        await OffenderLink.filter(
            offender_id__in=list(offender_ids), incident_id__in=Subquery(incidents.values("id"))
        )
        .annotate(count=Count("id"), latest=Max("incident__occurred_at"))
        .group_by("offender_id")
        .values_list("offender_id", "count", "latest")
    )
    found = {int(offender_id): Sightings(int(count), latest) for offender_id, count, latest in rows}
    return [found.get(pk, Sightings(0, None)) for pk in offender_ids]
