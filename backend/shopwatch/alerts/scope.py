"""Which alerts a viewer may see, as queries, and their order."""

from __future__ import annotations

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from shopwatch.accounts.viewer import Viewer
from shopwatch.alerts.models import Alert


def visible_alerts(viewer: Viewer) -> QuerySet[Alert]:
    """The alerts the viewer may see, as a query: the BIDs they manage or police, or all for admins."""
    if viewer.is_admin:
        return Alert.all()
    bids = viewer.managed_bid_ids | viewer.police_bid_ids
    return Alert.filter(bid_id__in=list(bids)) if bids else Alert.filter(id__in=[])


def page_after(query: QuerySet[Alert], after: tuple[object, int] | None, size: int) -> QuerySet[Alert]:
    """Newest first, by (created_at, id), continuing after a cursor."""
    if after is not None:
        created_at, pk = after
        query = query.filter(Q(created_at__lt=created_at) | Q(created_at=created_at, id__lt=pk))
    return query.order_by("-created_at", "-id").limit(size + 1)
