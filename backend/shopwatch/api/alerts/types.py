"""GraphQL types for alerts, their email deliveries and the per-BID rule settings."""

from __future__ import annotations

from datetime import datetime

import strawberry

from shopwatch.alerts import models
from shopwatch.alerts.rules import DEFAULT_RULES, FIXED_RULES, RULE_TITLES, RuleSettings, describe_rule
from shopwatch.api.accounts import User
from shopwatch.api.context import Info
from shopwatch.api.ids import encode_id
from shopwatch.api.incidents.types import Incident
from shopwatch.api.offenders.types import Offender
from shopwatch.api.pagination import Connection
from shopwatch.api.places import Bid, Shop
from shopwatch.core.mail.models import DeliveryState

strawberry.enum(
    models.AlertRule, name="AlertRule", description="The pattern rules; each configurable per BID."
)
strawberry.enum(
    DeliveryState,
    name="DeliveryState",
    description="PENDING: waiting for its next attempt; SENDING: being sent; SENT: the mail server took "
    "it; FAILED: refused for good, or retried for 24 hours without success.",
)


@strawberry.type(description="One address an alert was emailed to, and how that went.")
class AlertDelivery:
    address: str
    state: DeliveryState
    attempts: int
    last_error: str | None = strawberry.field(description="Why the last attempt failed; null if none did.")
    delivered_at: datetime | None = strawberry.field(description="When the mail server accepted it.")


@strawberry.type
class Alert:
    id: strawberry.ID
    rule: models.AlertRule
    created_at: datetime
    summary: str = strawberry.field(description="Why it fired, e.g. '3 incidents in 30 days (threshold 3)'.")
    vehicle_registration: str | None = strawberry.field(description="The subject, for REPEAT_VEHICLE.")
    open_until: datetime = strawberry.field(
        description="Later incidents for the same rule and subject join this alert until then."
    )
    acknowledged_at: datetime | None
    acknowledgement_note: str | None = strawberry.field(
        description="The note given when it was acknowledged; null if none."
    )
    model: strawberry.Private[models.Alert]

    @classmethod
    def from_model(cls, alert: models.Alert) -> Alert:
        return cls(
            id=encode_id("Alert", alert.id),
            rule=alert.rule,
            created_at=alert.created_at,
            summary=alert.summary,
            vehicle_registration=alert.vehicle_registration,
            open_until=alert.open_until,
            acknowledged_at=alert.acknowledged_at,
            acknowledgement_note=alert.acknowledgement_note,
            model=alert,
        )

    @strawberry.field
    async def bid(self, info: Info) -> Bid:
        bid = await info.context.loaders.bid.load(self.model.bid_id)
        assert bid is not None  # the foreign key guarantees it
        return Bid.from_model(bid)

    @strawberry.field(description="The subject, for the offender rules; null otherwise.")
    async def offender(self, info: Info) -> Offender | None:
        viewer = info.context.viewer
        if self.model.offender_id is None or viewer is None:
            return None
        offender = await info.context.loaders.visible_offender(viewer).load(self.model.offender_id)
        return Offender.from_model(offender) if offender else None

    @strawberry.field(description="The subject, for SHOP_HOTSPOT; null otherwise.")
    async def shop(self, info: Info) -> Shop | None:
        if self.model.shop_id is None:
            return None
        shop = await info.context.loaders.shop.load(self.model.shop_id)
        return Shop.from_model(shop) if shop else None

    @strawberry.field(description="The incidents behind it that the viewer may see, newest first.")
    async def incidents(self, info: Info) -> list[Incident]:
        viewer = info.context.viewer
        if viewer is None:
            return []
        incidents = await info.context.loaders.incidents_by_alert(viewer).load(self.model.id)
        return [Incident.from_model(incident) for incident in incidents]

    @strawberry.field(description="The addresses it was emailed to: every team covering the BID.")
    async def emailed_to(self, info: Info) -> list[str]:
        return [
            delivery.address
            for delivery in await info.context.loaders.deliveries_by_alert.load(self.model.id)
        ]

    @strawberry.field
    async def deliveries(self, info: Info) -> list[AlertDelivery]:
        return [
            AlertDelivery(
                address=state.address,
                state=state.state,
                attempts=state.attempts,
                last_error=state.last_error or None,
                delivered_at=state.delivered_at,
            )
            for state in await info.context.loaders.deliveries_by_alert.load(self.model.id)
        ]

    @strawberry.field
    async def acknowledged_by(self, info: Info) -> User | None:
        user_id = self.model.acknowledged_by_id
        user = await info.context.loaders.user.load(user_id) if user_id is not None else None
        return User.from_model(user) if user else None


AlertConnection = Connection[Alert]


@strawberry.type(description="A BID's settings for one rule.")
class AlertRuleSetting:
    rule: models.AlertRule
    title: str = strawberry.field(description="The rule's name in words, e.g. 'Repeat offender'.")
    description: str = strawberry.field(description="What fires it, with these settings, in words.")
    enabled: bool
    threshold: int = strawberry.field(
        description="How many incidents it takes (different shops for MULTI_SHOP_OFFENDER, earlier "
        "incidents for VIOLENCE_BY_KNOWN_OFFENDER)."
    )
    window_days: int = strawberry.field(description="Within how many days.")
    adjustable: bool = strawberry.field(
        description="False for rules with no threshold or window to change (EXCLUSION_BREACH)."
    )
    default_threshold: int = strawberry.field(description="The threshold a BID starts with.")
    default_window_days: int = strawberry.field(description="The window a BID starts with.")

    @classmethod
    def from_settings(cls, settings: RuleSettings) -> AlertRuleSetting:
        return cls(
            rule=settings.rule,
            title=RULE_TITLES[settings.rule],
            description=describe_rule(settings),
            enabled=settings.enabled,
            threshold=settings.threshold,
            window_days=settings.window_days,
            adjustable=settings.rule not in FIXED_RULES,
            default_threshold=DEFAULT_RULES[settings.rule].threshold,
            default_window_days=DEFAULT_RULES[settings.rule].window_days,
        )
