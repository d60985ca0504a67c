"""What turns a report into something the police can file: the case's progress after a referral,
signed witness statements (never changed: a correction is a new version), the exhibits they produce,
the property taken, and each shop's impact statement."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class PoliceCaseState(StrEnum):
    REPORTED = "REPORTED"
    CRIME_NUMBER_ISSUED = "CRIME_NUMBER_ISSUED"
    EVIDENCE_REQUESTED = "EVIDENCE_REQUESTED"
    EVIDENCE_SENT = "EVIDENCE_SENT"
    SUSPECT_CHARGED = "SUSPECT_CHARGED"
    NO_FURTHER_ACTION = "NO_FURTHER_ACTION"


# One step of a referred incident's case, oldest first by id; the referral is the first (REPORTED).
class PoliceCaseUpdate(Model):
    id = fields.BigIntField(primary_key=True)
    incident: fields.ForeignKeyRelation[Model] = fields.ForeignKeyField(
        "shopwatch.Incident", related_name="police_case_updates", on_delete=fields.CASCADE
    )
    state = fields.CharEnumField(PoliceCaseState, max_length=24)
    note = fields.TextField(default="")
    # The crime reference as it stood after this step (the police give it when they record the crime).
    crime_reference = fields.CharField(max_length=40, null=True)
    by_user: fields.ForeignKeyNullableRelation[Model] = fields.ForeignKeyField(
        "shopwatch.User", related_name="police_case_updates", null=True, on_delete=fields.SET_NULL
    )
    at = fields.DatetimeField()

    incident_id: int
    by_user_id: int | None

    class Meta:
        table = "police_case_update"
        indexes = (("incident_id", "id"),)


# A signed witness statement (MG11). Written once, never updated; a correction is a new row that
# `replaces` the one before it, with the next version number.
class WitnessStatement(Model):
    id = fields.BigIntField(primary_key=True)
    incident: fields.ForeignKeyRelation[Model] = fields.ForeignKeyField(
        "shopwatch.Incident", related_name="witness_statements", on_delete=fields.CASCADE
    )
    version = fields.IntField()
    replaces: fields.ForeignKeyNullableRelation[WitnessStatement] = fields.ForeignKeyField(
        "shopwatch.WitnessStatement", related_name="replaced_by", null=True, on_delete=fields.CASCADE
    )
    # The witness's own account, when the person who reported the incident makes their statement.
    witness_user: fields.ForeignKeyNullableRelation[Model] = fields.ForeignKeyField(
        "shopwatch.User", related_name="witness_statements", null=True, on_delete=fields.SET_NULL
    )
    taken_by: fields.ForeignKeyNullableRelation[Model] = fields.ForeignKeyField(
        "shopwatch.User", related_name="witness_statements_taken", null=True, on_delete=fields.SET_NULL
    )
    witness_name = fields.CharField(max_length=200)
    occupation = fields.CharField(max_length=200)
    over_18 = fields.BooleanField()
    text = fields.TextField()
    signed_name = fields.CharField(max_length=200)
    signed_at = fields.DatetimeField()
    # The drawn signature as the phone sent it: a PNG, checked when it came in.
    signature_png = fields.BinaryField()
    # SHA-256 of the canonical JSON of the statement as signed (evidence/sealing.py), in the audit trail.
    sha256 = fields.CharField(max_length=64)
    created_at = fields.DatetimeField()

    incident_id: int
    replaces_id: int | None
    witness_user_id: int | None
    taken_by_id: int | None

    class Meta:
        table = "witness_statement"
        indexes = (("incident_id", "id"),)


# A photo of the incident as a numbered exhibit ("MS/1"), produced by the statement that first
# referred to it; the reference never changes.
class Exhibit(Model):
    id = fields.BigIntField(primary_key=True)
    incident: fields.ForeignKeyRelation[Model] = fields.ForeignKeyField(
        "shopwatch.Incident", related_name="exhibits", on_delete=fields.CASCADE
    )
    photo: fields.OneToOneRelation[Model] = fields.OneToOneField(
        "shopwatch.Photo", related_name="exhibit", on_delete=fields.CASCADE
    )
    statement: fields.ForeignKeyRelation[WitnessStatement] = fields.ForeignKeyField(
        "shopwatch.WitnessStatement", related_name="exhibits", on_delete=fields.CASCADE
    )
    reference = fields.CharField(max_length=24)

    incident_id: int
    photo_id: int
    statement_id: int

    class Meta:
        table = "exhibit"
        unique_together = (("incident", "reference"),)


# One line of the property taken or damaged, in the order given.
class PropertyLine(Model):
    id = fields.BigIntField(primary_key=True)
    incident: fields.ForeignKeyRelation[Model] = fields.ForeignKeyField(
        "shopwatch.Incident", related_name="property_lines", on_delete=fields.CASCADE
    )
    position = fields.IntField()
    description = fields.CharField(max_length=200)
    quantity = fields.IntField()
    unit_price_pence = fields.IntField()
    recovered = fields.BooleanField(default=False)

    incident_id: int

    class Meta:
        table = "property_line"
        indexes = (("incident_id", "position"),)


# What crime does to the business, in the shop's words; the latest per shop is the one used.
class BusinessImpactStatement(Model):
    id = fields.BigIntField(primary_key=True)
    shop: fields.ForeignKeyRelation[Model] = fields.ForeignKeyField(
        "shopwatch.Shop", related_name="impact_statements", on_delete=fields.CASCADE
    )
    text = fields.TextField()
    author_name = fields.CharField(max_length=200)
    position = fields.CharField(max_length=200)
    recorded_by: fields.ForeignKeyNullableRelation[Model] = fields.ForeignKeyField(
        "shopwatch.User", related_name="impact_statements_recorded", null=True, on_delete=fields.SET_NULL
    )
    recorded_at = fields.DatetimeField()

    shop_id: int
    recorded_by_id: int | None

    class Meta:
        table = "business_impact_statement"
        indexes = (("shop_id", "id"),)
