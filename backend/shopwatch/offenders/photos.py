"""Gallery photos: the incident photo pipeline, kept against an offender instead of an incident.

Files are named by SHA-256 and shared with incident photos (a CCTV still added to the gallery is the
same file as the incident's photo), so files are removed after a failed insert only when no row of
either kind still refers to them.
"""

from __future__ import annotations

import hashlib

from tortoise.transactions import in_transaction

from shopwatch.core.storage import PhotoStore
from shopwatch.incidents.models import Photo
from shopwatch.incidents.photo_formats import RejectReason
from shopwatch.incidents.photos import PhotoRejected, process_photo
from shopwatch.offenders.models import Offender, OffenderPhoto

MAX_PHOTOS_PER_OFFENDER = 6
TOO_MANY_PHOTOS = f"A gallery record can have at most {MAX_PHOTOS_PER_OFFENDER} photos."


async def attach_offender_photo(offender: Offender, data: bytes, store: PhotoStore) -> OffenderPhoto:
    """Process and keep one photo; `PhotoRejected` says why not. The same photo twice is kept once,
    even when the record is full (a retried upload)."""
    already = await OffenderPhoto.get_or_none(
        offender_id=offender.id, sha256=hashlib.sha256(data).hexdigest()
    )
    if already is not None:
        return already
    if await OffenderPhoto.filter(offender_id=offender.id).count() >= MAX_PHOTOS_PER_OFFENDER:
        raise PhotoRejected(TOO_MANY_PHOTOS, reason=RejectReason.TOO_MANY_PHOTOS)
    processed = await process_photo(data)
    existing = await OffenderPhoto.get_or_none(offender_id=offender.id, sha256=processed.sha256)
    if existing is not None:
        return existing
    paths = await store.save(processed)
    try:
        async with in_transaction():
            # Locks the offender row on PostgreSQL so racing uploads cannot pass the limit together.
            await Offender.filter(id=offender.id).select_for_update().first()
            existing = await OffenderPhoto.get_or_none(offender_id=offender.id, sha256=processed.sha256)
            if existing is not None:
                return existing
            if await OffenderPhoto.filter(offender_id=offender.id).count() >= MAX_PHOTOS_PER_OFFENDER:
                raise PhotoRejected(TOO_MANY_PHOTOS, reason=RejectReason.TOO_MANY_PHOTOS)
            return await OffenderPhoto.create(
                offender_id=offender.id,
                sha256=processed.sha256,
                content_type=processed.content_type,
                original_path=paths.original,
                display_path=paths.display,
                thumbnail_path=paths.thumbnail,
                width=processed.width,
                height=processed.height,
                byte_size=len(data),
                perceptual_hash=processed.perceptual_hash,
            )
    except BaseException:
        if not (
            await OffenderPhoto.exists(sha256=processed.sha256) or await Photo.exists(sha256=processed.sha256)
        ):
            await store.delete(paths)
        raise
