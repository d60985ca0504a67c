"""Who may do what, as classes with the message shown when they refuse.

`IsAuthenticated` guards query fields (a refusal is a GraphQL error). Mutation rules are checked by
the resolver with `refusal(...)`, which gives the `PermissionDenied` member of the result union.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from strawberry.permission import BasePermission

from shopwatch.accounts.models import Role
from shopwatch.accounts.viewer import Viewer
from shopwatch.api.context import Info
from shopwatch.api.errors import NotFound, PermissionDenied
from shopwatch.api.ids import decode_id

LOG_IN_FIRST = "Log in first."
NO_SUCH_BID = "There is no such BID."


class IsAuthenticated(BasePermission):
    message = "Log in to see this."
    # Tells the app that the session is gone (logged out, revoked, deactivated), not the request wrong.
    error_extensions = {"code": "UNAUTHENTICATED"}

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return info.context.viewer is not None


class Rule:
    message = "You may not do this."

    def allows(self, viewer: Viewer) -> bool:
        raise NotImplementedError


class IsAdmin(Rule):
    message = "Only an administrator can do this."

    def allows(self, viewer: Viewer) -> bool:
        return viewer.is_admin


@dataclass
class ManagesBid(Rule):
    bid_id: int
    message = "Only this BID's managers or an administrator can do this."

    def allows(self, viewer: Viewer) -> bool:
        return viewer.manages_bid(self.bid_id)


@dataclass
class MayInvite(Rule):
    """BID managers bring in their own shop staff and fellow managers; police access spans BIDs,
    so only an administrator grants it."""

    role: Role
    bid_id: int
    message = "You may not invite someone to this role in this BID."

    def allows(self, viewer: Viewer) -> bool:
        if viewer.is_admin:
            return True
        return self.role in (Role.SHOP_STAFF, Role.BID_MANAGER) and viewer.manages_bid(self.bid_id)


def refusal(viewer: Viewer | None, *rules: Rule) -> PermissionDenied | None:
    """None when every rule allows the viewer; otherwise the first refusal, as data."""
    if viewer is None:
        return PermissionDenied(message=LOG_IN_FIRST)
    for rule in rules:
        if not rule.allows(viewer):
            return PermissionDenied(message=rule.message)
    return None


def managed_bid(viewer: Viewer | None, bid_id: str) -> int | PermissionDenied | NotFound:
    """The BID's key if the viewer manages it; otherwise the refusal, as data. A BID out of the
    viewer's sight is NotFound, exactly as if it did not exist."""
    if viewer is None:
        return PermissionDenied(message=LOG_IN_FIRST)
    pk = decode_id("Bid", bid_id)
    if pk is None or not viewer.can_see_bid(pk):
        return NotFound(message=NO_SUCH_BID)
    return refusal(viewer, ManagesBid(pk)) or pk
