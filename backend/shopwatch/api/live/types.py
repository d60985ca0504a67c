"""GraphQL types of live alerts: only what every member of the BID may read."""

from __future__ import annotations

from datetime import datetime

import strawberry

from shopwatch.api.ids import encode_id
from shopwatch.live import models
from shopwatch.live.services import LiveAlertView
from shopwatch.offenders.models import OffenderStatus
from shopwatch.offenders.photos import offender_photo_url

strawberry.enum(
    models.LiveAlertKind,
    name="LiveAlertKind",
    description="OFFENDER_SEEN: a report names a gallery offender (or one is linked to a report "
    "made in the last day); EXCLUSION_BREACH: the same for an offender under an exclusion notice; "
    "PATTERN_ALERT: an alert rule fired (the BID's managers and police only); BROADCAST: a message "
    "from the BID's managers or police.",
)


@strawberry.type(description="The shop an alert is about: its name only.")
class LiveAlertShop:
    id: strawberry.ID
    name: str


@strawberry.type(description="The gallery offender an alert is about, as shop staff may see them.")
class LiveAlertOffender:
    id: strawberry.ID
    display_name: str
    status: OffenderStatus
    thumbnail_url: str | None = strawberry.field(
        description="The first photo's thumbnail; null without photos."
    )


@strawberry.type(
    description="A warning to the BID's members: never a report's description, value or reporter."
)
class LiveAlert:
    id: strawberry.ID
    kind: models.LiveAlertKind
    created_at: datetime
    message: str = strawberry.field(description="In words, e.g. 'Known offender reported at Boots'.")
    shop: LiveAlertShop | None
    offender: LiveAlertOffender | None = strawberry.field(
        description="Null when there is none, or not one the viewer may see."
    )

    @classmethod
    def from_view(cls, view: LiveAlertView) -> LiveAlert:
        offender, shop = view.offender, view.shop
        return cls(
            id=encode_id("LiveAlert", view.id),
            kind=view.kind,
            created_at=view.created_at,
            message=view.message,
            shop=LiveAlertShop(id=encode_id("Shop", shop.id), name=shop.name) if shop else None,
            offender=LiveAlertOffender(
                id=encode_id("Offender", offender.id),
                display_name=offender.display_name,
                status=offender.status,
                thumbnail_url=offender_photo_url(offender.photo_id, "thumbnail")
                if offender.photo_id
                else None,
            )
            if offender
            else None,
        )
