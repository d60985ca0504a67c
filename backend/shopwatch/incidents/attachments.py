"""Attaching photos to incidents: files first, then the row; files removed again if the row fails."""

from __future__ import annotations

from tortoise.transactions import in_transaction

from shopwatch.core.storage import PhotoStore
from shopwatch.incidents.models import Incident, Photo
from shopwatch.incidents.photo_formats import RejectReason
from shopwatch.incidents.photos import MAX_PHOTOS_PER_INCIDENT, PhotoRejected, process_photo

TOO_MANY_PHOTOS = f"An incident can have at most {MAX_PHOTOS_PER_INCIDENT} photos."


async def attach_photo(incident: Incident, data: bytes, store: PhotoStore) -> Photo:
    """Process and keep one photo; `PhotoRejected` says why not. The same photo twice is kept once."""
    if await Photo.filter(incident_id=incident.id).count() >= MAX_PHOTOS_PER_INCIDENT:
        raise PhotoRejected(TOO_MANY_PHOTOS, reason=RejectReason.TOO_MANY_PHOTOS)
    processed = await process_photo(data)
    existing = await Photo.get_or_none(incident_id=incident.id, sha256=processed.sha256)
    if existing is not None:
        return existing
    paths = await store.save(processed)
    try:
        async with in_transaction():
            # Locks the incident row on PostgreSQL so racing uploads cannot pass the limit together.
            await Incident.filter(id=incident.id).select_for_update().first()
            existing = await Photo.get_or_none(incident_id=incident.id, sha256=processed.sha256)
            if existing is not None:
                return existing
            if await Photo.filter(incident_id=incident.id).count() >= MAX_PHOTOS_PER_INCIDENT:
                raise PhotoRejected(TOO_MANY_PHOTOS, reason=RejectReason.TOO_MANY_PHOTOS)
            return await Photo.create(
                incident_id=incident.id,
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
        # Files are named by content; another incident may hold the same photo, so keep them then.
        if not await Photo.exists(sha256=processed.sha256):
            await store.delete(paths)
        raise
