"""Incidents reported by shops, and their photos."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from shopwatch.core.storage import register_photo_table


class IncidentKind(StrEnum):
    THEFT = "THEFT"
    ASSAULT = "ASSAULT"
    THREATS_AND_ABUSE = "THREATS_AND_ABUSE"
    CRIMINAL_DAMAGE = "CRIMINAL_DAMAGE"
    ANTISOCIAL_BEHAVIOUR = "ANTISOCIAL_BEHAVIOUR"
    BURGLARY = "BURGLARY"
    FRAUD = "FRAUD"
    OTHER = "OTHER"


class IncidentStatus(StrEnum):
    NEW = "NEW"
    REVIEWED = "REVIEWED"
    REFERRED_TO_POLICE = "REFERRED_TO_POLICE"
    CLOSED = "CLOSED"


class Incident(Model):
    id = fields.BigIntField(primary_key=True)
    # Made by the phone; unique, so sending the same report twice stores it once.
    client_id = fields.UUIDField(unique=True)
    # The shop's BID, copied here so every scope filter is one indexed column.
    bid: fields.ForeignKeyRelation[Model] = fields.ForeignKeyField(
        "shopwatch.Bid", related_name="incidents", on_delete=fields.RESTRICT
    )
    shop: fields.ForeignKeyRelation[Model] = fields.ForeignKeyField(
        "shopwatch.Shop", related_name="incidents", on_delete=fields.RESTRICT
    )
    reporter: fields.ForeignKeyNullableRelation[Model] = fields.ForeignKeyField(
        "shopwatch.User", related_name="incidents_reported", null=True, on_delete=fields.SET_NULL
    )
    kind = fields.CharEnumField(IncidentKind, max_length=24)
    status = fields.CharEnumField(IncidentStatus, max_length=24, default=IncidentStatus.NEW)
    occurred_at = fields.DatetimeField()
    reported_at = fields.DatetimeField()
    description = fields.TextField()
    value_stolen_pence = fields.IntField(null=True)
    police_reference = fields.CharField(max_length=40, null=True)
    injury = fields.BooleanField(null=True)
    vehicle_registration = fields.CharField(max_length=12, null=True, db_index=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    # When retention removed the free text and photos; the incident still counts.
    redacted_at = fields.DatetimeField(null=True)
    # What a person reads out on the phone, e.g. "MH-2026-00154": the BID's code, the year it was
    # reported and its number in that BID and year. Given in the report's transaction, never changed;
    # the default only let migration 0012 add the column before numbering the rows already there.
    reference = fields.CharField(max_length=24, db_default="")

    bid_id: int
    shop_id: int
    reporter_id: int | None

    class Meta:
        table = "incident"
        indexes = (
            # A BID's incidents in a period, with what the area summary counts and sums, so its
            # aggregates read only the index (PostgreSQL needs `id` in it for the offender links).
            ("bid_id", "occurred_at", "id", "shop_id", "kind", "value_stolen_pence"),
            ("shop_id", "occurred_at"),
        )
        unique_together = (("bid", "reference"),)


# The last reference number given in a BID in a year; the row is locked while a report takes the
# next one, so two reports sent at once never share a number.
class IncidentNumber(Model):
    id = fields.BigIntField(primary_key=True)
    bid: fields.ForeignKeyRelation[Model] = fields.ForeignKeyField(
        "shopwatch.Bid", related_name="incident_numbers", on_delete=fields.CASCADE
    )
    year = fields.IntField()
    last_number = fields.IntField()

    bid_id: int

    class Meta:
        table = "incident_number"
        unique_together = (("bid", "year"),)


# One change of an incident's status: who made it, when, and their note (oldest first by id).
class IncidentStatusChange(Model):
    id = fields.BigIntField(primary_key=True)
    incident: fields.ForeignKeyRelation[Incident] = fields.ForeignKeyField(
        "shopwatch.Incident", related_name="status_changes", on_delete=fields.CASCADE
    )
    previous_status = fields.CharEnumField(IncidentStatus, max_length=24)
    status = fields.CharEnumField(IncidentStatus, max_length=24)
    note = fields.TextField(default="")
    changed_by: fields.ForeignKeyNullableRelation[Model] = fields.ForeignKeyField(
        "shopwatch.User", related_name="incident_status_changes", null=True, on_delete=fields.SET_NULL
    )
    changed_at = fields.DatetimeField()

    incident_id: int
    changed_by_id: int | None

    class Meta:
        table = "incident_status_change"
        indexes = (("incident_id", "id"),)


class Photo(Model):
    id = fields.BigIntField(primary_key=True)
    incident: fields.ForeignKeyRelation[Incident] = fields.ForeignKeyField(
        "shopwatch.Incident", related_name="photos", on_delete=fields.CASCADE
    )
    # SHA-256 of the untouched original, which is stored under this name as evidence.
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

    incident_id: int

    class Meta:
        table = "photo"
        # The same photo sent again with a retried report is the same photo.
        unique_together = (("incident", "sha256"),)


register_photo_table(Photo)
