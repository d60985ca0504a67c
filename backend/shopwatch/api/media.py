"""Serving photo files to viewers allowed to see the incident (or the gallery offender); originals only
to those allowed evidence, and never to a request another site made."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from tortoise.expressions import Subquery

from shopwatch.actions import access
from shopwatch.api.context import acting_of
from shopwatch.api.csrf import OPENED_FROM_ANOTHER_SITE, from_another_site
from shopwatch.api.ids import decode_id
from shopwatch.api.view import request_viewer
from shopwatch.core.storage import PhotoStore, UnsafePath
from shopwatch.incidents.models import Photo
from shopwatch.incidents.services import may_see_originals, visible_incidents
from shopwatch.offenders.gallery import sees_whole_gallery, visible_offenders
from shopwatch.offenders.models import OffenderPhoto
from shopwatch.settings import Settings

PRIVATE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "private, max-age=3600",
    "Content-Security-Policy": "default-src 'none'; sandbox",
}


def _refusal(status: int, message: str) -> Response:
    return JSONResponse({"error": message}, status_code=status, headers={"Cache-Control": "no-store"})


async def _serve_file(store: PhotoStore, path: str, media_type: str) -> Response:
    try:
        file = store.open_path(path)
    except UnsafePath:
        file = None
    if file is None or not await asyncio.to_thread(file.is_file):
        # The row exists but its file does not: say so plainly rather than fail with a 500.
        return _refusal(404, "This photo's file is missing.")
    return FileResponse(file, media_type=media_type, headers=PRIVATE_HEADERS)


def _variant(photo: Photo | OffenderPhoto, variant: str) -> tuple[str, str] | None:
    """The file and media type of a photo's variant, or None for an unknown variant."""
    if variant == "original":
        return photo.original_path, photo.content_type
    if variant == "display":
        return photo.display_path, "image/jpeg"
    if variant == "thumbnail":
        return photo.thumbnail_path, "image/jpeg"
    return None


def photo_endpoint(settings: Settings) -> Callable[[Request], Awaitable[Response]]:
    store = PhotoStore(settings.media_root)

    async def serve_photo(request: Request) -> Response:
        if request.path_params["variant"] == "original" and from_another_site(request.headers):
            return _refusal(403, OPENED_FROM_ANOTHER_SITE)
        viewer = await request_viewer(request)
        if viewer is None:
            return _refusal(401, "Log in to see photos.")
        pk = decode_id("Photo", request.path_params["photo_id"])
        variant = request.path_params["variant"]
        photo = (
            await Photo.filter(id=pk, incident_id__in=Subquery(visible_incidents(viewer).values("id")))
            .select_related("incident")
            .first()
            if pk is not None
            else None
        )
        file = _variant(photo, variant) if photo is not None else None
        if photo is None or file is None:
            return _refusal(404, "There is no such photo.")
        if variant == "original":
            if not may_see_originals(viewer, photo.incident.bid_id):
                return _refusal(403, "Original photos are for BID managers and police.")
            await access.open_original(acting_of(viewer, request, settings), photo, photo.incident.bid_id)
        return await _serve_file(store, *file)

    return serve_photo


def offender_photo_endpoint(settings: Settings) -> Callable[[Request], Awaitable[Response]]:
    """Gallery photos: to whoever may see the offender; originals to the BID's managers and police."""
    store = PhotoStore(settings.media_root)

    async def serve_offender_photo(request: Request) -> Response:
        if request.path_params["variant"] == "original" and from_another_site(request.headers):
            return _refusal(403, OPENED_FROM_ANOTHER_SITE)
        viewer = await request_viewer(request)
        if viewer is None:
            return _refusal(401, "Log in to see photos.")
        pk = decode_id("OffenderPhoto", request.path_params["photo_id"])
        variant = request.path_params["variant"]
        photo = (
            await OffenderPhoto.filter(
                id=pk, offender_id__in=Subquery(visible_offenders(viewer).values("id"))
            )
            .select_related("offender")
            .first()
            if pk is not None
            else None
        )
        file = _variant(photo, variant) if photo is not None else None
        if photo is None or file is None:
            return _refusal(404, "There is no such photo.")
        if variant == "original":
            if not sees_whole_gallery(viewer, photo.offender.bid_id):
                return _refusal(403, "Original photos are for BID managers and police.")
            await access.open_original(acting_of(viewer, request, settings), photo, photo.offender.bid_id)
        return await _serve_file(store, *file)

    return serve_offender_photo
