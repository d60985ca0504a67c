"""Which memberships a viewer may see: a user's roles show only where the viewer stands."""

from __future__ import annotations

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from shopwatch.accounts.models import Membership
from shopwatch.accounts.viewer import Viewer


def visible_memberships(viewer: Viewer) -> QuerySet[Membership]:
    """The viewer's own memberships and others' in the BIDs the viewer belongs to (every one for
    administrators). Someone met through a report or an alert may belong to other BIDs too; those
    roles, and administrators', stay out of sight."""
    if viewer.is_admin:
        return Membership.all()
    return Membership.filter(Q(user_id=viewer.user.id) | Q(bid_id__in=list(viewer.visible_bid_ids)))
