"""Users, their roles in BIDs, sessions, invitations, password resets and login attempts."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class Role(StrEnum):
    SHOP_STAFF = "SHOP_STAFF"  # one shop
    BID_MANAGER = "BID_MANAGER"  # one BID
    POLICE = "POLICE"  # the BIDs their neighbourhood team covers
    ADMIN = "ADMIN"  # everything


class User(Model):
    id = fields.BigIntField(primary_key=True)
    # Stored lower-cased, so one person is one account however they type it.
    email = fields.CharField(max_length=320, unique=True)
    name = fields.CharField(max_length=200)
    password_hash = fields.CharField(max_length=200)
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    memberships: fields.ReverseRelation[Membership]

    class Meta:
        table = "user_account"


# A role in one BID: at one shop for staff, through one team for police; no BID for admins.
class Membership(Model):
    id = fields.BigIntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "shopwatch.User", related_name="memberships", on_delete=fields.CASCADE
    )
    role = fields.CharEnumField(Role, max_length=20)
    bid: fields.ForeignKeyNullableRelation[Model] = fields.ForeignKeyField(
        "shopwatch.Bid", related_name="memberships", null=True, on_delete=fields.CASCADE
    )
    shop: fields.ForeignKeyNullableRelation[Model] = fields.ForeignKeyField(
        "shopwatch.Shop", related_name="memberships", null=True, on_delete=fields.CASCADE
    )
    team: fields.ForeignKeyNullableRelation[Model] = fields.ForeignKeyField(
        "shopwatch.NeighbourhoodTeam",
        related_name="memberships",
        null=True,
        on_delete=fields.CASCADE,
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    user_id: int
    bid_id: int | None
    shop_id: int | None
    team_id: int | None

    class Meta:
        table = "membership"
        # Every request loads the viewer's memberships by user; a BID's people are listed by BID.
        indexes = (("user_id",), ("bid_id", "created_at"))


class Session(Model):
    id = fields.BigIntField(primary_key=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "shopwatch.User", related_name="sessions", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    last_used_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)
    user_agent = fields.CharField(max_length=300, default="")

    class Meta:
        table = "user_session"
        indexes = (("user_id",),)


class Invite(Model):
    id = fields.BigIntField(primary_key=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    email = fields.CharField(max_length=320)
    role = fields.CharEnumField(Role, max_length=20)
    bid: fields.ForeignKeyRelation[Model] = fields.ForeignKeyField(
        "shopwatch.Bid", related_name="invites", on_delete=fields.CASCADE
    )
    shop: fields.ForeignKeyNullableRelation[Model] = fields.ForeignKeyField(
        "shopwatch.Shop", related_name="invites", null=True, on_delete=fields.CASCADE
    )
    team: fields.ForeignKeyNullableRelation[Model] = fields.ForeignKeyField(
        "shopwatch.NeighbourhoodTeam", related_name="invites", null=True, on_delete=fields.CASCADE
    )
    invited_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "shopwatch.User", related_name="invites_sent", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    accepted_at = fields.DatetimeField(null=True)

    bid_id: int
    shop_id: int | None
    team_id: int | None

    class Meta:
        table = "invite"


class PasswordReset(Model):
    id = fields.BigIntField(primary_key=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "shopwatch.User", related_name="password_resets", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "password_reset"


# One failed login, kept for the throttling window; every process sees it through the database.
class LoginFailure(Model):
    id = fields.BigIntField(primary_key=True)
    email = fields.CharField(max_length=320)
    address = fields.CharField(max_length=64)
    created_at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "login_failure"
        indexes = (("email", "created_at"), ("address", "created_at"))
