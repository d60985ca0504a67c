"""Emails kept as a record, not as a copy: 30 days after an email was sent (or failed for good) its
bodies go, and its envelope (recipient, subject, Message-ID, state, times) stays, so deliveries can
still be shown and looked into."""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.expressions import Q

from shopwatch.core.mail.models import DeliveryState, OutboxEmail

KEEP_BODIES = timedelta(days=30)


async def drop_old_bodies(moment: datetime) -> int:
    """Empty the bodies of emails finished more than 30 days before `moment`; how many."""
    cutoff = moment - KEEP_BODIES
    # A failed email failed within a day of being written, so its creation time stands for it.
    finished_long_ago = Q(state=DeliveryState.SENT, sent_at__lt=cutoff) | Q(
        state=DeliveryState.FAILED, created_at__lt=cutoff
    )
    return await (
        OutboxEmail.filter(finished_long_ago)
        .exclude(text_body="", html_body="")
        .update(text_body="", html_body="")
    )
