"""Which live sockets must close because their session ended or their roles changed, checked for
all of a process's sockets at once (three queries, whatever their number).

A socket keeps the viewer it was opened with. Logging out, a revoked session, a deactivated
account, a session gone idle, a membership taken away or added, or a police team's BIDs changed:
any of them ends the socket, and the phone reconnects as whoever it now is (or cannot).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from shopwatch.accounts.models import Membership, Role, Session
from shopwatch.accounts.sessions import IDLE_LIFETIME
from shopwatch.accounts.viewer import Viewer
from shopwatch.core.clock import now


@dataclass(frozen=True)
class Standing:
    """What a socket's viewer stood on when it opened."""

    session_id: int
    user_id: int
    membership_ids: frozenset[int]
    police_bid_ids: frozenset[int]

    @classmethod
    def of(cls, viewer: Viewer) -> Standing:
        return cls(
            session_id=viewer.session_id,
            user_id=viewer.user.id,
            membership_ids=frozenset(m.id for m in viewer.memberships),
            police_bid_ids=viewer.police_bid_ids,
        )


async def fallen(standings: Collection[Standing]) -> set[Standing]:
    """The standings that no longer hold."""
    if not standings:
        return set()
    session_ids = list({s.session_id for s in standings})
    user_ids = list({s.user_id for s in standings})
    live_sessions = set(
        await Session.filter(
            id__in=session_ids,
            revoked_at__isnull=True,
            last_used_at__gt=now() - IDLE_LIFETIME,
            user__is_active=True,
        ).values_list("id", flat=True)
    )
    memberships: dict[int, set[int]] = {}
    for user_id, membership_id in await Membership.filter(user_id__in=user_ids).values_list("user_id", "id"):
        memberships.setdefault(user_id, set()).add(membership_id)
    covered: dict[int, set[int]] = {}
    for user_id, bid_id in await Membership.filter(user_id__in=user_ids, role=Role.POLICE).values_list(
        "user_id", "team__bids__id"
    ):
        if bid_id is not None:
            covered.setdefault(user_id, set()).add(int(bid_id))
    return {
        s
        for s in standings
        if s.session_id not in live_sessions
        or memberships.get(s.user_id, set()) != s.membership_ids
        or covered.get(s.user_id, set()) != s.police_bid_ids
    }
