"""Area summaries for the BID's managers and police, and public figures for anyone."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import strawberry
from graphql import GraphQLError
from strawberry.permission import BasePermission

from shopwatch.alerts.rules import bid_hotspot_test
from shopwatch.api.context import Info
from shopwatch.api.ids import decode_id
from shopwatch.api.summaries.types import AreaSummary, PublicSummary
from shopwatch.core.errors import InvalidInput
from shopwatch.offenders.exclusions import today
from shopwatch.places.models import Bid
from shopwatch.summaries import area, public
from shopwatch.summaries.access import may_see_area_summary
from shopwatch.summaries.periods import Period, period_between, whole_months_between

MAX_BIDS_COMPARED = 20


class SeesAreaSummaries(BasePermission):
    """Every BID asked for must be one whose figures the viewer may see; the same message whether
    a BID is out of reach or does not exist."""

    message = "Area summaries are for the BID's managers, the police covering it and administrators."

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        viewer = info.context.viewer
        if viewer is None:
            return False
        ids = kwargs["bid_ids"] if "bid_ids" in kwargs else [kwargs["bid_id"]]
        pks = [decode_id("Bid", value) for value in ids]
        return all(pk is not None and may_see_area_summary(viewer, pk) for pk in pks)


def _period(first: date, last: date, *, whole_months: bool = False) -> Period:
    """The period asked for, or a validation error naming the argument at fault."""
    try:
        return whole_months_between(first, last, today()) if whole_months else period_between(first, last)
    except InvalidInput as error:
        raise GraphQLError(
            error.message, extensions={"code": "VALIDATION_ERROR", "field": error.field}
        ) from None


def _bid_pk(value: strawberry.ID) -> int:
    pk = decode_id("Bid", value)
    assert pk is not None  # SeesAreaSummaries has checked it
    return pk


async def _figures(bid_pk: int, period: Period) -> area.AreaFigures:
    """The figures with the BID's own hotspot definition, so the table names the shops its
    SHOP_HOTSPOT alert names."""
    hotspot, alerting = await bid_hotspot_test(bid_pk)
    return await area.area_figures(bid_pk, period, hotspot, hotspot_alerts=alerting)


From = Annotated[date, strawberry.argument(name="from", description="The first UK date, included.")]
To = Annotated[date, strawberry.argument(description="The last UK date, included.")]


@strawberry.type
class SummariesQuery:
    @strawberry.field(
        permission_classes=[SeesAreaSummaries],
        description="A BID's figures for a period (at most about 3 years).",
    )
    async def area_summary(self, bid_id: strawberry.ID, from_: From, to: To) -> AreaSummary:
        return AreaSummary.from_figures(await _figures(_bid_pk(bid_id), _period(from_, to)))

    @strawberry.field(
        permission_classes=[SeesAreaSummaries],
        description=f"Several BIDs side by side, in the order asked (at most {MAX_BIDS_COMPARED}).",
    )
    async def area_summaries(self, bid_ids: list[strawberry.ID], from_: From, to: To) -> list[AreaSummary]:
        if len(bid_ids) > MAX_BIDS_COMPARED:
            raise GraphQLError(f"Compare at most {MAX_BIDS_COMPARED} BIDs at a time.")
        period = _period(from_, to)
        return [AreaSummary.from_figures(await _figures(_bid_pk(b), period)) for b in bid_ids]

    @strawberry.field(
        description="Figures anyone may publish; no login. Whole calendar months that have ended only "
        "(`from` the first day of a month, `to` the last day of one): any other period is a validation "
        "error naming `from` or `to`. Null for an unknown BID."
    )
    async def public_summary(self, bid_slug: str, from_: From, to: To) -> PublicSummary | None:
        period = _period(from_, to, whole_months=True)
        bid = await Bid.get_or_none(slug=bid_slug[:64])
        if bid is None:
            return None
        return PublicSummary.from_figures(bid.name, await public.public_figures(bid.id, period))
