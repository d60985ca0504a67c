"""Finding incidents: always within what the viewer may see, filtered in the SQL."""

from __future__ import annotations

from datetime import datetime

import strawberry

from shopwatch.api.context import Info
from shopwatch.api.ids import decode_id
from shopwatch.api.incidents.types import Incident, incident_sort_key
from shopwatch.api.pagination import Connection, connection, decode_cursor, page_size
from shopwatch.api.permissions import IsAuthenticated
from shopwatch.evidence.models import PoliceCaseState
from shopwatch.evidence.reading import with_case_states
from shopwatch.incidents import services
from shopwatch.incidents.models import IncidentKind, IncidentStatus

# An ID that matches nothing, for filters naming something the viewer cannot have.
_NOTHING = -1


@strawberry.input
class IncidentFilter:
    bid_id: strawberry.ID | None = None
    shop_id: strawberry.ID | None = None
    kinds: list[IncidentKind] | None = None
    statuses: list[IncidentStatus] | None = strawberry.field(default=None, description="Any of these.")
    from_: datetime | None = strawberry.field(default=None, name="from", description="Occurred at or after.")
    to: datetime | None = strawberry.field(default=None, description="Occurred before.")
    offender_id: strawberry.ID | None = None
    text: str | None = strawberry.field(
        default=None,
        description="In the description or police reference, or a vehicle registration, or the incident's "
        "own reference exactly (any case, e.g. 'mh-2026-154').",
    )
    case_states: list[PoliceCaseState] | None = strawberry.field(
        default=None, description="Referred to the police, with the case now at any of these stages."
    )

    def to_domain(self) -> services.IncidentFilter:
        def pk(kind: str, value: strawberry.ID | None) -> int | None:
            return None if value is None else (decode_id(kind, value) or _NOTHING)

        return services.IncidentFilter(
            bid_id=pk("Bid", self.bid_id),
            shop_id=pk("Shop", self.shop_id),
            kinds=self.kinds or (),
            statuses=self.statuses or (),
            occurred_from=self.from_,
            occurred_to=self.to,
            offender_id=pk("Offender", self.offender_id),
            text=self.text,
        )


@strawberry.type
class IncidentsQuery:
    @strawberry.field(permission_classes=[IsAuthenticated], description="Newest first.")
    async def incidents(
        self,
        info: Info,
        filter: IncidentFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Incident]:
        assert info.context.viewer is not None
        size = page_size(first)
        query = services.visible_incidents(info.context.viewer)
        if filter is not None:
            query = services.filter_incidents(query, filter.to_domain())
            if filter.case_states:
                query = with_case_states(query, filter.case_states)
        rows = await services.page_after(query, decode_cursor("Incident", after), size)
        return connection(rows, size, Incident.from_model, "Incident", incident_sort_key)

    @strawberry.field(permission_classes=[IsAuthenticated], description="Null if not found or not visible.")
    async def incident(self, info: Info, id: strawberry.ID) -> Incident | None:
        assert info.context.viewer is not None
        pk = decode_id("Incident", id)
        if pk is None:
            return None
        row = await services.visible_incidents(info.context.viewer).get_or_none(id=pk)
        return Incident.from_model(row) if row else None
