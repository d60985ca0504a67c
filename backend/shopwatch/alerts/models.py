"""Pattern alerts for neighbourhood police teams, the incidents behind them, and their delivery."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class AlertRule(StrEnum):
    REPEAT_OFFENDER = "REPEAT_OFFENDER"
    MULTI_SHOP_OFFENDER = "MULTI_SHOP_OFFENDER"
    VIOLENCE_BY_KNOWN_OFFENDER = "VIOLENCE_BY_KNOWN_OFFENDER"
    EXCLUSION_BREACH = "EXCLUSION_BREACH"
    REPEAT_VEHICLE = "REPEAT_VEHICLE"
    SHOP_HOTSPOT = "SHOP_HOTSPOT"


# One alert: a rule fired for a subject (an offender, a shop or a vehicle) in a BID.
class Alert(Model):
    id = fields.BigIntField(primary_key=True)
    bid: fields.ForeignKeyRelation[Model] = fields.ForeignKeyField(
        "shopwatch.Bid", related_name="alerts", on_delete=fields.CASCADE
    )
    rule = fields.CharEnumField(AlertRule, max_length=32)
    offender: fields.ForeignKeyNullableRelation[Model] = fields.ForeignKeyField(
        "shopwatch.Offender", related_name="alerts", null=True, on_delete=fields.SET_NULL
    )
    shop: fields.ForeignKeyNullableRelation[Model] = fields.ForeignKeyField(
        "shopwatch.Shop", related_name="alerts", null=True, on_delete=fields.SET_NULL
    )
    vehicle_registration = fields.CharField(max_length=12, null=True)
    # Why it fired, in words, e.g. "3 incidents in 30 days (threshold 3)".
    summary = fields.TextField()
    created_at = fields.DatetimeField()
    # New incidents for the same rule and subject join the alert until this time.
    open_until = fields.DatetimeField()
    acknowledged_by: fields.ForeignKeyNullableRelation[Model] = fields.ForeignKeyField(
        "shopwatch.User", related_name="alerts_acknowledged", null=True, on_delete=fields.SET_NULL
    )
    acknowledged_at = fields.DatetimeField(null=True)
    # What the acknowledger added, for everyone who sees the alert (e.g. "Patrol sent at 15:00").
    acknowledgement_note = fields.TextField(null=True)
    incidents: fields.ManyToManyRelation[Model] = fields.ManyToManyField(
        "shopwatch.Incident", related_name="alerts", through="alert_incident"
    )

    bid_id: int
    offender_id: int | None
    shop_id: int | None
    acknowledged_by_id: int | None

    class Meta:
        table = "alert"
        indexes = (("bid_id", "rule", "open_until"), ("bid_id", "created_at"))


# Who an alert was emailed to, and how that went; one row per address, so nobody gets it twice.
class AlertRecipient(Model):
    id = fields.BigIntField(primary_key=True)
    alert: fields.ForeignKeyRelation[Alert] = fields.ForeignKeyField(
        "shopwatch.Alert", related_name="recipients", on_delete=fields.CASCADE
    )
    address = fields.CharField(max_length=320)
    outbox_email: fields.ForeignKeyNullableRelation[Model] = fields.ForeignKeyField(
        "shopwatch.OutboxEmail", related_name="alert_recipients", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    alert_id: int
    outbox_email_id: int | None

    class Meta:
        table = "alert_recipient"
        unique_together = (("alert", "address"),)


# A BID's own settings for one rule; a rule without a row uses the defaults in rules.py.
class AlertRuleSetting(Model):
    id = fields.BigIntField(primary_key=True)
    bid: fields.ForeignKeyRelation[Model] = fields.ForeignKeyField(
        "shopwatch.Bid", related_name="alert_rule_settings", on_delete=fields.CASCADE
    )
    rule = fields.CharEnumField(AlertRule, max_length=32)
    enabled = fields.BooleanField(default=True)
    # How many incidents, and within how many days; unused by rules that have no such threshold.
    threshold = fields.IntField()
    window_days = fields.IntField()
    updated_by: fields.ForeignKeyNullableRelation[Model] = fields.ForeignKeyField(
        "shopwatch.User", related_name="alert_rule_changes", null=True, on_delete=fields.SET_NULL
    )
    updated_at = fields.DatetimeField(auto_now=True)

    bid_id: int

    class Meta:
        table = "alert_rule_setting"
        unique_together = (("bid", "rule"),)
