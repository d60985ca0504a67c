"""Forgetting what is no longer needed: old login failures, dead sessions, used or expired links."""

from __future__ import annotations

from datetime import timedelta

from tortoise.expressions import Q

from shopwatch.accounts.models import Invite, LoginFailure, PasswordReset, Session
from shopwatch.accounts.sessions import IDLE_LIFETIME
from shopwatch.accounts.throttle import THROTTLE_WINDOW
from shopwatch.core.clock import now

# Kept a while past their use, so a puzzled user's "my link did not work" can still be looked into.
KEEP_SPENT_LINKS = timedelta(days=30)


async def delete_stale_records() -> int:
    moment = now()
    deleted = await LoginFailure.filter(created_at__lt=moment - THROTTLE_WINDOW * 4).delete()
    deleted += await Session.filter(
        Q(revoked_at__lt=moment - KEEP_SPENT_LINKS)
        | Q(last_used_at__lt=moment - IDLE_LIFETIME - KEEP_SPENT_LINKS)
    ).delete()
    deleted += await Invite.filter(expires_at__lt=moment - KEEP_SPENT_LINKS).delete()
    deleted += await PasswordReset.filter(expires_at__lt=moment - KEEP_SPENT_LINKS).delete()
    return deleted
