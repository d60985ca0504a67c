"""Login sessions: an opaque 256-bit token held by the client, only its hash held by us."""

from __future__ import annotations

from datetime import timedelta

from shopwatch.accounts.models import Session, User
from shopwatch.accounts.viewer import Viewer, load_viewer
from shopwatch.core.clock import now
from shopwatch.core.security import hash_token, new_token

IDLE_LIFETIME = timedelta(days=30)
# Writing last_used_at on every request would turn each read into a write; a day is precise enough
# for a 30-day idle limit.
TOUCH_EVERY = timedelta(days=1)


async def start_session(user: User, user_agent: str = "") -> str:
    token = new_token()
    await Session.create(
        token_hash=hash_token(token), user=user, last_used_at=now(), user_agent=user_agent[:300]
    )
    return token


async def viewer_for_token(token: str) -> Viewer | None:
    """The viewer a session token stands for, or None if it is unknown, revoked or idle too long."""
    if not token or len(token) > 200:
        return None
    moment = now()
    session = (
        await Session.filter(
            token_hash=hash_token(token),
            revoked_at__isnull=True,
            last_used_at__gt=moment - IDLE_LIFETIME,
            user__is_active=True,
        )
        .select_related("user")
        .first()
    )
    if session is None:
        return None
    if moment - session.last_used_at > TOUCH_EVERY:
        await Session.filter(id=session.id).update(last_used_at=moment)
    return await load_viewer(session.user, session.id)


async def revoke_session(session_id: int) -> None:
    await Session.filter(id=session_id, revoked_at__isnull=True).update(revoked_at=now())


async def revoke_all_sessions(user_id: int) -> None:
    await Session.filter(user_id=user_id, revoked_at__isnull=True).update(revoked_at=now())
