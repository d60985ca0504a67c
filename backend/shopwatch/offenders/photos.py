"""Gallery photos: the incident photo pipeline, kept against an offender instead of an incident.

Files are named by SHA-256 and shared with incident photos (a CCTV still added to the gallery is the
same file as the incident's photo), so files are removed after a failed insert only when no row of
either kind still refers to them.
"""

from __future__ import annotations

from shopwatch.core.ids import encode_id
from shopwatch.core.storage import PhotoStore
from shopwatch.incidents.attachments import keep_photo
from shopwatch.offenders.models import Offender, OffenderPhoto

MAX_PHOTOS_PER_OFFENDER = 6
TOO_MANY_PHOTOS = f"A gallery record can have at most {MAX_PHOTOS_PER_OFFENDER} photos."


async def attach_offender_photo(offender: Offender, data: bytes, store: PhotoStore) -> OffenderPhoto:
    return await keep_photo(
        offender, "offender_id", OffenderPhoto, data, store, MAX_PHOTOS_PER_OFFENDER, TOO_MANY_PHOTOS
    )


def offender_photo_url(photo_id: int, variant: str) -> str:
    """Where the app fetches a gallery photo ("display", "thumbnail" or "original")."""
    return f"/media/offender-photos/{encode_id('OffenderPhoto', photo_id)}/{variant}"
