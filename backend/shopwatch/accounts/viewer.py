"""Who is asking: a user with their memberships, reduced to the BIDs and shops they may see."""

from __future__ import annotations

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
