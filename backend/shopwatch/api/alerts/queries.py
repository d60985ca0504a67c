"""Reading alerts and a BID's rule settings.

Alerts are for the BID's managers, the police teams covering it and administrators; shop staff see
none. Rule settings are for the BID's managers and administrators.
"""

from __future__ import annotations

import strawberry
from graphql import GraphQLError

from shopwatch.alerts.rules import rule_settings
from shopwatch.alerts.scope import page_after, visible_alerts
from shopwatch.api.alerts.types import Alert, AlertRuleSetting
from shopwatch.api.context import Info
from shopwatch.api.ids import decode_id
from shopwatch.api.pagination import Connection, connection, decode_cursor, page_size
from shopwatch.api.permissions import IsAuthenticated
from shopwatch.places.models import Bid

_NOTHING = -1  # a BID id that matches nothing
RULES_ARE_FOR_MANAGERS = "Only this BID's managers or an administrator can see its alert rules."


@strawberry.type
class AlertsQuery:
    @strawberry.field(
        permission_classes=[IsAuthenticated],
        description="Newest first: the BIDs the viewer manages or polices (all for administrators), or "
        "just `bidId`'s. Empty for shop staff.",
    )
    async def alerts(
        self,
        info: Info,
        bid_id: strawberry.ID | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Alert]:
        assert info.context.viewer is not None
        size = page_size(first)
        query = visible_alerts(info.context.viewer)
        if bid_id is not None:
            query = query.filter(bid_id=decode_id("Bid", bid_id) or _NOTHING)
        rows = await page_after(query, decode_cursor("Alert", after), size)
        return connection(rows, size, Alert.from_model, "Alert", lambda row: (row.created_at, row.id))

    @strawberry.field(permission_classes=[IsAuthenticated], description="Null if not found or not visible.")
    async def alert(self, info: Info, id: strawberry.ID) -> Alert | None:
        assert info.context.viewer is not None
        pk = decode_id("Alert", id)
        row = await visible_alerts(info.context.viewer).get_or_none(id=pk) if pk else None
        return Alert.from_model(row) if row else None

    @strawberry.field(
        permission_classes=[IsAuthenticated],
        description="Every rule's settings for the BID, defaults included. The BID's managers and "
        "administrators.",
    )
    async def alert_rules(self, info: Info, bid_id: strawberry.ID) -> list[AlertRuleSetting]:
        viewer = info.context.viewer
        assert viewer is not None
        pk = decode_id("Bid", bid_id)
        if pk is None or not viewer.manages_bid(pk):
            raise GraphQLError(RULES_ARE_FOR_MANAGERS)
        if not await Bid.exists(id=pk):
            raise GraphQLError("There is no such BID.")
        settings = await rule_settings(pk)
        return [AlertRuleSetting.from_settings(setting) for setting in settings.values()]
