"""Looking through the gallery: always within what the viewer may see, filtered in the SQL."""

from __future__ import annotations

import strawberry
from graphql import GraphQLError

from shopwatch.actions import access
from shopwatch.api.context import Info
from shopwatch.api.ids import decode_id
from shopwatch.api.offenders.data_export import OffenderDataExport, export_offender_data
from shopwatch.api.offenders.types import Offender
from shopwatch.api.pagination import (
    NOT_A_CURSOR,
    Connection,
    connection,
    decode_cursor_of_maybe_timeless,
    page_size,
)
from shopwatch.api.permissions import IsAuthenticated
from shopwatch.offenders import gallery

_NOTHING = -1  # a BID id that matches nothing, for an ID that is not a BID's


@strawberry.type
class OffendersQuery:
    @strawberry.field(
        permission_classes=[IsAuthenticated],
        description="A BID's gallery, most recently seen first. Shop staff see ACTIVE and EXCLUDED "
        "records; the BID's managers, covering police and administrators also see ARCHIVED ones. "
        "Another BID's gallery is empty.",
    )
    async def offenders(
        self, info: Info, bid_id: strawberry.ID, first: int | None = None, after: str | None = None
    ) -> Connection[Offender]:
        assert info.context.viewer is not None
        size = page_size(first)
        query = gallery.visible_offenders(info.context.viewer).filter(
            bid_id=decode_id("Bid", bid_id) or _NOTHING
        )
        anchor = None
        if (key := decode_cursor_of_maybe_timeless("Offender", after)) is not None:
            # Only a cursor given out here (no time in it) and only for a record still in the list:
            # a time chosen by the asker would let shop staff find sightings out by trying.
            anchor = await gallery.place_of(query, key[1]) if key[0] is None else None
            if anchor is None:
                raise GraphQLError(NOT_A_CURSOR)
        rows = await gallery.page_after(query, anchor, size)
        # A cursor names the record alone and where it stands is looked up on the next page, so no
        # cursor tells shop staff when someone was last seen at another shop.
        return connection(rows, size, Offender.from_model, "Offender", lambda row: (None, row.id))

    @strawberry.field(
        permission_classes=[IsAuthenticated],
        description="Null if not found, not visible, or merged into another record.",
    )
    async def offender(self, info: Info, id: strawberry.ID) -> Offender | None:
        assert info.context.viewer is not None
        pk = decode_id("Offender", id)
        if pk is None:
            return None
        row = await gallery.visible_offenders(info.context.viewer).get_or_none(id=pk)
        if row is None:
            return None
        await access.view_offender(info.context.acting, row)
        return Offender.from_model(row)

    @strawberry.field(
        permission_classes=[IsAuthenticated],
        description="Everything held on one person (record, merged records, photos with originals, "
        "exclusions, incidents, alerts, who looked): for a subject-access request. The BID's managers "
        "and administrators; null if not found. Recorded in the audit trail.",
    )
    async def export_offender_data(self, info: Info, offender_id: strawberry.ID) -> OffenderDataExport | None:
        return await export_offender_data(info, offender_id)
