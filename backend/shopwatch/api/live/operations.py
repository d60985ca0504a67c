"""Live alerts in GraphQL: `bidAlerts` (the subscription), `liveAlerts` (what a phone missed) and
`broadcast`.

The subscription runs only over the `graphql-transport-ws` socket on /graphql (`api/live/socket.py`
admits it); each alert the broker hands this process is shown to each subscriber as their role may
see it (`live.services.view_for`).
"""

from __future__ import annotations

import functools
from collections.abc import AsyncGenerator
from datetime import datetime
from typing import Annotated

import strawberry
from graphql import GraphQLError

from shopwatch.accounts.viewer import Viewer
from shopwatch.actions import live as live_actions
from shopwatch.api.context import Info
from shopwatch.api.errors import NotFound, PermissionDenied, ValidationError
from shopwatch.api.ids import decode_id
from shopwatch.api.live.delivery import starting_delivery
from shopwatch.api.live.types import LiveAlert
from shopwatch.api.permissions import LOG_IN_FIRST, NO_SUCH_BID, IsAuthenticated, Rule, refusal
from shopwatch.core.errors import InvalidInput
from shopwatch.live.broker import hub
from shopwatch.live.services import (
    LiveAlertView,
    load_alert,
    missed_alerts,
    receives,
    sender_view,
    view_for,
)

FELL_BEHIND = (
    "This subscription fell behind and was ended: subscribe again, and fetch liveAlerts since the last "
    "alert you had."
)


@functools.lru_cache(maxsize=1024)
def shown(view: LiveAlertView) -> LiveAlert:
    """One GraphQL object for each distinct view of an alert, so every subscriber shown it alike
    gets the same object, and its answer is executed once for them all (api/execution.py)."""
    return LiveAlert.from_view(view)


class MayBroadcast(Rule):
    message = "Only this BID's managers and the police covering it can send a message to its members."

    def __init__(self, bid_id: int) -> None:
        self.bid_id = bid_id

    def allows(self, viewer: Viewer) -> bool:
        return viewer.manages_bid(self.bid_id) or self.bid_id in viewer.police_bid_ids


@strawberry.input
class BroadcastInput:
    bid_id: strawberry.ID
    message: str = strawberry.field(description="1 to 280 characters, sent to every member of the BID.")
    offender_id: strawberry.ID | None = strawberry.field(
        default=None, description="A gallery offender the BID's shop staff can see, shown with the message."
    )


@strawberry.type
class BroadcastSuccess:
    live_alert: LiveAlert


BroadcastResult = Annotated[
    BroadcastSuccess | ValidationError | PermissionDenied | NotFound, strawberry.union("BroadcastResult")
]


@strawberry.type
class LiveQuery:
    @strawberry.field(
        permission_classes=[IsAuthenticated],
        description="The BID's live alerts after `since` that the viewer may see, oldest first: what a "
        "phone missed while it was not connected. At most the last day's, and the newest 100. Empty "
        "for a BID the viewer is not a member of.",
    )
    async def live_alerts(
        self, info: Info, bid_id: strawberry.ID, since: datetime | None = None
    ) -> list[LiveAlert]:
        viewer = info.context.viewer
        assert viewer is not None
        pk = decode_id("Bid", bid_id)
        if pk is None:
            return []
        return [LiveAlert.from_view(view) for view in await missed_alerts(viewer, pk, since)]


@strawberry.type
class LiveMutation:
    @strawberry.mutation(description="A message to every member of the BID, now; its managers and police.")
    async def broadcast(self, info: Info, input: BroadcastInput) -> BroadcastResult:
        viewer = info.context.viewer
        if viewer is None:
            return PermissionDenied(message=LOG_IN_FIRST)
        bid_id = decode_id("Bid", input.bid_id)
        if bid_id is None or not viewer.can_see_bid(bid_id):
            return NotFound(message=NO_SUCH_BID)
        if denied := refusal(viewer, MayBroadcast(bid_id)):
            return denied
        offender_id = None
        if input.offender_id is not None:
            offender_id = decode_id("Offender", input.offender_id)
            if offender_id is None:
                return ValidationError(field="offenderId", message="There is no such offender.")
        try:
            alert = await live_actions.broadcast(info.context.acting, bid_id, input.message, offender_id)
        except InvalidInput as error:
            return ValidationError.from_error(error)
        loaded = await load_alert(alert.id)
        assert loaded is not None  # just stored
        return BroadcastSuccess(live_alert=LiveAlert.from_view(sender_view(loaded)))


@strawberry.type
class LiveSubscription:
    @strawberry.subscription(
        permission_classes=[IsAuthenticated],
        description="Each live alert of the BID as it happens, as the viewer may see it; members of "
        "the BID only. Over the graphql-transport-ws socket on /graphql.",
    )
    async def bid_alerts(self, info: Info, bid_id: strawberry.ID) -> AsyncGenerator[LiveAlert, None]:
        viewer = info.context.viewer
        assert viewer is not None
        pk = decode_id("Bid", bid_id)
        if pk is None or not receives(viewer, pk):
            raise GraphQLError(NO_SUCH_BID)
        # Over the live socket, alerts are sent straight to it (`api/live/delivery.py`).
        delivery = starting_delivery.get()
        subscriber = hub.subscribe(pk)
        try:
            while True:
                loaded = await subscriber.queue.get()
                if loaded is None:
                    raise GraphQLError(FELL_BEHIND)
                view = view_for(viewer, loaded)
                if view is None:
                    continue
                alert = shown(view)
                if delivery is None or not await delivery.send(alert):
                    yield alert
        finally:
            hub.unsubscribe(subscriber)
