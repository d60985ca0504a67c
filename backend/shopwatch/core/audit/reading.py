"""Reading the audit trail: entries by who, what, which BID and when, newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise.queryset import QuerySet

from shopwatch.core.audit.models import AuditEntry


@dataclass(frozen=True)
class AuditFilter:
    """Each given value narrows the entries: at or after `start`, before `end` (as incidents' filter)."""

    actor_id: int | None = None
    action: str | None = None
    bid_id: int | None = None
    start: datetime | None = None
    end: datetime | None = None


def entries_matching(wanted: AuditFilter) -> QuerySet[AuditEntry]:
    query = AuditEntry.all()
    if wanted.actor_id is not None:
        query = query.filter(actor_user_id=wanted.actor_id)
    if wanted.action:
        query = query.filter(action=wanted.action.strip())
    if wanted.bid_id is not None:
        query = query.filter(bid_id=wanted.bid_id)
    if wanted.start is not None:
        query = query.filter(at__gte=wanted.start)
    if wanted.end is not None:
        query = query.filter(at__lt=wanted.end)
    return query


def page_after(query: QuerySet[AuditEntry], after_id: int | None, size: int) -> QuerySet[AuditEntry]:
    """Newest first, in the chain's own order (by id), continuing after a cursor's entry."""
    if after_id is not None:
        query = query.filter(id__lt=after_id)
    return query.order_by("-id").limit(size + 1)
