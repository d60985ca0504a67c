"""The outbox: every email is a row written in the transaction that causes it."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class DeliveryState(StrEnum):
    PENDING = "PENDING"  # waiting for its next attempt
    SENDING = "SENDING"  # claimed by a worker until claimed_until
    SENT = "SENT"
    FAILED = "FAILED"  # refused permanently, or retried past the deadline


class OutboxEmail(Model):
    id = fields.BigIntField(primary_key=True)
    to_address = fields.CharField(max_length=320)
    subject = fields.CharField(max_length=300)
    text_body = fields.TextField()
    html_body = fields.TextField()
    # Bodies carrying a one-time link are sealed (core/mail/sealing.py) and emptied once sent.
    sealed = fields.BooleanField(default=False, db_default=False)
    # Stable per email, so a resend after a crash is recognisable as the same message.
    message_id = fields.CharField(max_length=200, unique=True)
    state = fields.CharEnumField(DeliveryState, max_length=10, default=DeliveryState.PENDING)
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField()
    claimed_until = fields.DatetimeField(null=True)
    last_error = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    sent_at = fields.DatetimeField(null=True)

    class Meta:
        table = "outbox_email"
        indexes = (("state", "next_attempt_at"),)
