"""Live alerts: what the BID's phones are told the moment it happens, kept for a while so a phone
that was offline can fetch what it missed."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


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
