"""`GET /export/incidents.csv?bidId=&from=&to=`: a BID's incidents for a period as a CSV download,
authorised like its area summary and written to the audit trail; never for a request another site
made."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from shopwatch.actions import access
from shopwatch.api.context import acting_of
from shopwatch.api.csrf import OPENED_FROM_ANOTHER_SITE, from_another_site
from shopwatch.api.ids import decode_id
from shopwatch.api.view import request_viewer
from shopwatch.core.errors import InvalidInput
from shopwatch.places.models import Bid
from shopwatch.settings import Settings
from shopwatch.summaries.access import may_see_area_summary
from shopwatch.summaries.periods import Period, period_between

REFUSED = "Exports are for the BID's managers, the police covering it and administrators."


def _refusal(status: int, message: str, field: str | None = None) -> Response:
    body = {"error": message} | ({"field": field} if field else {})
    return JSONResponse(body, status_code=status, headers={"Cache-Control": "no-store"})


def _period(request: Request) -> Period:
    def day(name: str) -> date:
        try:
            return date.fromisoformat(request.query_params.get(name, ""))
        except ValueError:
            raise InvalidInput(name, f"Give `{name}` as a date, e.g. 2026-01-31.") from None

    return period_between(day("from"), day("to"))


def incident_export_endpoint(settings: Settings) -> Callable[[Request], Awaitable[Response]]:
    async def export_incidents(request: Request) -> Response:
        if from_another_site(request.headers):
            return _refusal(403, OPENED_FROM_ANOTHER_SITE)
        viewer = await request_viewer(request)
        if viewer is None:
            return _refusal(401, "Log in to export incidents.")
        bid_pk = decode_id("Bid", request.query_params.get("bidId", ""))
        bid = await Bid.get_or_none(id=bid_pk) if bid_pk is not None else None
        if bid is None or not may_see_area_summary(viewer, bid.id):
            return _refusal(403, REFUSED)
        try:
            period = _period(request)
        except InvalidInput as error:
            return _refusal(400, error.message, error.field)
        rows = await access.export_incidents(acting_of(viewer, request, settings), bid, period)
        filename = f"shopwatch-{bid.slug}-{period.first}-to-{period.last}.csv"
        return StreamingResponse(
            rows,
            media_type="text/csv; charset=utf-8",
            headers={
                "Content-Disposition": f'attachment; filename="{filename}"',
                "Cache-Control": "no-store",
                "X-Content-Type-Options": "nosniff",
            },
        )

    return export_incidents
