"""Keeping the gallery: creating a record (with its first photo), changing it, adding photos, merging
two records of one person; a change and a merge are written to the audit trail with them."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.transactions import in_transaction

from shopwatch.actions.acting import Acting
from shopwatch.actions.photos import PhotoFile
from shopwatch.core.audit.trail import record
from shopwatch.incidents.photos import PhotoRejected
from shopwatch.offenders import gallery
from shopwatch.offenders.models import Offender, OffenderPhoto, OffenderStatus
from shopwatch.offenders.photos import attach_offender_photo
from shopwatch.places.services import get_bid


@dataclass(frozen=True)
class CreatedOffender:
    offender: Offender
    photo_error: str | None = None


async def create_offender(
    by: Acting,
    bid_id: int,
    display_name: str,
    description: str,
    photo: PhotoFile | None = None,
    status: OffenderStatus = OffenderStatus.ACTIVE,
) -> CreatedOffender:
    """A new record, ACTIVE or ID_SOUGHT; `InvalidInput` for a name, description or status that cannot
    be kept, `NotFoundError` for a BID that does not exist. A refused photo keeps the record and says
    why."""
    bid = await get_bid(bid_id)
    offender = await gallery.create_offender(bid.id, display_name, description, by.user, status)
    if photo is None:
        return CreatedOffender(offender=offender)
    try:
        await add_offender_photo(by, offender, photo)
    except PhotoRejected as error:
        return CreatedOffender(offender=offender, photo_error=f"{photo.name}: {error}")
    return CreatedOffender(offender=offender)


async def update_offender(
    by: Acting,
    offender: Offender,
    *,
    display_name: str | None = None,
    description: str | None = None,
    status: OffenderStatus | None = None,
) -> Offender:
    """Only what is given changes; the record, reloaded. The audit entry names the fields changed,
    never their values: the trail outlives the retention purge."""
    given = {"displayName": display_name, "description": description, "status": status}
    async with in_transaction():
        updated = await gallery.update_offender(
            offender, display_name=display_name, description=description, status=status
        )
        if changed := sorted(field for field, value in given.items() if value is not None):
            await record(
                by.actor,
                "offender.update",
                f"Offender:{offender.id}",
                bid_id=offender.bid_id,
                fields=changed,
                status=status.value if status else None,
            )
    return updated


async def add_offender_photo(by: Acting, offender: Offender, photo: PhotoFile) -> OffenderPhoto:
    """`PhotoRejected` for a photo that cannot be kept."""
    return await attach_offender_photo(offender, await photo.read(), by.store)


async def merge_offenders(by: Acting, keep: Offender, merge: Offender) -> gallery.Merged:
    """`merge`'s links, photos and exclusions move to `keep`; `InvalidInput` for a pair that cannot
    be merged."""
    async with in_transaction():
        merged = await gallery.merge_offenders(keep, merge)
        await record(by.actor, "offender.merge", f"Offender:{keep.id}", bid_id=keep.bid_id, merged=merge.id)
    return merged
