"""Keeping a processed photo against its owner (an incident, or a gallery record): files first,
then the row; the files are removed again if the row fails and no other row refers to them."""

from __future__ import annotations

import asyncio
from typing import Any, TypeVar

from tortoise.models import Model
from tortoise.transactions import in_transaction

from shopwatch.core.storage import PhotoStore, is_referenced
from shopwatch.incidents.models import Incident, Photo
from shopwatch.incidents.photo_formats import RejectReason
from shopwatch.incidents.photos import (
    MAX_PHOTOS_PER_INCIDENT,
    PhotoRejected,
    content_sha256,
    process_photo,
)

TOO_MANY_PHOTOS = f"An incident can have at most {MAX_PHOTOS_PER_INCIDENT} photos."

P = TypeVar("P", bound=Model)


async def keep_photo(
    owner: Model,
    owner_field: str,
    photo_table: type[P],
    data: bytes,
    store: PhotoStore,
    limit: int,
    too_many: str,
) -> P:
    """Process and keep one photo; `PhotoRejected` says why not. The same photo twice is kept once,
    even when the owner is full (a retried upload)."""
    mine: dict[str, Any] = {owner_field: owner.pk}
    # Hashed once, in a thread: megabytes hashed on the event loop would hold up every other request.
    sha256 = await asyncio.to_thread(content_sha256, data)
    already = await photo_table.get_or_none(**mine, sha256=sha256)
    if already is not None:
        return already
    if await photo_table.filter(**mine).count() >= limit:
        raise PhotoRejected(too_many, reason=RejectReason.TOO_MANY_PHOTOS)
    processed = await process_photo(data, sha256)
    paths = await store.save(processed)
    try:
        async with in_transaction():
            # Locks the owner's row on PostgreSQL so racing uploads cannot pass the limit together.
            await type(owner).filter(pk=owner.pk).select_for_update().first()
            existing = await photo_table.get_or_none(**mine, sha256=processed.sha256)
            if existing is not None:
                return existing
            if await photo_table.filter(**mine).count() >= limit:
                raise PhotoRejected(too_many, reason=RejectReason.TOO_MANY_PHOTOS)
            return await photo_table.create(
                **mine,
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
        # Files are named by content and shared: keep them while any photo row refers to them.
        if not await is_referenced(processed.sha256):
            await store.delete(paths)
        raise


async def attach_photo(incident: Incident, data: bytes, store: PhotoStore) -> Photo:
    return await keep_photo(
        incident, "incident_id", Photo, data, store, MAX_PHOTOS_PER_INCIDENT, TOO_MANY_PHOTOS
    )
