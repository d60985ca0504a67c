"""The offender gallery: people a BID's shops report again and again, and their links to incidents."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from shopwatch.core.storage import register_photo_table


class OffenderStatus(StrEnum):
    ACTIVE = "ACTIVE"
    EXCLUDED = "EXCLUDED"
    ARCHIVED = "ARCHIVED"
    ID_SOUGHT = "ID_SOUGHT"  # seen, not yet identified: shop staff are asked to help


# Docstrings on models become table comments, which SQLite migrations cannot hold: comments only.
class Offender(Model):
    id = fields.BigIntField(primary_key=True)
    bid: fields.ForeignKeyRelation[Model] = fields.ForeignKeyField(
        "shopwatch.Bid", related_name="offenders", on_delete=fields.CASCADE
    )
    display_name = fields.CharField(max_length=200)
    description = fields.TextField(default="")
    status = fields.CharEnumField(OffenderStatus, max_length=10, default=OffenderStatus.ACTIVE)
    last_seen_at = fields.DatetimeField(null=True)
    # Set when this record was merged into another (two shops created the same person).
    merged_into: fields.ForeignKeyNullableRelation[Offender] = fields.ForeignKeyField(
        "shopwatch.Offender", related_name="merged_from", null=True, on_delete=fields.SET_NULL
    )
    created_by: fields.ForeignKeyNullableRelation[Model] = fields.ForeignKeyField(
        "shopwatch.User", related_name="offenders_created", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    # When retention removed the name, description and photos; the links still count.
    redacted_at = fields.DatetimeField(null=True)

    bid_id: int
    merged_into_id: int | None

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
        # Rules and the gallery count an offender's incidents; the unique index starts with incident.
        indexes = (("offender_id", "incident_id"),)


# A gallery photo, through the same pipeline as incident photos (files shared by SHA-256).
class OffenderPhoto(Model):
    id = fields.BigIntField(primary_key=True)
    offender: fields.ForeignKeyRelation[Offender] = fields.ForeignKeyField(
        "shopwatch.Offender", related_name="photos", on_delete=fields.CASCADE
    )
    sha256 = fields.CharField(max_length=64, db_index=True)
    content_type = fields.CharField(max_length=32)
    original_path = fields.CharField(max_length=200)
    display_path = fields.CharField(max_length=200)
    thumbnail_path = fields.CharField(max_length=200)
    width = fields.IntField()
    height = fields.IntField()
    byte_size = fields.IntField()
    perceptual_hash = fields.CharField(max_length=16)
    created_at = fields.DatetimeField(auto_now_add=True)

    offender_id: int

    class Meta:
        table = "offender_photo"
        unique_together = (("offender", "sha256"),)


# An exclusion notice: the offender may not enter the BID's member shops between these dates.
class Exclusion(Model):
    id = fields.BigIntField(primary_key=True)
    offender: fields.ForeignKeyRelation[Offender] = fields.ForeignKeyField(
        "shopwatch.Offender", related_name="exclusions", on_delete=fields.CASCADE
    )
    starts_on = fields.DateField()
    ends_on = fields.DateField()
    reason = fields.TextField()
    issued_by: fields.ForeignKeyNullableRelation[Model] = fields.ForeignKeyField(
        "shopwatch.User", related_name="exclusions_issued", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    # Set when a manager ended the notice early; `ends_on` is then the last day it covered.
    ended_at = fields.DatetimeField(null=True)
    end_reason = fields.TextField(null=True)

    offender_id: int

    class Meta:
        table = "exclusion"
        indexes = (("offender_id", "ends_on"),)


# "Not this person": a suggestion a manager turned down, never offered again for this incident.
class DismissedSuggestion(Model):
    id = fields.BigIntField(primary_key=True)
    incident: fields.ForeignKeyRelation[Model] = fields.ForeignKeyField(
        "shopwatch.Incident", related_name="dismissed_suggestions", on_delete=fields.CASCADE
    )
    offender: fields.ForeignKeyRelation[Offender] = fields.ForeignKeyField(
        "shopwatch.Offender", related_name="dismissed_suggestions", on_delete=fields.CASCADE
    )
    dismissed_by: fields.ForeignKeyNullableRelation[Model] = fields.ForeignKeyField(
        "shopwatch.User", related_name="suggestions_dismissed", null=True, on_delete=fields.SET_NULL
    )
    dismissed_at = fields.DatetimeField()

    incident_id: int
    offender_id: int

    class Meta:
        table = "dismissed_suggestion"
        unique_together = (("incident", "offender"),)


register_photo_table(OffenderPhoto)
