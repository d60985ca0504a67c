"""The offender gallery: people a BID's shops report again and again, and their links to incidents."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class OffenderStatus(StrEnum):
    ACTIVE = "ACTIVE"
    EXCLUDED = "EXCLUDED"
    ARCHIVED = "ARCHIVED"


class Offender(Model):
    id = fields.BigIntField(primary_key=True)
    bid: fields.ForeignKeyRelation[Model] = fields.ForeignKeyField(
        "shopwatch.Bid", related_name="offenders", on_delete=fields.CASCADE
    )
    display_name = fields.CharField(max_length=200)
    description = fields.TextField(default="")
    status = fields.CharEnumField(OffenderStatus, max_length=10, default=OffenderStatus.ACTIVE)
    last_seen_at = fields.DatetimeField(null=True)
    created_by: fields.ForeignKeyNullableRelation[Model] = fields.ForeignKeyField(
        "shopwatch.User", related_name="offenders_created", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    bid_id: int

    class Meta:
        table = "offender"
        indexes = (("bid_id", "status"),)


class OffenderLink(Model):
    id = fields.BigIntField(primary_key=True)
    incident: fields.ForeignKeyRelation[Model] = fields.ForeignKeyField(
        "shopwatch.Incident", related_name="offender_links", on_delete=fields.CASCADE
    )
    offender: fields.ForeignKeyRelation[Offender] = fields.ForeignKeyField(
        "shopwatch.Offender", related_name="incident_links", on_delete=fields.CASCADE
    )
    linked_by: fields.ForeignKeyNullableRelation[Model] = fields.ForeignKeyField(
        "shopwatch.User", related_name="offender_links", null=True, on_delete=fields.SET_NULL
    )
    linked_at = fields.DatetimeField(auto_now_add=True)

    incident_id: int
    offender_id: int

    class Meta:
        table = "offender_link"
        unique_together = (("incident", "offender"),)
