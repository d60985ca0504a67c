"""Who is asking: a user with their memberships, reduced to the BIDs and shops they may see."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from shopwatch.accounts.models import Membership, Role, User


@dataclass(frozen=True)
class Viewer:
    user: User
    session_id: int
    memberships: tuple[Membership, ...]
    is_admin: bool
    managed_bid_ids: frozenset[int]
    # shop id -> the BID it belongs to
    staff_shop_bids: dict[int, int]
    police_bid_ids: frozenset[int]

    @property
    def visible_bid_ids(self) -> frozenset[int]:
        """Every BID the viewer has any role in; admins are not limited by this set."""
        return self.managed_bid_ids | self.police_bid_ids | frozenset(self.staff_shop_bids.values())

    def can_see_bid(self, bid_id: int) -> bool:
        return self.is_admin or bid_id in self.visible_bid_ids

    def manages_bid(self, bid_id: int) -> bool:
        return self.is_admin or bid_id in self.managed_bid_ids

    def works_at_shop(self, shop_id: int) -> bool:
        return shop_id in self.staff_shop_bids


async def load_viewer(user: User, session_id: int) -> Viewer:
    """Two queries: the memberships, then (for police) the BIDs their teams cover."""
    memberships = tuple(await Membership.filter(user_id=user.id).order_by("id"))
    police_bid_ids: frozenset[int] = frozenset()
    if any(m.role == Role.POLICE for m in memberships):
        covered = await Membership.filter(user_id=user.id, role=Role.POLICE).values_list(
            "team__bids__id", flat=True
        )
        police_bid_ids = frozenset(int(str(bid_id)) for bid_id in covered if bid_id is not None)
    return _viewer(user, session_id, memberships, police_bid_ids)


async def load_viewers(users: Sequence[User]) -> dict[int, Viewer]:
    """Many users' viewers by user id, in two queries (for work done on their behalf, with no session)."""
    user_ids = [user.id for user in users]
    memberships: dict[int, list[Membership]] = {}
    for membership in await Membership.filter(user_id__in=user_ids).order_by("id"):
        memberships.setdefault(membership.user_id, []).append(membership)
    covered: dict[int, set[int]] = {}
    for user_id, bid_id in await Membership.filter(user_id__in=user_ids, role=Role.POLICE).values_list(
        "user_id", "team__bids__id"
    ):
        if bid_id is not None:
            covered.setdefault(int(str(user_id)), set()).add(int(str(bid_id)))
    return {
        user.id: _viewer(user, 0, tuple(memberships.get(user.id, ())), frozenset(covered.get(user.id, set())))
        for user in users
    }


def _viewer(
    user: User, session_id: int, memberships: tuple[Membership, ...], police_bid_ids: frozenset[int]
) -> Viewer:
    return Viewer(
        user=user,
        session_id=session_id,
        memberships=memberships,
        is_admin=any(m.role == Role.ADMIN for m in memberships),
        managed_bid_ids=frozenset(
            m.bid_id for m in memberships if m.role == Role.BID_MANAGER and m.bid_id is not None
        ),
        staff_shop_bids={
            m.shop_id: m.bid_id
            for m in memberships
            if m.role == Role.SHOP_STAFF and m.shop_id is not None and m.bid_id is not None
        },
        police_bid_ids=police_bid_ids,
    )
