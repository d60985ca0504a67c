"""Live alerts: what the BID's phones are told the moment it happens, kept for a while so a phone
that was offline can fetch what it missed."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from shopwatch.core.mail.models import DeliveryState


class LiveAlertKind(StrEnum):
    OFFENDER_SEEN = "OFFENDER_SEEN"  # a report names a gallery offender, or a link is made later
    EXCLUSION_BREACH = "EXCLUSION_BREACH"  # ... one under an exclusion notice
    PATTERN_ALERT = "PATTERN_ALERT"  # an alert rule fired
    BROADCAST = "BROADCAST"  # a manager's or police officer's message to the whole BID


# Docstrings on models become table comments, which SQLite migrations cannot hold: comments only.
# Nothing here is a report's description, value or reporter: every member of the BID may be sent it.
class LiveAlert(Model):
    id = fields.BigIntField(primary_key=True)
    bid: fields.ForeignKeyRelation[Model] = fields.ForeignKeyField(
        "shopwatch.Bid", related_name="live_alerts", on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(LiveAlertKind, max_length=20)
    created_at = fields.DatetimeField()
    message = fields.TextField()
    shop: fields.ForeignKeyNullableRelation[Model] = fields.ForeignKeyField(
        "shopwatch.Shop", related_name="live_alerts", null=True, on_delete=fields.SET_NULL
    )
    offender: fields.ForeignKeyNullableRelation[Model] = fields.ForeignKeyField(
        "shopwatch.Offender", related_name="live_alerts", null=True, on_delete=fields.SET_NULL
    )
    created_by: fields.ForeignKeyNullableRelation[Model] = fields.ForeignKeyField(
        "shopwatch.User", related_name="live_alerts_sent", null=True, on_delete=fields.SET_NULL
    )

    bid_id: int
    shop_id: int | None
    offender_id: int | None
    created_by_id: int | None

    class Meta:
        table = "live_alert"
        # liveAlerts(bidId, since) reads a BID's latest; housekeeping deletes by age.
        indexes = (("bid_id", "created_at"), ("created_at",))


# A phone's Web Push subscription (the browser's PushSubscription), owned by the session that
# registered it: a logout, a revoked session or a deactivated account stops its pushes. The endpoint
# is a capability URL at the phone's push service; the last account to register it owns it.
class PushSubscription(Model):
    id = fields.BigIntField(primary_key=True)
    user: fields.ForeignKeyRelation[Model] = fields.ForeignKeyField(
        "shopwatch.User", related_name="push_subscriptions", on_delete=fields.CASCADE
    )
    session: fields.ForeignKeyRelation[Model] = fields.ForeignKeyField(
        "shopwatch.Session", related_name="push_subscriptions", on_delete=fields.CASCADE
    )
    endpoint = fields.CharField(max_length=1000, unique=True)
    p256dh = fields.CharField(max_length=100)  # the phone's P-256 public key, base64url
    auth = fields.CharField(max_length=50)  # its 16-byte auth secret, base64url
    created_at = fields.DatetimeField()

    user_id: int
    session_id: int

    class Meta:
        table = "push_subscription"
        indexes = (("user_id",), ("session_id",))


# The Web Push outbox (the states of the email outbox; SENT: the push service took it, FAILED:
# refused, or its TTL ran out first): one row per subscription per live alert, written in the alert's
# transaction, with the alert as that subscriber's role may see it (JSON, under 4 kB).
class PushMessage(Model):
    id = fields.BigIntField(primary_key=True)
    subscription: fields.ForeignKeyRelation[PushSubscription] = fields.ForeignKeyField(
        "shopwatch.PushSubscription", related_name="messages", on_delete=fields.CASCADE
    )
    live_alert: fields.ForeignKeyRelation[LiveAlert] = fields.ForeignKeyField(
        "shopwatch.LiveAlert", related_name="push_messages", on_delete=fields.CASCADE
    )
    payload = fields.TextField()
    state = fields.CharEnumField(DeliveryState, max_length=10, default=DeliveryState.PENDING)
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField()
    claimed_until = fields.DatetimeField(null=True)
    # Past this the alert is stale: the worker stops trying and the push service drops it.
    expires_at = fields.DatetimeField()
    last_error = fields.TextField(default="")
    created_at = fields.DatetimeField()
    sent_at = fields.DatetimeField(null=True)

    subscription_id: int
    live_alert_id: int

    class Meta:
        table = "push_message"
        indexes = (("state", "next_attempt_at"),)
