"""Web Push in GraphQL: the key a phone subscribes with (`pushPublicKey`), and registering and
removing the viewer's own subscriptions."""

from __future__ import annotations

from typing import Annotated

import strawberry

from shopwatch.actions import live as live_actions
from shopwatch.api.context import Info
from shopwatch.api.errors import NotFound, PermissionDenied, ValidationError
from shopwatch.api.permissions import LOG_IN_FIRST
from shopwatch.core.errors import InvalidInput

NO_SUCH_SUBSCRIPTION = "There is no push subscription of yours at this endpoint."


@strawberry.input(description="The browser's PushSubscription: `subscription.toJSON()`'s endpoint and keys.")
class PushSubscriptionInput:
    endpoint: str = strawberry.field(description="The push service's https URL for this phone.")
    p256dh: str = strawberry.field(description="keys.p256dh: the phone's P-256 public key, base64url.")
    auth: str = strawberry.field(description="keys.auth: the phone's 16-byte auth secret, base64url.")


@strawberry.type
class PushSubscriptionSuccess:
    endpoint: str


RegisterPushSubscriptionResult = Annotated[
    PushSubscriptionSuccess | ValidationError | PermissionDenied,
    strawberry.union("RegisterPushSubscriptionResult"),
]
RemovePushSubscriptionResult = Annotated[
    PushSubscriptionSuccess | PermissionDenied | NotFound, strawberry.union("RemovePushSubscriptionResult")
]


@strawberry.type
class PushQuery:
    @strawberry.field(
        description="The server's VAPID public key (base64url, uncompressed P-256 point): the "
        "`applicationServerKey` a phone subscribes with. Null when Web Push is not configured."
    )
    def push_public_key(self, info: Info) -> str | None:
        return info.context.settings.vapid_public_key


@strawberry.type
class PushMutation:
    @strawberry.mutation(
        description="This phone gets the live alerts of the viewer's BIDs by Web Push while the app is "
        "closed, for as long as this session lasts (a logout stops them). Registering the same endpoint "
        "again updates it."
    )
    async def register_push_subscription(
        self, info: Info, input: PushSubscriptionInput
    ) -> RegisterPushSubscriptionResult:
        if info.context.viewer is None:
            return PermissionDenied(message=LOG_IN_FIRST)
        try:
            await live_actions.register_push_subscription(
                info.context.acting, input.endpoint, input.p256dh, input.auth
            )
        except InvalidInput as error:
            return ValidationError.from_error(error)
        return PushSubscriptionSuccess(endpoint=input.endpoint)

    @strawberry.mutation(description="No more pushes to this phone: one of the viewer's own subscriptions.")
    async def remove_push_subscription(self, info: Info, endpoint: str) -> RemovePushSubscriptionResult:
        if info.context.viewer is None:
            return PermissionDenied(message=LOG_IN_FIRST)
        if not await live_actions.remove_push_subscription(info.context.acting, endpoint):
            return NotFound(message=NO_SUCH_SUBSCRIPTION)
        return PushSubscriptionSuccess(endpoint=endpoint)
