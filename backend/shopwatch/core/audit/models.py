"""The audit trail: who did or saw what, when and from where; one append-only, hash-chained table."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


# No foreign keys: deleting a user must never rewrite an audit row (it would break the chain).
# Docstrings on models become table comments, which SQLite migrations cannot hold: comments only.
class AuditEntry(Model):
    id = fields.BigIntField(primary_key=True)
    at = fields.DatetimeField()
    actor_user_id = fields.BigIntField(null=True)
    # The actor's email at the time, so the entry still says who after the account is gone.
    actor = fields.CharField(max_length=320)
    action = fields.CharField(max_length=60)
    # What it was done to, as "Kind:pk" (e.g. "Bid:3"), or "" when nothing in particular.
    subject = fields.CharField(max_length=120)
    # Canonical JSON of the action's particulars (filters, counts); never personal free text.
    detail = fields.TextField()
    address = fields.CharField(max_length=64)
    # The BID the entry concerns, if one; hashed with the rest (when set), so it cannot be moved.
    bid_id = fields.BigIntField(null=True)
    # SHA-256 of the entry before (64 zeros for the first) and of this entry including that link.
    previous_hash = fields.CharField(max_length=64)
    entry_hash = fields.CharField(max_length=64, unique=True)

    class Meta:
        table = "audit_entry"
        indexes = (("subject", "at"), ("actor_user_id", "at"), ("bid_id", "at"))
