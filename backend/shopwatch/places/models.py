"""Town centres (BIDs), their shops, and the neighbourhood police teams that cover them."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class Bid(Model):
    id = fields.BigIntField(primary_key=True)
    name = fields.CharField(max_length=200)
    slug = fields.CharField(max_length=64, unique=True)
    # An offender with no incident for this long, and no exclusion running, is forgotten.
    offender_retention_months = fields.IntField(default=12, db_default=12)
    # Whether a shop's staff may refer their own report to the police (managers always may).
    staff_may_refer_to_police = fields.BooleanField(default=False, db_default=False)
    created_at = fields.DatetimeField(auto_now_add=True)

    shops: fields.ReverseRelation[Shop]
    teams: fields.ManyToManyRelation[NeighbourhoodTeam]

    class Meta:
        table = "bid"


class Shop(Model):
    id = fields.BigIntField(primary_key=True)
    bid: fields.ForeignKeyRelation[Bid] = fields.ForeignKeyField(
        "shopwatch.Bid", related_name="shops", on_delete=fields.CASCADE
    )
    bid_id: int
    name = fields.CharField(max_length=200)
    address = fields.CharField(max_length=300)
    postcode = fields.CharField(max_length=10)
    latitude = fields.FloatField()
    longitude = fields.FloatField()
    created_at = fields.DatetimeField(auto_now_add=True)
    # When the shop closed; a closed shop keeps its history and takes no new reports or staff.
    closed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "shop"
        unique_together = (("bid", "name"),)


class NeighbourhoodTeam(Model):
    id = fields.BigIntField(primary_key=True)
    name = fields.CharField(max_length=200)
    # The team's shared mailbox; alerts go here.
    email = fields.CharField(max_length=320)
    bids: fields.ManyToManyRelation[Bid] = fields.ManyToManyField(
        "shopwatch.Bid", related_name="teams", through="team_bid"
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "neighbourhood_team"
