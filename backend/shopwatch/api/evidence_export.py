"""`GET /export/evidence/<incident id>.zip`: an incident's evidence pack, for the BID's managers, the
police covering it and administrators; streamed, recorded in the audit trail, never for a request
another site made."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from shopwatch.actions.evidence_pack import make_evidence_pack
from shopwatch.api.context import acting_of
from shopwatch.api.csrf import OPENED_FROM_ANOTHER_SITE, from_another_site
from shopwatch.api.ids import decode_id
from shopwatch.api.view import request_viewer
from shopwatch.evidence.access import may_download_pack
from shopwatch.evidence.pack import PackUnavailable, stream_pack
from shopwatch.incidents.services import visible_incidents
from shopwatch.settings import Settings

REFUSED = "Evidence packs are for the BID's managers, the police covering it and administrators."


def _refusal(status: int, message: str) -> Response:
    return JSONResponse({"error": message}, status_code=status, headers={"Cache-Control": "no-store"})


def evidence_pack_endpoint(settings: Settings) -> Callable[[Request], Awaitable[Response]]:
    async def export_evidence_pack(request: Request) -> Response:
        if from_another_site(request.headers):
            return _refusal(403, OPENED_FROM_ANOTHER_SITE)
        viewer = await request_viewer(request)
        if viewer is None:
            return _refusal(401, "Log in to download evidence packs.")
        pk = decode_id("Incident", request.path_params["incident_id"])
        incident = await visible_incidents(viewer).filter(id=pk).first() if pk is not None else None
        if incident is None:
            return _refusal(404, "There is no such incident.")
        if not may_download_pack(viewer, incident):
            return _refusal(403, REFUSED)
        try:
            pack = await make_evidence_pack(acting_of(viewer, request, settings), incident)
        except PackUnavailable as error:
            return _refusal(409, error.message)
        return StreamingResponse(
            stream_pack(pack),
            media_type="application/zip",
            headers={
                "Content-Disposition": f'attachment; filename="{pack.filename}"',
                "Cache-Control": "no-store",
                "X-Content-Type-Options": "nosniff",
            },
        )

    return export_evidence_pack
